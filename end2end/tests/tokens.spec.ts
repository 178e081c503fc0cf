import { expect, test } from './fixtures';
import { confirmPassword, dashboardWithTwoFactor } from './helpers';

test('create a personal access token, use it without the second factor, revoke it @hydrated-only', async ({ page, context }, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const { login, account } = await dashboardWithTwoFactor(page, testInfo, 'tokens');
  await expect(account).toContainText('No personal access tokens can reach this account without the second factor.');

  await page.getByRole('tab', { name: 'Access tokens' }).click();
  const panel = page.getByRole('tabpanel', { name: 'Access tokens' });
  await panel.getByLabel('Token name').fill('deploy script');
  await panel.getByLabel('Expires').selectOption('7');
  await panel.getByLabel('Read-only').check();
  await panel.getByRole('button', { name: 'Create token' }).click();
  await confirmPassword(page);

  const shown = panel.getByRole('status').filter({ hasText: "You won't be able to see it again." });
  await expect(shown).toBeVisible();
  const token = (await panel.locator('#new-token').innerText()).trim();
  expect(token).toMatch(/^twofold_pat_[A-Za-z0-9_-]{32,}$/);
  await shown.getByRole('button', { name: 'Copy' }).click();
  await expect(shown.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);

  // The token works on the API without any second factor...
  const auth = { headers: { Authorization: `Bearer ${token}` } };
  const fresh = await page.request.get('/api/GetAccount', auth);
  expect(fresh.status()).toBe(200);
  expect((await fresh.json()).login).toBe(login);

  const row = panel.getByRole('row', { name: /deploy script/ });
  await expect(row).toContainText('Read-only');
  await page.getByRole('tab', { name: 'Account' }).click();
  await expect(page.getByRole('tabpanel', { name: 'Account' }))
    .toContainText('Personal access tokens that skip the second factor: deploy script.');

  // ...until it is revoked, at once.
  await page.getByRole('tab', { name: 'Access tokens' }).click();
  await panel.getByRole('button', { name: 'Revoke deploy script' }).click();
  await expect(row).toContainText('Inactive');
  expect((await page.request.get('/api/GetAccount', auth)).status()).toBe(401);
});
