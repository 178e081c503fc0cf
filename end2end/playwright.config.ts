import { mkdirSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

// Twofold's browser suite. Every flow runs against a release server on
// SQLite and one on PostgreSQL, hydrated and (where the flow allows) with
// JavaScript off. scripts/test sets the ports and the PostgreSQL URL; the
// browser is Debian's Chromium, never a downloaded one.

const sqlitePort = Number(process.env.TWOFOLD_E2E_SQLITE_PORT ?? 3101);
const postgresPort = Number(process.env.TWOFOLD_E2E_POSTGRES_PORT ?? 3102);
const postgresUrl = process.env.TWOFOLD_E2E_POSTGRES_URL;
if (!postgresUrl) {
  throw new Error('TWOFOLD_E2E_POSTGRES_URL must name a fresh PostgreSQL database (scripts/test sets it)');
}

// The throttle tests reach the servers "through a proxy" (127.0.0.1, the
// test browser's own address) that names other client addresses.
const server = '../target/release/server --site-root ../target/site --log warn --trusted-proxies 127.0.0.1';
// Each server's log goes to a file that scripts/test prints when an
// attempt fails: what the server saw is the other half of the evidence.
mkdirSync('.tmp', { recursive: true });
const logTo = (name: string) => `> .tmp/${name}-server.log 2>&1`;
const chromium = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

// WebAuthn needs a host name for its relying-party id (an IP address
// cannot be one): the servers are reached at localhost, and told so.
const publicUrl = (port: number) => `http://localhost:${port}`;

const backends = [
  { name: 'sqlite', port: sqlitePort },
  { name: 'postgres', port: postgresPort },
];

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  // One retry: a test that fails and then passes is listed as flaky, and
  // scripts/test prints what its page and the servers showed. A rare
  // failure leaves its evidence without failing the run; one that fails
  // twice fails it.
  retries: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    launchOptions: chromium,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: backends.flatMap(({ name, port }) => [
    {
      name: `hydrated-${name}`,
      use: { baseURL: publicUrl(port), javaScriptEnabled: true },
      // What does not depend on the database (layout, contrast, the README's
      // screenshots) runs against the first backend only; what only a page
      // without JavaScript shows, only there.
      grepInvert: name === backends[0].name ? /@no-js-only/ : /@one-database|@no-js-only/,
    },
    {
      name: `no-js-${name}`,
      use: { baseURL: publicUrl(port), javaScriptEnabled: false },
      // Flows that need the hydrated app (the Settings frame) say so.
      grepInvert: /@hydrated-only/,
    },
  ]),
  webServer: [
    {
      command: `rm -rf .tmp/sqlite && ${server} --addr 127.0.0.1:${sqlitePort} --public-url ${publicUrl(sqlitePort)} --data-dir .tmp/sqlite ${logTo('sqlite')}`,
      url: `http://127.0.0.1:${sqlitePort}/login`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      command: `${server} --addr 127.0.0.1:${postgresPort} --public-url ${publicUrl(postgresPort)} --data-dir .tmp/postgres ${logTo('postgres')}`,
      env: { DATABASE_URL: postgresUrl },
      url: `http://127.0.0.1:${postgresPort}/login`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});
