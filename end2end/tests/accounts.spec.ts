import { expect, test } from './fixtures';
import { open, PASSWORD, signIn, signUp, uniqueLogin } from './helpers';

test('sign up, sign out and sign in again', async ({ page }, testInfo) => {
  const login = uniqueLogin(testInfo, 'round');
  await signUp(page, login);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();

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
  // The server itself redirects, so it works without JavaScript too.
  const response = await page.goto('/');
  const answer = `${response?.status()} at ${response?.url()}`;
  expect(response?.request().redirectedFrom()?.url(), `/ was answered ${answer}, not redirected`).toMatch(/\/$/);
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

test('a stranger guessing is stopped, and the owner signs in from their own browser and is told', async ({ page, browser }, testInfo) => {
  const login = uniqueLogin(testInfo, 'guessed');
  await signUp(page, login);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);

  // Another network, as a proxy in front of Twofold reports it.
  const { baseURL, javaScriptEnabled } = testInfo.project.use;
  const elsewhere = `198.51.100.${1 + Math.floor(Math.random() * 250)}`;
  const stranger = await browser.newContext({
    baseURL,
    javaScriptEnabled,
    extraHTTPHeaders: { 'X-Forwarded-For': elsewhere },
  });
  const guesser = await stranger.newPage();
  for (let guess = 0; guess < 10; guess++) {
    await signIn(guesser, login, `not the password ${guess}`);
    await expect(guesser.getByRole('alert')).toHaveText('Invalid login or password');
  }
  await signIn(guesser, login, PASSWORD);
  await expect(guesser.getByRole('alert')).toHaveText(/^Too many attempts\. Try again in \d+ seconds$/);
  await stranger.close();

  // The owner's browser signed in before: its own budget is untouched.
  await signIn(page, login);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('status').filter({ hasText: 'since your last sign-in' })).toHaveText(
    '10 failed sign-in attempts since your last sign-in. The security activity in Settings says when and from where.',
  );
  // Told once.
  await open(page, '/');
  await expect(page.getByText('since your last sign-in')).toHaveCount(0);
});
