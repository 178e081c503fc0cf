// Security keys and passkeys (issue 22), with Chromium's virtual
// authenticator (the DevTools protocol's WebAuthn domain): Add security
// key as the first method (2FA on, the codes' step) and sign in with it;
// Add passkey and sign in with it alone; a key whose counter goes back is
// refused; a browser without WebAuthn sees no buttons for it. The
// ceremonies need JavaScript; the code field and recovery codes do not.
import { CDPSession, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import {
  accountTab, confirmPassword, noAxeViolations, open, PASSWORD, signIn, signOut, signUp, uniqueLogin,
} from './helpers';

// A source of its own (through the trusted proxy the suite's servers
// name): the passkey sign-in's ceremonies are bounded per source, and the
// rest of the suite opens many from 127.0.0.1.
test.use({ extraHTTPHeaders: { 'X-Forwarded-For': '198.51.100.70' } });

/** A virtual authenticator in `page`'s browser: a USB security key that can hold passkeys. */
async function virtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'usb',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

/** Settings > Account > Add security key or Add passkey, named `name`. */
async function addKey(page: Page, button: 'Add security key' | 'Add passkey', name: string) {
  const account = await accountTab(page);
  await account.getByRole('button', { name: button }).click();
  await confirmPassword(page);
  const dialog = page.getByRole('dialog', { name: button === 'Add passkey' ? 'Add a passkey' : 'Add a security key' });
  await expect(dialog.getByLabel('Name')).toBeVisible();
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByRole('button', { name: 'Save' }).click();
  return { account, dialog };
}

/** The codes' step after a first method: ticks "I've saved the data" and Done. */
async function saveCodes(page: Page) {
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')).toHaveCount(10);
  await dialog.getByRole('button', { name: 'Copy' }).click();
  await expect(dialog.getByLabel("I've saved the data")).toBeChecked();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();
}

test('a first security key turns 2FA on, signs in, and is removed @hydrated-only', async ({ page, context }, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await virtualAuthenticator(page);
  const login = uniqueLogin(testInfo, 'key');
  await signUp(page, login);
  const { account } = await addKey(page, 'Add security key', 'Blue key');
  await noAxeViolations(page, 'security-key-codes');
  await saveCodes(page);
  await expect(account.getByText('Two-factor authentication: Enabled')).toBeVisible();
  const methods = account.getByRole('table', { name: 'Your two-factor methods' });
  await expect(methods.getByRole('row', { name: /Blue key/ })).toContainText('Security key');

  await signOut(page);
  await signIn(page, login);
  await expect(page).toHaveURL(/\/login\/verify$/);
  await page.getByRole('button', { name: 'Use your security key' }).click();
  await expect(page).toHaveURL(/\/$/);
  const tab = await accountTab(page);
  await expect(tab.getByRole('list', { name: 'Security activity' })).toContainText('Signed in with a security key');

  await tab.getByRole('table', { name: 'Your two-factor methods' }).getByRole('button', { name: 'Remove Blue key' }).click();
  await page.getByRole('dialog', { name: 'Remove your last two-factor method?' })
    .getByRole('button', { name: 'Remove and Disable' }).click();
  await confirmPassword(page);
  await expect(tab.getByRole('button', { name: 'Set Up Two-Factor Authentication' })).toBeVisible();
});

test('a passkey signs in with no login or password @hydrated-only', async ({ page, context }, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await virtualAuthenticator(page);
  const login = uniqueLogin(testInfo, 'passkey');
  await signUp(page, login);
  const { dialog } = await addKey(page, 'Add passkey', 'Laptop');
  await expect(dialog.getByRole('list', { name: 'Recovery codes' })).toBeVisible();
  await saveCodes(page);

  await signOut(page);
  await expect(page.getByLabel('Login')).toHaveAttribute('autocomplete', 'username webauthn');
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: `Welcome, ${login}` })).toBeVisible();
  const tab = await accountTab(page);
  await expect(tab.getByRole('list', { name: 'Security activity' })).toContainText('Signed in with a passkey');
  const methods = tab.getByRole('table', { name: 'Your two-factor methods' });
  await expect(methods.getByRole('row', { name: /Laptop/ })).toContainText('Passkey');
  await methods.getByRole('button', { name: 'Remove Laptop' }).click();
  await page.getByRole('dialog', { name: 'Remove your last two-factor method?' })
    .getByRole('button', { name: 'Remove and Disable' }).click();
  await confirmPassword(page);
  await expect(tab.getByRole('button', { name: 'Set Up Two-Factor Authentication' })).toBeVisible();
});

test('a security key whose counter goes back is refused @hydrated-only', async ({ page, context }, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const { cdp, authenticatorId } = await virtualAuthenticator(page);
  const login = uniqueLogin(testInfo, 'clone');
  await signUp(page, login);
  await addKey(page, 'Add security key', 'Cloned key');
  await saveCodes(page);
  await signOut(page);
  await signIn(page, login);
  await page.getByRole('button', { name: 'Use your security key' }).click();
  await expect(page).toHaveURL(/\/$/);

  // A copy of the key that never signed: its counter is behind the one
  // Twofold stored.
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  expect(credentials.length).toBe(1);
  await cdp.send('WebAuthn.clearCredentials', { authenticatorId });
  await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: { ...credentials[0], signCount: 0 } });
  await signOut(page);
  await signIn(page, login);
  await page.getByRole('button', { name: 'Use your security key' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'signature counter went back' })).toBeVisible();
  await expect(page).toHaveURL(/\/login\/verify$/);
});

test('a browser without WebAuthn sees no security-key buttons @hydrated-only', async ({ page }, testInfo) => {
  await page.addInitScript(() => {
    // @ts-expect-error: a browser without WebAuthn.
    delete window.PublicKeyCredential;
  });
  await open(page, '/login');
  await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign in with a passkey' })).toBeHidden();
  await signUp(page, uniqueLogin(testInfo, 'no-webauthn'));
  const account = await accountTab(page);
  await expect(account.getByRole('button', { name: 'Set Up Two-Factor Authentication' })).toBeVisible();
  await expect(account.getByRole('button', { name: 'Add security key' })).toHaveCount(0);
  await expect(account.getByRole('button', { name: 'Add passkey' })).toHaveCount(0);
});

test('without JavaScript the sign-in page offers no passkey button @no-js-only', async ({ page }) => {
  await open(page, '/login');
  await expect(page.getByRole('button', { name: 'Sign in with a passkey' })).toBeHidden();
});

test.describe('in Bahasa Indonesia', () => {
  test.use({ locale: 'id-ID' });

  test('the security key dialog passes axe @hydrated-only', async ({ page }, testInfo) => {
    await virtualAuthenticator(page);
    await open(page, '/signup');
    await page.getByLabel('Nama pengguna').fill(uniqueLogin(testInfo, 'kunci'));
    await page.getByLabel('Kata sandi').fill(PASSWORD);
    await page.getByRole('button', { name: 'Daftar' }).click();
    await page.getByRole('button', { name: 'Pengaturan' }).click();
    const account = page.getByRole('tabpanel', { name: 'Akun' });
    await account.getByRole('button', { name: 'Tambah kunci keamanan' }).click();
    const confirm = page.getByRole('dialog', { name: 'Konfirmasi kata sandi Anda' });
    await confirm.getByLabel('Kata sandi').fill(PASSWORD);
    await confirm.getByRole('button', { name: 'Konfirmasi' }).click();
    const dialog = page.getByRole('dialog', { name: 'Tambah kunci keamanan' });
    await expect(dialog.getByLabel('Nama')).toBeVisible();
    await noAxeViolations(page, 'nama-kunci');
  });
});
