import { expect, Page, test, TestInfo } from '@playwright/test';

export const PASSWORD = 'correct horse battery';

/** A login no other test (or earlier run on the same database) uses. */
export function uniqueLogin(testInfo: TestInfo, stem: string): string {
  const random = Math.random().toString(36).slice(2, 8);
  return `${stem}-${testInfo.project.name}-${random}`.slice(0, 64);
}

/**
 * Opens a page. With JavaScript on, waits until the app has hydrated, so
 * the test drives the hydrated app and not the server-rendered form.
 */
export async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  if (test.info().project.use.javaScriptEnabled !== false) {
    await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
  }
}

export async function signUp(page: Page, login: string, password = PASSWORD): Promise<void> {
  await open(page, '/signup');
  await page.getByLabel('Login').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: `Welcome, ${login}` })).toBeVisible();
}

export async function signIn(page: Page, login: string, password = PASSWORD): Promise<void> {
  await open(page, '/login');
  await page.getByLabel('Login').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
