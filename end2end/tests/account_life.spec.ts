// The account's whole life: Change Password, the Sessions tab,
// Delete Account, and the page an operator's reset link opens, which is a
// plain form and works with JavaScript off too. The reset link comes from
// the real `server admin reset-link`, run on the database of the server
// under test.
import { expect, test } from './fixtures';
import {
  accountTab, admin, confirmPassword, noAxeViolations, open, PASSWORD, resetPath, signIn, signOut, signUp,
  uniqueLogin,
} from './helpers';

const NEW_PASSWORD = 'copper violin under moss';

test('change the password: the other browser is signed out, the new password works @hydrated-only', async ({ page, browser }, testInfo) => {
  const login = uniqueLogin(testInfo, 'change');
  await signUp(page, login);
  const other = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  const otherPage = await other.newPage();
  await signIn(otherPage, login);
  await expect(otherPage).toHaveURL(/\/$/);

  const account = await accountTab(page);
  await account.getByRole('button', { name: 'Change Password' }).click();
  const dialog = page.getByRole('dialog', { name: 'Change your password' });
  await dialog.getByLabel('Current password').fill(PASSWORD);
  await dialog.getByLabel('New password', { exact: true }).fill('password1234');
  await dialog.getByLabel('New password again').fill('password1234');
  await dialog.getByRole('button', { name: 'Change password' }).click();
  await expect(dialog.getByRole('alert')).toHaveText(/too easy to guess/);
  await expect(dialog.getByLabel('New password', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await noAxeViolations(page, 'change-password-error');

  await dialog.getByLabel('Current password').fill('not my password');
  await dialog.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await dialog.getByLabel('New password again').fill(NEW_PASSWORD);
  await dialog.getByRole('button', { name: 'Change password' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Incorrect password');

  await dialog.getByLabel('Current password').fill(PASSWORD);
  await dialog.getByRole('button', { name: 'Change password' }).click();
  await expect(dialog).toBeHidden();
  await expect(account.getByRole('status').filter({ hasText: 'Your password was changed' })).toBeVisible();
  await expect(account.getByRole('list', { name: 'Security activity' })).toContainText('Password changed');

  await otherPage.reload();
  await expect(otherPage).toHaveURL(/\/login$/);
  await other.close();
  await signOut(page);
  await signIn(page, login, NEW_PASSWORD);
  await expect(page).toHaveURL(/\/$/);
});

test('the Sessions tab lists another browser, signs it out, then all others @hydrated-only', async ({ page, browser }, testInfo) => {
  const login = uniqueLogin(testInfo, 'sessions');
  await signUp(page, login);
  const contexts = [];
  for (const address of ['198.51.100.21', '198.51.100.22']) {
    const context = await browser.newContext({
      baseURL: testInfo.project.use.baseURL,
      extraHTTPHeaders: { 'X-Forwarded-For': address },
    });
    const other = await context.newPage();
    await signIn(other, login);
    await expect(other).toHaveURL(/\/$/);
    contexts.push({ context, page: other });
  }

  await accountTab(page);
  await page.getByRole('tab', { name: 'Sessions' }).click();
  const panel = page.getByRole('tabpanel', { name: 'Sessions' });
  const table = panel.getByRole('table', { name: 'Your sessions' });
  await expect(table.getByRole('row')).toHaveCount(4);
  const mine = table.getByRole('row', { name: /This browser/ });
  await expect(mine).toContainText('Chrome');
  await expect(mine).toContainText('Linux');
  await noAxeViolations(page, 'sessions-tab');

  const first = table.getByRole('row', { name: /198\.51\.100\.21/ });
  await first.getByRole('button', { name: /^Sign out the session of/ }).click();
  await confirmPassword(page);
  await expect(first).toHaveCount(0);
  await expect(table.getByRole('row')).toHaveCount(3);
  await contexts[0].page.reload();
  await expect(contexts[0].page).toHaveURL(/\/login$/);

  await panel.getByRole('button', { name: 'Sign out all other sessions' }).click();
  await confirmPassword(page);
  await expect(table.getByRole('row')).toHaveCount(2);
  await contexts[1].page.reload();
  await expect(contexts[1].page).toHaveURL(/\/login$/);
  await page.reload();
  await expect(page.getByRole('heading', { name: `Welcome, ${login}` })).toBeVisible();
  for (const { context } of contexts) await context.close();
});

test('delete the account: the login is checked, then everything goes @hydrated-only', async ({ page }, testInfo) => {
  const login = uniqueLogin(testInfo, 'delete');
  await signUp(page, login);
  const account = await accountTab(page);
  await account.getByRole('button', { name: 'Delete Account' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete your account?' });
  await expect(dialog).toContainText('recovery codes, access tokens, sessions and security activity');
  await noAxeViolations(page, 'delete-account');
  await dialog.getByLabel(`Type your login, ${login}, to confirm`).fill(`${login}x`);
  await dialog.getByLabel('Password').fill(PASSWORD);
  await dialog.getByRole('button', { name: 'Delete account' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Type your login exactly as shown to confirm');

  await dialog.getByLabel(`Type your login, ${login}, to confirm`).fill(login);
  await dialog.getByRole('button', { name: 'Delete account' }).click();
  await expect(page).toHaveURL(/\/login\?notice=account_deleted$/);
  await expect(page.getByRole('status')).toHaveText(/Your account was deleted/);
  await signIn(page, login);
  await expect(page.getByRole('alert')).toHaveText('Invalid login or password');
  // The login is free again.
  await signUp(page, login);
});

test('an operator\'s reset link sets a new password once, with or without JavaScript', async ({ page }, testInfo) => {
  const login = uniqueLogin(testInfo, 'reset');
  await signUp(page, login);
  const printed = admin(testInfo, 'reset-link', login);
  expect(printed).toMatch(new RegExp(`^reset link for ${login} \\(valid for 60 minutes, once\\): http://localhost:3000/reset/`));
  const path = resetPath(printed);

  await open(page, path);
  await expect(page.getByRole('heading', { name: 'Set a new password' })).toBeVisible();
  await expect(page.getByText(login)).toBeVisible();
  await noAxeViolations(page, 'reset-page');
  await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('New password again').fill('copper violin');
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByRole('alert')).toHaveText('The two new passwords differ. Type the same one twice');
  await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('New password again').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page).toHaveURL(/\/login\?notice=password_set$/);
  await expect(page.getByRole('status')).toHaveText('Your new password is set. Sign in with it.');
  await signIn(page, login, NEW_PASSWORD);
  await expect(page).toHaveURL(/\/$/);

  await open(page, path);
  await expect(page.getByRole('alert')).toHaveText(/already been used/);
});

test.describe('in Bahasa Indonesia', () => {
  test.use({ locale: 'id-ID' });

  test('the new tab and dialogs pass axe @hydrated-only', async ({ page }, testInfo) => {
    const login = uniqueLogin(testInfo, 'hidup');
    await open(page, '/signup');
    await page.getByLabel('Nama pengguna').fill(login);
    await page.getByLabel('Kata sandi').fill(PASSWORD);
    await page.getByRole('button', { name: 'Daftar' }).click();
    await expect(page.getByRole('heading', { name: `Selamat datang, ${login}` })).toBeVisible();
    await page.getByRole('button', { name: 'Pengaturan' }).click();
    const account = page.getByRole('tabpanel', { name: 'Akun' });
    await account.getByRole('button', { name: 'Ubah Kata Sandi' }).click();
    const change = page.getByRole('dialog', { name: 'Ubah kata sandi Anda' });
    await expect(change.getByLabel('Kata sandi saat ini')).toBeVisible();
    await noAxeViolations(page, 'ubah-kata-sandi');
    await page.keyboard.press('Escape');
    await account.getByRole('button', { name: 'Hapus Akun' }).click();
    await expect(page.getByRole('dialog', { name: 'Hapus akun Anda?' })).toBeVisible();
    await noAxeViolations(page, 'hapus-akun');
    await page.keyboard.press('Escape');
    await page.getByRole('tab', { name: 'Sesi' }).click();
    await expect(page.getByRole('table', { name: 'Sesi Anda' }).getByRole('row', { name: /Peramban ini/ })).toBeVisible();
    await noAxeViolations(page, 'tab-sesi');

    const path = resetPath(admin(testInfo, 'reset-link', login));
    await open(page, path);
    await expect(page.getByRole('heading', { name: 'Tetapkan kata sandi baru' })).toBeVisible();
    await noAxeViolations(page, 'halaman-reset');
  });
});
