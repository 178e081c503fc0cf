import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures';
import { PASSWORD, open, totp, uniqueLogin } from './helpers';

// English and Bahasa Indonesia: the language comes from Accept-Language,
// the switcher in the top bar overrides it and is remembered, and the
// server renders the chosen language (no flash of the other one).

test.describe('with an Indonesian browser', () => {
  test.use({ locale: 'id-ID' });

  test('the server renders Bahasa Indonesia from Accept-Language', async ({ page }) => {
    await open(page, '/login');
    await expect(page.locator('html')).toHaveAttribute('lang', 'id');
    await expect(page.getByRole('heading', { name: 'Masuk ke Twofold' })).toBeVisible();
    await expect(page.getByLabel('Nama pengguna')).toBeVisible();
    await expect(page.getByLabel('Kata sandi')).toBeVisible();
    await expect(page).toHaveTitle('Masuk · Twofold');
    // A wrong password says so in Indonesian, with or without JavaScript.
    await page.getByLabel('Nama pengguna').fill('nobody-here');
    await page.getByLabel('Kata sandi').fill('not the password');
    await page.getByRole('button', { name: 'Masuk', exact: true }).click();
    await expect(page.getByRole('alert')).toHaveText('Nama pengguna atau kata sandi salah');
  });

  test('the switcher overrides the browser and is remembered', async ({ page, context }) => {
    await open(page, '/signup');
    await expect(page.getByRole('heading', { name: 'Buat akun Twofold Anda' })).toBeVisible();
    const switcher = page.getByRole('navigation', { name: 'Bahasa' });
    await expect(switcher.getByRole('link', { name: 'Bahasa Indonesia' })).toHaveAttribute('aria-current', 'true');
    await switcher.getByRole('link', { name: 'English' }).click();
    await expect(page).toHaveURL(/\/signup$/);
    await expect(page.getByRole('heading', { name: 'Create your Twofold account' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');

    // Remembered on the next page, and already in the HTML the server
    // sends: nothing to swap after load.
    const html = await (await page.request.get('/login')).text();
    expect(html).toContain('Sign in to Twofold');
    expect(html).not.toContain('Masuk ke Twofold');
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'twofold_lang')?.value).toBe('en');
  });
});

test('the whole dashboard in Bahasa Indonesia: wizard, errors, codes file and activity @hydrated-only', async ({ page, context }, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const login = uniqueLogin(testInfo, 'bahasa');
  await open(page, '/signup');
  await page.getByRole('navigation', { name: 'Language' }).getByRole('link', { name: 'Bahasa Indonesia' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'id');
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
  await page.getByLabel('Nama pengguna').fill(login);
  await page.getByLabel('Kata sandi').fill(PASSWORD);
  await page.getByRole('button', { name: 'Daftar' }).click();
  await expect(page.getByRole('heading', { name: `Selamat datang, ${login}` })).toBeVisible();
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);

  await page.getByRole('button', { name: 'Pengaturan' }).click();
  const account = page.getByRole('tabpanel', { name: 'Akun' });
  await expect(account).toContainText('Autentikasi dua faktor: Nonaktif');
  await account.getByRole('button', { name: 'Atur Autentikasi Dua Faktor' }).click();
  const confirm = page.getByRole('dialog', { name: 'Konfirmasi kata sandi Anda' });
  await confirm.getByLabel('Kata sandi').fill('not my password');
  await confirm.getByRole('button', { name: 'Konfirmasi' }).click();
  await expect(confirm.getByRole('alert')).toHaveText('Kata sandi salah');
  await confirm.getByLabel('Kata sandi').fill(PASSWORD);
  await confirm.getByRole('button', { name: 'Konfirmasi' }).click();
  await expect(page.locator('#settings').getByText(/^Dikonfirmasi selama [45]:\d\d$/)).toBeVisible();

  const wizard = page.getByRole('dialog', { name: 'Atur autentikasi dua faktor' });
  await expect(wizard.getByText('Langkah 1 dari 2')).toBeVisible();
  await expect(wizard.getByRole('img', { name: /^Kode QR/ })).toBeVisible();
  const secret = (await wizard.locator('#manual-key').innerText()).replace(/\s/g, '');
  await wizard.getByLabel('Kode autentikasi').fill(totp(secret) === '000000' ? '111111' : '000000');
  await wizard.getByRole('button', { name: 'Berikutnya' }).click();
  await expect(wizard.getByRole('alert')).toHaveText(/^Kode autentikasi tidak valid\. Waktu server: \d\d:\d\d:\d\d UTC$/);
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']).analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);

  await wizard.getByLabel('Kode autentikasi').fill(totp(secret));
  await wizard.getByRole('button', { name: 'Berikutnya' }).click();
  await expect(wizard.getByText('Langkah 2 dari 2')).toBeVisible();
  const saved = wizard.getByLabel('Saya sudah menyimpan data');
  const done = wizard.getByRole('button', { name: 'Selesai' });
  await expect(done).toBeDisabled();
  await expect(wizard.getByRole('button', { name: 'Cetak' })).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    wizard.getByRole('button', { name: 'Unduh' }).click(),
  ]);
  const file = readFileSync(await download.path(), 'utf8');
  expect(file).toContain('Kode pemulihan Twofold');
  expect(file).toContain(`Akun: ${login}`);
  expect(file).toMatch(/Set 1, dibuat \d{4}-\d{2}-\d{2}/);
  await expect(saved).toBeChecked();
  await done.click();

  await expect(account).toContainText('Autentikasi dua faktor: Aktif');
  await expect(account).toContainText('Tersisa 10 kode pemulihan');
  await expect(account.getByRole('list', { name: 'Aktivitas keamanan' })).toContainText('Autentikasi dua faktor diaktifkan');
  // Nothing of the English interface is left on the page.
  const text = await page.locator('body').innerText();
  for (const english of ['Settings', 'Sign out', 'Recovery', 'Two-factor', 'Disable', 'Loading']) {
    expect(text, english).not.toContain(english);
  }
});

test('API error messages follow Accept-Language', async ({ request }) => {
  const ask = (language?: string) => request.post('/api/SignIn', {
    data: { login: 'nobody-here', password: 'not the password' },
    headers: language ? { 'Accept-Language': language } : {},
  });
  const indonesian = await ask('id-ID,id;q=0.9');
  expect(indonesian.status()).toBe(401);
  expect(await indonesian.json()).toEqual({ error: 'invalid_credentials', message: 'Nama pengguna atau kata sandi salah' });
  const english = await ask('en-GB');
  expect((await english.json()).message).toBe('Invalid login or password');
  const missing = await request.post('/api/Nowhere', { headers: { 'Accept-Language': 'id' } });
  expect(await missing.json()).toEqual({ error: 'not_found', message: 'Endpoint API tersebut tidak ada' });
});
