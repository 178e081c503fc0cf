// Several two-factor methods (issue 22): Add authenticator app (the
// seed's wizard, for a second phone, with no new recovery codes), the
// list of methods with Rename and Remove, and removing the last one,
// which asks first because it turns 2FA off. The dashboard is an island:
// these flows need JavaScript.
import { expect, test } from './fixtures';
import {
  confirmPassword, dashboardWithTwoFactor, enableTwoFactorByApi, noAxeViolations, open, PASSWORD, signIn,
  signOut, totp, uniqueLogin,
} from './helpers';

const now = () => Math.floor(Date.now() / 1000);

test('a second authenticator app: added, renamed, signed in with, and the first removed @hydrated-only', async ({ page }, testInfo) => {
  const { login, account } = await dashboardWithTwoFactor(page, testInfo, 'methods');
  const methods = account.getByRole('table', { name: 'Your two-factor methods' });
  await expect(methods.getByRole('row')).toHaveCount(2);
  await expect(methods.getByRole('row').nth(1)).toContainText('Authenticator app');

  await account.getByRole('button', { name: 'Add authenticator app' }).click();
  await confirmPassword(page);
  const wizard = page.getByRole('dialog', { name: 'Add an authenticator app' });
  await expect(wizard.getByRole('img', { name: /QR code/ })).toBeVisible();
  const second = (await wizard.locator('#manual-key').innerText()).replace(/\s/g, '');
  await wizard.getByLabel('Authentication code').fill(totp(second));
  await wizard.getByRole('button', { name: 'Next' }).click();
  await expect(wizard).toBeHidden();
  await expect(account.getByRole('status').filter({ hasText: 'Authenticator app added' })).toBeVisible();
  await expect(methods.getByRole('row')).toHaveCount(3);
  await expect(account.getByText('10 recovery codes left')).toBeVisible();

  await methods.getByRole('button', { name: 'Rename Authenticator app' }).last().click();
  const rename = page.getByRole('dialog', { name: 'Rename this two-factor method' });
  await rename.getByLabel('Name').fill('   ');
  await rename.getByRole('button', { name: 'Save' }).click();
  await expect(rename.getByRole('alert')).toHaveText('Name it with 1 to 64 characters');
  await expect(rename.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
  await noAxeViolations(page, 'rename-error');
  await rename.getByLabel('Name').fill('Spare phone');
  await rename.getByRole('button', { name: 'Save' }).click();
  await expect(rename).toBeHidden();
  await expect(methods.getByRole('row', { name: /Spare phone/ })).toBeVisible();
  await expect(account.getByRole('list', { name: 'Security activity' })).toContainText('Two-factor method renamed');

  // The spare phone's next code signs in.
  await signOut(page);
  await signIn(page, login);
  await page.getByLabel('Authentication code').fill(totp(second, now() + 30));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/$/);

  await page.getByRole('button', { name: 'Settings' }).click();
  const panel = page.getByRole('tabpanel', { name: 'Account' });
  const list = panel.getByRole('table', { name: 'Your two-factor methods' });
  await expect(list.getByRole('row', { name: /Spare phone/ })).not.toContainText('Never');
  await list.getByRole('button', { name: 'Remove Authenticator app' }).click();
  await confirmPassword(page);
  await expect(list.getByRole('row')).toHaveCount(2);
  await expect(panel.getByRole('list', { name: 'Security activity' })).toContainText('Two-factor method removed');
  await expect(panel.getByText('Two-factor authentication: Enabled')).toBeVisible();
});

test('removing the last method asks first, then turns two-factor authentication off @hydrated-only', async ({ page }, testInfo) => {
  const { account } = await dashboardWithTwoFactor(page, testInfo, 'last-method');
  const methods = account.getByRole('table', { name: 'Your two-factor methods' });
  await methods.getByRole('button', { name: 'Remove Authenticator app' }).click();
  const ask = page.getByRole('dialog', { name: 'Remove your last two-factor method?' });
  await expect(ask).toContainText('disables two-factor authentication');
  await noAxeViolations(page, 'remove-last');
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(methods.getByRole('row')).toHaveCount(2);

  await methods.getByRole('button', { name: 'Remove Authenticator app' }).click();
  await ask.getByRole('button', { name: 'Remove and Disable' }).click();
  await confirmPassword(page);
  await expect(account.getByRole('button', { name: 'Set Up Two-Factor Authentication' })).toBeVisible();
  await expect(methods).toBeHidden();
});

test.describe('in Bahasa Indonesia', () => {
  test.use({ locale: 'id-ID' });

  test('the methods list and its dialogs pass axe @hydrated-only', async ({ page }, testInfo) => {
    await open(page, '/signup');
    await page.getByLabel('Nama pengguna').fill(uniqueLogin(testInfo, 'metode'));
    await page.getByLabel('Kata sandi').fill(PASSWORD);
    await page.getByRole('button', { name: 'Daftar' }).click();
    await expect(page.getByRole('heading', { name: /Selamat datang/ })).toBeVisible();
    await enableTwoFactorByApi(page);
    await open(page, '/');
    await page.getByRole('button', { name: 'Pengaturan' }).click();
    const account = page.getByRole('tabpanel', { name: 'Akun' });
    const methods = account.getByRole('table', { name: 'Metode dua faktor Anda' });
    await expect(methods.getByRole('row').nth(1)).toContainText('Aplikasi autentikator');
    await noAxeViolations(page, 'daftar-metode');
    await methods.getByRole('button', { name: 'Ganti nama Aplikasi autentikator' }).click();
    await expect(page.getByRole('dialog', { name: 'Ganti nama metode dua faktor ini' })).toBeVisible();
    await noAxeViolations(page, 'ganti-nama');
    await page.keyboard.press('Escape');
    await methods.getByRole('button', { name: 'Hapus Aplikasi autentikator' }).click();
    await expect(page.getByRole('dialog', { name: 'Hapus metode dua faktor terakhir Anda?' })).toBeVisible();
    await noAxeViolations(page, 'hapus-terakhir');
  });
});
