import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { simpleParser } from 'mailparser';
import { expect, Locator, Page, test, TestInfo } from './fixtures';

export const PASSWORD = 'correct horse battery';

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/** axe-core's verdict (it runs as a script in the page: hydrated projects only). */
export async function noAxeViolations(page: Page, state: string): Promise<void> {
  if (test.info().project.use.javaScriptEnabled === false) return;
  const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), state)
    .toEqual([]);
}

/**
 * `server admin <args>` (the real binary) on the database of the server
 * this test's project runs against; answers what it printed.
 */
export function admin(testInfo: TestInfo, ...args: string[]): string {
  const postgres = testInfo.project.name.endsWith('postgres');
  const env = { ...process.env };
  delete env.DATABASE_URL;
  if (postgres) env.DATABASE_URL = process.env.TWOFOLD_E2E_POSTGRES_URL;
  const dataDir = postgres ? '.tmp/postgres' : '.tmp/sqlite';
  return execFileSync('../target/release/server', ['admin', ...args, '--data-dir', dataDir], { env })
    .toString()
    .trim();
}

/** The path of the reset link `server admin reset-link` printed. */
export function resetPath(printed: string): string {
  return new URL(printed.split(' ').at(-1)!).pathname;
}

/** A login no other test (or earlier run on the same database) uses. */
export function uniqueLogin(testInfo: TestInfo, stem: string): string {
  const random = Math.random().toString(36).slice(2, 8);
  return `${stem}-${testInfo.project.name}-${random}`.slice(0, 64);
}

/**
 * Opens a page. With JavaScript on, waits until the app has hydrated, so
 * the test drives the hydrated app and not the server-rendered form.
 */
export async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  if (test.info().project.use.javaScriptEnabled !== false) {
    await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
  }
}

export async function signUp(page: Page, login: string, password = PASSWORD): Promise<void> {
  await open(page, '/signup');
  await page.getByLabel('Login').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: `Welcome, ${login}` })).toBeVisible();
}

export async function signIn(page: Page, login: string, password = PASSWORD): Promise<void> {
  await open(page, '/login');
  await page.getByLabel('Login').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/**
 * The TOTP code for a base32 key at a unix time, from oath-toolkit's
 * oathtool: an implementation independent of Twofold's.
 */
export function totp(keyBase32: string, unixSeconds = Math.floor(Date.now() / 1000)): string {
  const key = keyBase32.replace(/\s+/g, '');
  return execFileSync('oathtool', ['--totp', '-b', '-N', `@${unixSeconds}`, key]).toString().trim();
}

/** Reads a QR code from a PNG with zbar's zbarimg. */
export function decodeQr(png: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'twofold-qr-'));
  const file = join(dir, 'qr.png');
  writeFileSync(file, png);
  return execFileSync('zbarimg', ['--raw', '-q', file]).toString().trim();
}

/** Turns 2FA on through the server functions the wizard calls. */
export async function enableTwoFactorByApi(page: Page): Promise<{ key: string; codes: string[]; at: number }> {
  const call = async (fn: string, form: Record<string, string> = {}) => {
    const response = await page.request.post(`/api/${fn}`, { form, headers: { Accept: 'application/json' } });
    expect(response.status(), `${fn}: ${await response.text()}`).toBe(200);
    return response.json();
  };
  await call('confirm_password', { password: PASSWORD });
  const challenge = await call('begin_two_factor_setup');
  const at = Math.floor(Date.now() / 1000);
  const key = challenge.manual_key as string;
  const result = await call('confirm_two_factor_setup', { code: totp(key, at) });
  return { key, codes: (result.codes as { code: string }[]).map((entry) => entry.code), at };
}

/**
 * A new account with 2FA on (through the API), on the dashboard with
 * Settings > Account open. Returns the login, the tab and the recovery codes.
 */
export async function dashboardWithTwoFactor(page: Page, testInfo: TestInfo, stem: string) {
  const login = uniqueLogin(testInfo, stem);
  await signUp(page, login);
  const { codes } = await enableTwoFactorByApi(page);
  await open(page, '/');
  return { login, codes, account: await accountTab(page) };
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
}

/** Opens Settings (if closed) and its Account tab; returns the tab panel. */
export async function accountTab(page: Page) {
  const settings = page.getByRole('button', { name: 'Settings' });
  if ((await settings.getAttribute('aria-expanded')) !== 'true') await settings.click();
  await page.getByRole('tab', { name: 'Account' }).click();
  return page.getByRole('tabpanel', { name: 'Account' });
}

/** Types the password into the confirm-password pop-up and confirms. */
export async function confirmPassword(page: Page): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Confirm your password' });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Password').fill(PASSWORD);
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog).toBeHidden();
}

/**
 * From the dashboard: Settings > Account > Set Up Two-Factor Authentication,
 * the password pop-up, then step 1 of the wizard. Returns the wizard and
 * the key it shows.
 */
export async function startSetUp(page: Page): Promise<{ wizard: Locator; secret: string }> {
  const account = await accountTab(page);
  await account.getByRole('button', { name: 'Set Up Two-Factor Authentication' }).click();
  await confirmPassword(page);
  const wizard = page.getByRole('dialog', { name: 'Set up two-factor authentication' });
  await expect(wizard.getByRole('img', { name: /QR code/ })).toBeVisible();
  const secret = (await wizard.locator('#manual-key').innerText()).replace(/\s/g, '');
  return { wizard, secret };
}

/** A mail the server under test wrote, as a mail program reads it. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/**
 * The newest mail to `address` whose subject contains `subject`, once the
 * server's sender has written it. The suite's servers have no SMTP
 * server: they write each message into `--mail-dir`, by default `mail`
 * in their data directory, the quick start's way.
 */
export async function mailTo(testInfo: TestInfo, address: string, subject: string): Promise<Mail> {
  const dir = join(testInfo.project.name.endsWith('postgres') ? '.tmp/postgres' : '.tmp/sqlite', 'mail');
  let found: Mail | undefined;
  await expect.poll(async () => {
    const files = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.eml')) : [];
    const mails = await Promise.all(files.map(async (name) => {
      const parsed = await simpleParser(readFileSync(join(dir, name)));
      const to = Array.isArray(parsed.to) ? parsed.to.map((t) => t.text).join(', ') : parsed.to?.text ?? '';
      return { to, subject: parsed.subject ?? '', text: parsed.text ?? '', at: statSync(join(dir, name)).mtimeMs };
    }));
    const matching = mails
      .filter((mail) => mail.to.includes(address) && mail.subject.includes(subject))
      .sort((a, b) => b.at - a.at);
    found = matching[0];
    return found !== undefined;
  }, { message: `a mail to ${address} about "${subject}"`, timeout: 15_000 }).toBe(true);
  return found!;
}

/** The path of the first link in `mail` to `path` (`/reset/`, `/verify-email/`). */
export function linkIn(mail: Mail, path: string): string {
  const link = mail.text.match(new RegExp(`https?://\\S+${path}\\S+`));
  expect(link, `a ${path} link in ${mail.text}`).not.toBeNull();
  return new URL(link![0]).pathname;
}
