import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { open, signIn, signOut, signUp, startSetUp, totp } from './helpers';

// The README's screenshots, taken from the real app by every run of the
// suite, so they never go stale: the wizard, the recovery-code modal and
// the second sign-in step.

const DIR = join(__dirname, '..', '..', 'docs', 'screenshots');

test('README screenshots: the wizard, the recovery codes and the sign-in step @hydrated-only @one-database', async ({ page, context }) => {
  mkdirSync(DIR, { recursive: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.setViewportSize({ width: 1000, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
  // Each run starts from an empty SQLite database: the same login every time.
  const login = 'ana.lima';

  await signUp(page, login);
  const { wizard, secret } = await startSetUp(page);
  await wizard.screenshot({ path: join(DIR, 'wizard.png') });

  await wizard.getByLabel('Authentication code').fill(totp(secret));
  await wizard.getByRole('button', { name: 'Next' }).click();
  await expect(wizard.getByText('Step 2 of 2')).toBeVisible();
  await wizard.getByRole('button', { name: 'Copy' }).click();
  await expect(wizard.getByLabel("I've saved the data")).toBeChecked();
  await wizard.screenshot({ path: join(DIR, 'recovery-codes.png') });
  await wizard.getByRole('button', { name: 'Done' }).click();

  await signOut(page);
  await signIn(page, login);
  await open(page, '/login/verify');
  await expect(page.getByLabel('Authentication code')).toBeVisible();
  await page.screenshot({ path: join(DIR, 'sign-in-step.png') });
});
