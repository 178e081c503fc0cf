import { expect, Page, test } from './fixtures';
import {
  accountTab, confirmPassword, enableTwoFactorByApi, open, signIn, signOut, signUp, startSetUp, totp, uniqueLogin,
} from './helpers';

// Print, the phone's clock drift, the server's time on a refused code, and
// the visible unlock with Lock now.

/** Waits until the current 30-second step has at least `margin` s left. */
async function awayFromStepEdge(page: Page, margin = 6): Promise<void> {
  const left = 30 - (Math.floor(Date.now() / 1000) % 30);
  if (left < margin) await page.waitForTimeout(left * 1000 + 500);
}

test('Print prints only the login, the set and its date, and the codes @hydrated-only', async ({ page }, testInfo) => {
  const login = uniqueLogin(testInfo, 'print');
  await signUp(page, login);
  const { wizard, secret } = await startSetUp(page);
  await wizard.getByLabel('Authentication code').fill(totp(secret));
  await wizard.getByRole('button', { name: 'Next' }).click();

  const saved = wizard.getByLabel("I've saved the data");
  await expect(saved).not.toBeChecked();
  await wizard.getByRole('button', { name: 'Print' }).click();
  await expect(saved).toBeChecked();

  // Printed, the dialog's heading is hidden too (and with it the dialog's
  // accessible name): find what is printed in the whole page.
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByText(`Twofold recovery codes for ${login}`)).toBeVisible();
  await expect(page.getByText(/^Set 1, generated \d{4}-\d{2}-\d{2}$/)).toBeVisible();
  const items = page.locator('ol.codes li');
  await expect(items).toHaveCount(10);
  for (const item of await items.all()) await expect(item).toBeVisible();
  for (const name of ['Download', 'Copy', 'Print', 'Done']) {
    await expect(page.locator('dialog button', { hasText: new RegExp(`^${name}$`) })).toBeHidden();
  }
  await expect(page.getByText('Step 2 of 2')).toBeHidden();
  await expect(page.locator('#wizard-title')).toBeHidden();
  await expect(page.locator('#saved-the-data')).toBeHidden();
  await expect(page.getByRole('heading', { name: `Welcome, ${login}` })).toBeHidden();
  await expect(page.getByRole('button', { name: 'Settings' })).toBeHidden();

  // On screen, the print-only line stays out of the way.
  await page.emulateMedia({ media: 'screen' });
  await expect(wizard.getByText(`Twofold recovery codes for ${login}`)).toBeHidden();
  await expect(wizard.getByRole('button', { name: 'Print' })).toBeVisible();
});

test('a code from a neighbouring step says the phone clock looks off, at set-up and at sign-in @hydrated-only', async ({ page }, testInfo) => {
  const login = uniqueLogin(testInfo, 'drift');
  await signUp(page, login);
  const { wizard, secret } = await startSetUp(page);
  await awayFromStepEdge(page);
  await wizard.getByLabel('Authentication code').fill(totp(secret, Math.floor(Date.now() / 1000) - 30));
  await wizard.getByRole('button', { name: 'Next' }).click();
  await expect(wizard.getByRole('status').filter({ hasText: 'clock' }))
    .toHaveText(/your phone's clock looks about 30 seconds behind/);

  await wizard.getByLabel("I've saved the data").check();
  await wizard.getByRole('button', { name: 'Done' }).click();
  await signOut(page);
  await signIn(page, login);
  await awayFromStepEdge(page);
  await page.getByLabel('Authentication code').fill(totp(secret, Math.floor(Date.now() / 1000) + 30));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'clock' }))
    .toHaveText(/your phone's clock looks about 30 seconds ahead/);
  // Said once.
  await open(page, '/');
  await expect(page.getByRole('heading', { name: /^Welcome/ })).toBeVisible();
  await expect(page.getByText(/phone's clock looks/)).toHaveCount(0);
});

test("a refused code shows the server's time to compare with the phone's", async ({ page }, testInfo) => {
  const login = uniqueLogin(testInfo, 'srvtime');
  await signUp(page, login);
  const { key } = await enableTwoFactorByApi(page);
  await page.goto('/');
  await signOut(page);
  await signIn(page, login);
  await open(page, '/login/verify');
  await page.getByLabel('Authentication code').fill(totp(key) === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: 'Verify' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toHaveText(/^Invalid authentication code\. Server time: \d\d:\d\d:\d\d UTC$/);
  const [, h, m, s] = (await alert.innerText()).match(/(\d\d):(\d\d):(\d\d)/)!.map(Number);
  const now = new Date();
  const here = now.getUTCHours() * 3600 + now.getUTCMinutes() * 60 + now.getUTCSeconds();
  const gap = Math.abs(here - (h * 3600 + m * 60 + s));
  expect(Math.min(gap, 86400 - gap)).toBeLessThanOrEqual(10);
  const field = page.getByLabel('Authentication code');
  // The code is one field to a screen reader, not six boxes.
  await expect(page.getByRole('textbox')).toHaveCount(1);
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveAttribute('aria-describedby', /code-error/);
});

test('a password confirmation shows how long it lasts, and Lock now ends it @hydrated-only', async ({ page }, testInfo) => {
  const login = uniqueLogin(testInfo, 'lock');
  await signUp(page, login);
  let account = await accountTab(page);
  const settings = page.locator('#settings');
  await expect(settings.getByText(/^Confirmed for/)).toHaveCount(0);
  await account.getByRole('button', { name: 'Set Up Two-Factor Authentication' }).click();
  await confirmPassword(page);
  const wizard = page.getByRole('dialog', { name: 'Set up two-factor authentication' });
  await wizard.getByRole('button', { name: 'Cancel' }).click();

  const status = settings.getByText(/^Confirmed for [45]:\d\d$/);
  await expect(status).toBeVisible();
  const first = await status.innerText();
  await expect(status).not.toHaveText(first, { timeout: 3_000 });

  // The server renders it too, after a reload.
  await open(page, '/');
  account = await accountTab(page);
  await expect(settings.getByText(/^Confirmed for [45]:\d\d$/)).toBeVisible();

  await settings.getByRole('button', { name: 'Lock now' }).click();
  await expect(settings.getByText(/^Confirmed for/)).toHaveCount(0);
  const locked = await page.request.post('/api/begin_two_factor_setup', { headers: { Accept: 'application/json' } });
  expect(locked.status()).toBe(403);
  expect((await locked.json()).error).toBe('reauth_required');
  await open(page, '/');
  await accountTab(page);
  await expect(settings.getByText(/^Confirmed for/)).toHaveCount(0);
});
