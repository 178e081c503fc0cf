// Email (issue 23): an address added in Settings counts once the link in
// the mail is opened; "Forgot your password?" mails a link that sets a
// new one, hydrated and with JavaScript off. The servers write their mail
// into their data directory (--mail-dir's default), where the tests read
// it as a mail program would.
import { expect, test } from './fixtures';
import {
  accountTab, confirmPassword, linkIn, mailTo, noAxeViolations, open, PASSWORD, signIn, signOut, signUp,
  uniqueLogin,
} from './helpers';

const NEW_PASSWORD = 'lantern over quiet harbour';

test('add an email address, confirm it from the mail, and choose the notices @hydrated-only', async ({ page }, testInfo) => {
  const login = uniqueLogin(testInfo, 'mail');
  const address = `${login}@example.org`;
  await signUp(page, login);
  const account = await accountTab(page);
  const section = account.getByRole('region', { name: 'Email address' });
  await expect(section).toContainText('No email address yet');
  await section.getByRole('button', { name: 'Add', exact: true }).click();
  await confirmPassword(page);
  const dialog = page.getByRole('dialog', { name: 'Email address' });
  await dialog.getByLabel('Email address').fill('not an address@');
  await dialog.getByRole('button', { name: 'Send link' }).click();
  await expect(dialog.getByRole('alert')).toHaveText(/Enter an email address such as/);
  await noAxeViolations(page, 'email-dialog-error');
  await dialog.getByLabel('Email address').fill(address);
  await dialog.getByRole('button', { name: 'Send link' }).click();
  await expect(dialog).toBeHidden();
  await expect(section.getByRole('status')).toContainText(`A link was sent to ${address}`);

  const mail = await mailTo(testInfo, address, 'confirm your email address');
  await open(page, linkIn(mail, '/verify-email/'));
  await expect(page.getByRole('heading', { name: 'Confirm your email address' })).toBeVisible();
  await expect(page.getByText(address)).toBeVisible();
  await noAxeViolations(page, 'verify-email');
  await page.getByRole('button', { name: 'Confirm email address' }).click();
  await expect(page.getByRole('status')).toContainText('Your email address is confirmed');

  await open(page, '/');
  const confirmed = (await accountTab(page)).getByRole('region', { name: 'Email address' });
  await expect(confirmed).toContainText(address);
  await expect(confirmed.getByRole('button', { name: 'Change', exact: true })).toBeVisible();
  const notices = confirmed.getByLabel(/Also email me about sign-ins from new browsers/);
  await expect(notices).toBeChecked();
  await notices.uncheck();
  await open(page, '/');
  await expect((await accountTab(page)).getByLabel(/Also email me about sign-ins/)).not.toBeChecked();
});

test('reset a forgotten password from the mail', async ({ page }, testInfo) => {
  const login = uniqueLogin(testInfo, 'forgot');
  const address = `${login}@example.org`;
  // The address given at sign-up, confirmed from its mail.
  await open(page, '/signup');
  await page.getByLabel('Login').fill(login);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Email address (optional)').fill(address);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/$/);
  const confirm = await mailTo(testInfo, address, 'confirm your email address');
  await open(page, linkIn(confirm, '/verify-email/'));
  await page.getByRole('button', { name: 'Confirm email address' }).click();
  await expect(page.getByRole('status')).toContainText('Your email address is confirmed');
  await open(page, '/');
  await signOut(page);

  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page.getByRole('heading', { name: 'Forgot your password?' })).toBeVisible();
  await noAxeViolations(page, 'forgot');
  await page.getByLabel('Login or email address').fill(address);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(page.getByRole('status')).toContainText('If an account with a confirmed email address matches');

  const reset = await mailTo(testInfo, address, 'reset your password');
  await open(page, linkIn(reset, '/reset/'));
  await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('New password again').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page).toHaveURL(/\/login\?notice=password_set$/);
  await signIn(page, login, NEW_PASSWORD);
  await expect(page.getByRole('heading', { name: `Welcome, ${login}` })).toBeVisible();
  // The owner is told, at the confirmed address.
  await mailTo(testInfo, address, 'Password set with a reset link');
});

test.describe('in Bahasa Indonesia', () => {
  test.use({ locale: 'id-ID' });

  test('the email address, its dialog and the forgotten-password page pass axe @hydrated-only', async ({ page }, testInfo) => {
    const login = uniqueLogin(testInfo, 'surel');
    await open(page, '/signup');
    await page.getByLabel('Nama pengguna').fill(login);
    await page.getByLabel('Kata sandi').fill(PASSWORD);
    await page.getByLabel('Alamat email (opsional)').fill(`${login}@example.org`);
    await page.getByRole('button', { name: 'Daftar' }).click();
    await expect(page.getByRole('heading', { name: /Selamat datang/ })).toBeVisible();
    const mail = await mailTo(testInfo, `${login}@example.org`, 'konfirmasi alamat email Anda');
    expect(mail.text).toContain(`Halo ${login},`);
    await page.getByRole('button', { name: 'Pengaturan' }).click();
    const section = page.getByRole('tabpanel', { name: 'Akun' }).getByRole('region', { name: 'Alamat email' });
    await expect(section.getByRole('status')).toContainText('Tautan telah dikirim');
    await noAxeViolations(page, 'alamat-email');
    await section.getByRole('button', { name: 'Tambah', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: 'Konfirmasi kata sandi Anda' });
    await confirm.getByLabel('Kata sandi').fill(PASSWORD);
    await confirm.getByRole('button', { name: 'Konfirmasi' }).click();
    const dialog = page.getByRole('dialog', { name: 'Alamat email' });
    await dialog.getByLabel('Alamat email').fill('bukan alamat');
    await dialog.getByRole('button', { name: 'Kirim tautan' }).click();
    await expect(dialog.getByRole('alert')).toHaveText(/Masukkan alamat email/);
    await noAxeViolations(page, 'dialog-alamat-email');

    await open(page, linkIn(mail, '/verify-email/'));
    await expect(page.getByRole('button', { name: 'Konfirmasi alamat email' })).toBeVisible();
    await noAxeViolations(page, 'konfirmasi-alamat');
    await open(page, '/forgot');
    await expect(page.getByLabel('Login atau alamat email')).toBeVisible();
    await noAxeViolations(page, 'lupa-kata-sandi');
  });
});
