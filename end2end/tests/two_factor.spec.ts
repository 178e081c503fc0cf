import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';
import {
  accountTab, confirmPassword, decodeQr, enableTwoFactorByApi, open, PASSWORD, signIn, signOut, signUp, startSetUp, totp, uniqueLogin,
} from './helpers';

test('the whole seed flow: set up 2FA, save the codes, sign in with a code and with a recovery code @hydrated-only', async ({ page, context }, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const login = uniqueLogin(testInfo, 'wizard');
  await signUp(page, login);
  let account = await accountTab(page);
  await expect(account).toContainText('Two-factor authentication: Disabled');

  // The confirm-password pop-up: a wrong password says so and stays open;
  // Esc closes it.
  await account.getByRole('button', { name: 'Set Up Two-Factor Authentication' }).click();
  const confirm = page.getByRole('dialog', { name: 'Confirm your password' });
  await confirm.getByLabel('Password').fill('not my password');
  await confirm.getByRole('button', { name: 'Confirm' }).click();
  await expect(confirm.getByRole('alert')).toHaveText('Incorrect password');
  await expect(confirm).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(confirm).toBeHidden();
  await account.getByRole('button', { name: 'Set Up Two-Factor Authentication' }).click();
  await expect(confirm.getByRole('alert')).toBeEmpty();
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toBeHidden();

  await account.getByRole('button', { name: 'Set Up Two-Factor Authentication' }).click();
  await confirmPassword(page);

  // Step 1 of 2: the QR code and the data to type by hand.
  const wizard = page.getByRole('dialog', { name: 'Set up two-factor authentication' });
  await expect(wizard.getByText('Step 1 of 2')).toBeVisible();
  const qr = wizard.getByRole('img', { name: /QR code/ });
  const uri = decodeQr(await qr.screenshot());
  const match = uri.match(/^otpauth:\/\/totp\/Twofold:([^?]+)\?secret=([A-Z2-7]+)&issuer=Twofold$/);
  expect(match, uri).not.toBeNull();
  expect(decodeURIComponent(match![1])).toBe(login);
  const secret = match![2];
  const manualKey = (await wizard.locator('#manual-key').innerText()).trim();
  expect(manualKey.replace(/ /g, '')).toBe(secret);
  expect(manualKey).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
  await expect(wizard.getByText('Time-based')).toBeVisible();
  await expect(wizard.getByRole('link', { name: 'Google Authenticator' }))
    .toHaveAttribute('href', 'https://support.google.com/accounts/answer/1066447');

  const codeInput = wizard.getByLabel('Authentication code');
  await expect(codeInput).toHaveAttribute('inputmode', 'numeric');
  await expect(codeInput).toHaveAttribute('autocomplete', 'one-time-code');
  const right = totp(secret);
  await codeInput.fill(right === '000000' ? '111111' : '000000');
  await wizard.getByRole('button', { name: 'Next' }).click();
  await expect(wizard.getByRole('alert')).toHaveText(/^Invalid authentication code\. Server time: \d\d:\d\d:\d\d UTC$/);
  await expect(wizard.getByText('Step 1 of 2')).toBeVisible();

  // Pasted the way apps show it.
  const code = totp(secret);
  await codeInput.fill(`${code.slice(0, 3)} ${code.slice(3)}`);
  await wizard.getByRole('button', { name: 'Next' }).click();

  // Step 2 of 2: the recovery codes, and Done gated by the checkbox.
  await expect(wizard.getByText('Step 2 of 2')).toBeVisible();
  const items = wizard.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
  await expect(items).toHaveCount(10);
  const codes = (await items.allInnerTexts()).map((c) => c.trim());
  codes.forEach((c) => expect(c).toMatch(/^[2-9a-hjkmnp-z]{4}(-[2-9a-hjkmnp-z]{4}){3}$/));
  const saved = wizard.getByLabel("I've saved the data");
  const done = wizard.getByRole('button', { name: 'Done' });
  await expect(saved).not.toBeChecked();
  await expect(done).toBeDisabled();
  // Esc may not skip saving the codes.
  await page.keyboard.press('Escape');
  await expect(wizard).toBeVisible();

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    wizard.getByRole('button', { name: 'Download' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('twofold-recovery-codes.txt');
  const text = readFileSync(await download.path(), 'utf8');
  expect(text).toContain(`Account: ${login}`);
  expect(text).toMatch(/Set 1, generated \d{4}-\d{2}-\d{2}/);
  codes.forEach((c) => expect(text).toContain(c));
  await expect(saved).toBeChecked();
  await expect(done).toBeEnabled();

  await saved.uncheck();
  await expect(done).toBeDisabled();
  await wizard.getByRole('button', { name: 'Copy' }).click();
  await expect(saved).toBeChecked();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(codes.join('\n'));

  await done.click();
  await expect(wizard).toBeHidden();
  account = await accountTab(page);
  await expect(account).toContainText('Two-factor authentication: Enabled');
  await expect(account).toContainText('10 recovery codes left');

  // Sign-in now asks for a code from the app. The set-up code's time step
  // is used up, so take the next one (inside the ±1 step window).
  await signOut(page);
  await signIn(page, login);
  await expect(page).toHaveURL(/\/login\/verify$/);
  await page.getByLabel('Authentication code').fill(totp(secret, Math.floor(Date.now() / 1000) + 30));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { name: `Welcome, ${login}` })).toBeVisible();

  // Lost phone: a recovery code works once.
  await signOut(page);
  await signIn(page, login);
  await page.getByRole('link', { name: 'Use a recovery code' }).click();
  await page.getByLabel('Recovery code').fill(codes[0]);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { name: `Welcome, ${login}` })).toBeVisible();
  account = await accountTab(page);
  await expect(account).toContainText('9 recovery codes left');

  await signOut(page);
  await signIn(page, login);
  await page.getByRole('link', { name: 'Use a recovery code' }).click();
  await page.getByLabel('Recovery code').fill(codes[0]);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('alert')).toHaveText('Invalid recovery code');
});

