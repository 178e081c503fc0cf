import { readFileSync } from 'node:fs';
import { expect, Page, test } from './fixtures';
import {
  accountTab, confirmPassword, dashboardWithTwoFactor, enableTwoFactorByApi, open, PASSWORD, signIn, signOut, signUp,
  uniqueLogin,
} from './helpers';

async function signInWithRecoveryCode(page: Page, login: string, code: string) {
  await signIn(page, login);
  await page.getByRole('link', { name: 'Use a recovery code' }).click();
  await page.getByLabel('Recovery code').fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
}

test('view, download, copy and regenerate recovery codes; the old set stops working @hydrated-only', async ({ page, context }, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const { login, codes: oldCodes, account: opened } = await dashboardWithTwoFactor(page, testInfo, 'codes');
  let account = opened;
  await expect(account).toContainText('Two-factor authentication: Enabled');
  await expect(account).toContainText('10 recovery codes left');
  await account.getByRole('button', { name: 'View Recovery Codes' }).click();
  await confirmPassword(page);

  const modal = page.getByRole('dialog', { name: 'Recovery codes' });
  const items = modal.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
  await expect(items).toHaveCount(10);
  expect((await items.allInnerTexts()).map((t) => t.trim())).toEqual(oldCodes);
  await expect(modal.getByText('10 of 10 codes left')).toBeVisible();
  await expect(modal.getByText(/Set 1, generated \d{4}-\d{2}-\d{2}/)).toBeVisible();

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    modal.getByRole('button', { name: 'Download' }).click(),
  ]);
  const text = readFileSync(await download.path(), 'utf8');
  expect(text).toMatch(/Set 1, generated/);
  oldCodes.forEach((c) => expect(text).toContain(c));
  await modal.getByRole('button', { name: 'Copy' }).click();
  await expect(modal.getByText('Copied to the clipboard')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(oldCodes.join('\n'));

  // The link at the bottom, then the confirm pop-up.
  await modal.getByRole('button', { name: 'Generate new recovery codes' }).click();
  const confirm = page.getByRole('dialog', { name: 'Generate new recovery codes?' });
  await expect(confirm).toContainText('The current ones will stop working.');
  await confirm.getByRole('button', { name: 'Generate' }).click();
  await expect(modal.getByText(/Set 2, generated/)).toBeVisible();
  const fresh = (await items.allInnerTexts()).map((t) => t.trim());
  expect(fresh).toHaveLength(10);
  fresh.forEach((c) => expect(oldCodes).not.toContain(c));
  const done = modal.getByRole('button', { name: 'Done' });
  await expect(done).toBeDisabled();
  await modal.getByRole('button', { name: 'Copy' }).click();
  await expect(modal.getByLabel("I've saved the data")).toBeChecked();
  await done.click();
  await expect(modal).toBeHidden();

  account = await accountTab(page);
  await expect(account.getByRole('list', { name: 'Security activity' })).toContainText('New recovery codes generated');
  await expect(account.getByRole('list', { name: 'Security activity' })).toContainText('Recovery codes downloaded');

  await signOut(page);
  await signInWithRecoveryCode(page, login, oldCodes[0]);
  await expect(page.getByRole('alert')).toHaveText('Invalid recovery code');
  await open(page, '/login/verify?method=recovery');
  await page.getByLabel('Recovery code').fill(fresh[0]);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { name: `Welcome, ${login}` })).toBeVisible();
});

test('a dialog opened while the account reloads after a change stays open @hydrated-only', async ({ page, context }, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const { account } = await dashboardWithTwoFactor(page, testInfo, 'reload');
  await account.getByRole('button', { name: 'View Recovery Codes' }).click();
  await confirmPassword(page);
  const modal = page.getByRole('dialog', { name: 'Recovery codes' });
  await modal.getByRole('button', { name: 'Generate new recovery codes' }).click();
  await page.getByRole('dialog', { name: 'Generate new recovery codes?' }).getByRole('button', { name: 'Generate' }).click();
  // Copy before the new set arrives would save the old one; the new set unticks the box.
  await expect(modal.getByText(/Set 2, generated/)).toBeVisible();
  await modal.getByRole('button', { name: 'Copy' }).click();
  await expect(modal.getByLabel("I've saved the data")).toBeChecked();

  // Done reloads the account; hold that reload until a dialog is open.
  let release!: () => void;
  const held = new Promise<void>((resolve) => { release = resolve; });
  let reloads = 0;
  await page.route('**/api/current_account', async (route) => {
    reloads += 1;
    await held;
    await route.continue();
  });
  await modal.getByRole('button', { name: 'Done' }).click();
  await expect(modal).toBeHidden();
  await expect.poll(() => reloads).toBe(1);
  await account.getByRole('button', { name: 'Disable Two-Factor Authentication' }).click();
  const confirm = page.getByRole('dialog', { name: 'Disable two-factor authentication?' });
  await expect(confirm).toBeVisible();

  const reloaded = page.waitForResponse('**/api/current_account');
  release();
  await reloaded;
  // The reload has reached the page once the activity shows the new set.
  await expect(account.locator('ol.activity')).toContainText('New recovery codes generated');
  await expect(confirm).toBeVisible();
  await confirm.getByRole('button', { name: 'Disable' }).click();
  await confirmPassword(page);
  await expect(account).toContainText('Two-factor authentication: Disabled');
});

test('lost phone: sign in with a recovery code, then disable 2FA; sign-in needs only the password @hydrated-only', async ({ page }, testInfo) => {
  const login = uniqueLogin(testInfo, 'disable');
  await signUp(page, login);
  const { codes } = await enableTwoFactorByApi(page);
  await open(page, '/');
  await signOut(page);

  await signInWithRecoveryCode(page, login, codes[3]);
  await expect(page.getByRole('heading', { name: `Welcome, ${login}` })).toBeVisible();
  const account = await accountTab(page);
  await account.getByRole('button', { name: 'Disable Two-Factor Authentication' }).click();
  const confirm = page.getByRole('dialog', { name: 'Disable two-factor authentication?' });
  await expect(confirm).toContainText('Your account will be protected by your password only.');
  await confirm.getByRole('button', { name: 'Disable' }).click();
  await confirmPassword(page);
  await expect(account).toContainText('Two-factor authentication: Disabled');
  await expect(account.getByRole('button', { name: 'Set Up Two-Factor Authentication' })).toBeVisible();
  await expect(account.getByRole('list', { name: 'Security activity' })).toContainText('Two-factor authentication disabled');
  await expect(account.getByRole('list', { name: 'Security activity' })).toContainText('Signed in with a recovery code');

  await signOut(page);
  await signIn(page, login);
  await expect(page.getByRole('heading', { name: `Welcome, ${login}` })).toBeVisible();
});

test('the dashboard warns when two or fewer recovery codes are left', async ({ page }, testInfo) => {
  const login = uniqueLogin(testInfo, 'few');
  await signUp(page, login);
  const { codes } = await enableTwoFactorByApi(page);
  // Use eight of the ten codes, through the real sign-in calls.
  for (const code of codes.slice(0, 8)) {
    const form = { login, password: PASSWORD };
    const headers = { Accept: 'application/json' };
    expect((await page.request.post('/api/sign_in', { form, headers })).status()).toBe(200);
    const verified = await page.request.post('/api/verify_recovery_code', { form: { recovery_code: code }, headers });
    expect(verified.status()).toBe(200);
  }
  await open(page, '/');
  await expect(page.getByRole('status').filter({ hasText: 'Only 2 recovery codes left.' })).toBeVisible();
});
