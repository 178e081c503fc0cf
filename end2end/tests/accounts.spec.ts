import { expect, test } from '@playwright/test';
import { open, PASSWORD, signIn, signUp, uniqueLogin } from './helpers';

test('sign up, sign out and sign in again', async ({ page }, testInfo) => {
  const login = uniqueLogin(testInfo, 'round');
  await signUp(page, login);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();

  // Signed out means signed out: the dashboard sends us back.
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);

  await signIn(page, login);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: `Welcome, ${login}` })).toBeVisible();
});

test('a wrong password is refused with the same words as an unknown login', async ({ page }, testInfo) => {
  const login = uniqueLogin(testInfo, 'wrong');
  await signUp(page, login);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);

  await signIn(page, login, 'not the password');
  await expect(page.getByRole('alert')).toHaveText('Invalid login or password');
  await expect(page).toHaveURL(/\/login/);

  await signIn(page, `${login}-unknown`, PASSWORD);
  await expect(page.getByRole('alert')).toHaveText('Invalid login or password');
});

test('a taken login gets a clear message, whatever its case', async ({ page }, testInfo) => {
  const login = uniqueLogin(testInfo, 'taken');
  await signUp(page, login);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);

  await open(page, '/signup');
  await page.getByLabel('Login').fill(login.toUpperCase());
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('alert')).toHaveText('This login is already taken. Choose another one');
});

test('the dashboard sends anonymous visitors to sign in', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
});

test('Settings opens the Account tab with the login and 2FA status @hydrated-only', async ({ page }, testInfo) => {
  const login = uniqueLogin(testInfo, 'settings');
  await signUp(page, login);

  const settings = page.getByRole('button', { name: 'Settings' });
  await expect(settings).toHaveAttribute('aria-expanded', 'false');
  await settings.click();
  await expect(settings).toHaveAttribute('aria-expanded', 'true');

  const account = page.getByRole('tab', { name: 'Account' });
  await account.click();
  await expect(account).toHaveAttribute('aria-selected', 'true');
  const panel = page.getByRole('tabpanel', { name: 'Account' });
  await expect(panel).toContainText(login);
  await expect(panel).toContainText('Two-factor authentication: Disabled');
});