test('cancelling the wizard leaves two-factor authentication off @hydrated-only', async ({ page }, testInfo) => {
  const login = uniqueLogin(testInfo, 'cancel');
  await signUp(page, login);
  const { wizard } = await startSetUp(page);
  await wizard.getByRole('button', { name: 'Cancel' }).click();
  await expect(wizard).toBeHidden();
  await signOut(page);
  await signIn(page, login);
  await expect(page.getByRole('heading', { name: `Welcome, ${login}` })).toBeVisible();
});

test('the second sign-in step: a code, a wrong code and a recovery code', async ({ page }, testInfo) => {
  const login = uniqueLogin(testInfo, 'second');
  await signUp(page, login);
  const { key, codes } = await enableTwoFactorByApi(page);
  // Enabling ended the other sessions and re-issued this one.
  await page.goto('/');
  await signOut(page);

  await signIn(page, login);
  await expect(page).toHaveURL(/\/login\/verify$/);
  await expect(page.getByText(`Signing in as ${login}`)).toBeVisible();
  // Nothing needs an account until the second step is done.
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await open(page, '/login/verify');

  await page.getByLabel('Authentication code').fill('000000' === totp(key) ? '111111' : '000000');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('alert')).toHaveText(/^Invalid authentication code\. Server time: \d\d:\d\d:\d\d UTC$/);
  await page.getByLabel('Authentication code').fill(totp(key, Math.floor(Date.now() / 1000) + 30));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { name: `Welcome, ${login}` })).toBeVisible();

  await signOut(page);
  await signIn(page, login);
  await page.getByRole('link', { name: 'Use a recovery code' }).click();
  await expect(page).toHaveURL(/method=recovery/);
  await page.getByLabel('Recovery code').fill(codes[4].toUpperCase());
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { name: `Welcome, ${login}` })).toBeVisible();
});

test('the second step sends visitors without a pending sign-in to the login page', async ({ page }) => {
  await page.goto('/login/verify');
  await expect(page).toHaveURL(/\/login$/);
});
