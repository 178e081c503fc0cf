import { readFileSync } from 'node:fs';
import { expect, Locator, Page, test } from './fixtures';
import { PASSWORD, open, totp, uniqueLogin } from './helpers';

// The whole seed flow with the keyboard alone: Tab, Shift+Tab, Enter,
// Space and Esc, plus typing into fields. No click, no fill. Focus must be
// visible wherever it lands, move into each dialog, stay there while it is
// open, and come back to the button that opened it.

/** Presses Tab (or Shift+Tab) until `target` has focus. */
async function tabTo(page: Page, target: Locator, { back = false, max = 40 } = {}): Promise<void> {
  await expect(target).toBeVisible();
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    if (await target.evaluate((el) => el === document.activeElement)) {
      await expectFocusVisible(page);
      return;
    }
  }
  throw new Error(`${max} presses of ${back ? 'Shift+Tab' : 'Tab'} never reached ${target}`);
}

/** The focused element shows a focus ring of at least 2 px. */
async function expectFocusVisible(page: Page): Promise<void> {
  const problem = await page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'nothing has focus';
    const style = getComputedStyle(el);
    const ring = el.matches(':focus-visible') && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    return ring ? '' : `${el.tagName.toLowerCase()} "${el.textContent?.trim()}" has no visible focus`;
  });
  expect(problem).toBe('');
}

/** Focus is inside `dialog` and stays there through Tab and Shift+Tab. */
async function expectFocusTrapped(page: Page, dialog: Locator): Promise<void> {
  const inside = () => dialog.evaluate((d) => d.contains(document.activeElement));
  await expect.poll(inside, { message: 'focus moved into the dialog' }).toBe(true);
  for (const key of ['Tab', 'Shift+Tab']) {
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press(key);
      expect(await inside(), `after ${i + 1} x ${key}`).toBe(true);
    }
  }
}

/**
 * Enter on `opener` opens `dialog`, which takes and keeps focus; Esc closes
 * it and gives focus back to `opener`.
 */
async function openThenEscape(page: Page, opener: Locator, dialog: Locator): Promise<void> {
  await tabTo(page, opener);
  await page.keyboard.press('Enter');
  await expectFocusTrapped(page, dialog);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();
}

async function type(page: Page, field: Locator, text: string): Promise<void> {
  await tabTo(page, field);
  await page.keyboard.type(text);
}

async function signInByKeyboard(page: Page, login: string): Promise<void> {
  await open(page, '/login');
  await type(page, page.getByLabel('Login'), login);
  await type(page, page.getByLabel('Password'), PASSWORD);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/login\/verify/);
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
}

async function signOutByKeyboard(page: Page): Promise<void> {
  await tabTo(page, page.getByRole('button', { name: 'Sign out' }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/login$/);
}

async function expectDashboard(page: Page, login: string): Promise<void> {
  await expect(page.getByRole('heading', { name: `Welcome, ${login}` })).toBeVisible();
  await expect(page.locator('html[data-hydrated]')).toHaveCount(1);
}

async function openSettings(page: Page): Promise<Locator> {
  const settings = page.getByRole('button', { name: 'Settings' });
  await tabTo(page, settings);
  await page.keyboard.press('Enter');
  await expect(settings).toHaveAttribute('aria-expanded', 'true');
  return page.getByRole('tabpanel', { name: 'Account' });
}

async function confirmPasswordByKeyboard(page: Page): Promise<void> {
  const confirm = page.getByRole('dialog', { name: 'Confirm your password' });
  await expectFocusTrapped(page, confirm);
  await type(page, confirm.getByLabel('Password'), PASSWORD);
  await page.keyboard.press('Enter');
  await expect(confirm).toBeHidden();
}

test('the whole seed flow with the keyboard alone @hydrated-only', async ({ page, context }, testInfo) => {
  test.setTimeout(90_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const login = uniqueLogin(testInfo, 'keys');

  // Sign up.
  await open(page, '/signup');
  await type(page, page.getByLabel('Login'), login);
  await type(page, page.getByLabel('Password'), PASSWORD);
  await page.keyboard.press('Enter');
  await expectDashboard(page, login);

  // Settings > Account > Set Up Two-Factor Authentication: Esc closes the
  // pop-up and gives focus back; Space opens it again.
  let account = await openSettings(page);
  const setUp = account.getByRole('button', { name: 'Set Up Two-Factor Authentication' });
  await openThenEscape(page, setUp, page.getByRole('dialog', { name: 'Confirm your password' }));
  await page.keyboard.press('Space');
  await confirmPasswordByKeyboard(page);

  // Step 1: the code.
  const wizard = page.getByRole('dialog', { name: 'Set up two-factor authentication' });
  await expect(wizard.getByRole('img', { name: /QR code/ })).toBeVisible();
  await expectFocusTrapped(page, wizard);
  const secret = (await wizard.locator('#manual-key').innerText()).replace(/\s/g, '');
  await type(page, wizard.getByLabel('Authentication code'), totp(secret));
  await page.keyboard.press('Enter');

  // Step 2: focus goes to the step's heading; Download ticks the box,
  // Space unticks and ticks it, Shift+Tab goes back to Copy.
  await expect(wizard.getByText('Step 2 of 2')).toBeVisible();
  await expect(wizard.getByRole('heading', { name: 'Save your recovery codes' })).toBeFocused();
  await expectFocusTrapped(page, wizard);
  const codes = (await wizard.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').allInnerTexts())
    .map((c) => c.trim());
  await tabTo(page, wizard.getByRole('button', { name: 'Download' }));
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  const file = readFileSync(await download.path(), 'utf8');
  codes.forEach((c) => expect(file).toContain(c));
  const saved = wizard.getByLabel("I've saved the data");
  await expect(saved).toBeChecked();
  await tabTo(page, saved);
  await page.keyboard.press('Space');
  await expect(saved).not.toBeChecked();
  await tabTo(page, wizard.getByRole('button', { name: 'Copy' }), { back: true });
  await page.keyboard.press('Enter');
  await expect(saved).toBeChecked();
  await tabTo(page, wizard.getByRole('button', { name: 'Done' }));
  await page.keyboard.press('Enter');
  await expect(wizard).toBeHidden();
  account = page.getByRole('tabpanel', { name: 'Account' });
  await expect(account).toContainText('Two-factor authentication: Enabled');
  // The button that opened the wizard is gone: focus goes to the section.
  await expect(page.getByRole('heading', { name: 'Two-factor authentication', exact: true })).toBeFocused();

  // Sign in with a code from the app (the next step: set-up used this one).
  await signOutByKeyboard(page);
  await signInByKeyboard(page, login);
  const code = page.getByLabel('Authentication code');
  await expect(code).toBeFocused();
  await page.keyboard.type(totp(secret, Math.floor(Date.now() / 1000) + 30));
  await page.keyboard.press('Enter');
  await expectDashboard(page, login);

  // Sign in with a recovery code.
  await signOutByKeyboard(page);
  await signInByKeyboard(page, login);
  await tabTo(page, page.getByRole('link', { name: 'Use a recovery code' }));
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Recovery code')).toBeFocused();
  await page.keyboard.type(codes[0]);
  await page.keyboard.press('Enter');
  await expectDashboard(page, login);

  // View Recovery Codes, then regenerate them: the nested confirm pop-up
  // keeps focus, Esc closes only it and focus goes back to the link.
  account = await openSettings(page);
  await tabTo(page, account.getByRole('button', { name: 'View Recovery Codes' }));
  await page.keyboard.press('Enter');
  await confirmPasswordByKeyboard(page);
  const modal = page.getByRole('dialog', { name: 'Recovery codes' });
  await expect(modal.getByRole('list', { name: 'Recovery codes' })).toBeVisible();
  await expectFocusTrapped(page, modal);
  const generate = modal.getByRole('button', { name: 'Generate new recovery codes' });
  const regenerate = page.getByRole('dialog', { name: 'Generate new recovery codes?' });
  await openThenEscape(page, generate, regenerate);
  await expect(modal).toBeVisible();
  await page.keyboard.press('Enter');
  await tabTo(page, regenerate.getByRole('button', { name: 'Generate', exact: true }));
  await page.keyboard.press('Enter');
  await expect(modal.getByText(/Set 2, generated/)).toBeVisible();
  await expect(modal.getByRole('heading', { name: 'Recovery codes' })).toBeFocused();
  await tabTo(page, modal.getByRole('button', { name: 'Copy' }));
  await page.keyboard.press('Enter');
  await expect(modal.getByLabel("I've saved the data")).toBeChecked();
  await tabTo(page, modal.getByRole('button', { name: 'Done' }));
  await page.keyboard.press('Enter');
  await expect(modal).toBeHidden();
  // The account reloads (a new set: 10 left again); the button that opened
  // the dialog is still there, and focus returns to it.
  await expect(account).toContainText('10 recovery codes left');
  await expect(account.getByRole('button', { name: 'View Recovery Codes' })).toBeFocused();

  // Disable: the confirm pop-up (Esc gives focus back), then the password.
  account = page.getByRole('tabpanel', { name: 'Account' });
  const disable = account.getByRole('button', { name: 'Disable Two-Factor Authentication' });
  const sure = page.getByRole('dialog', { name: 'Disable two-factor authentication?' });
  await openThenEscape(page, disable, sure);
  await page.keyboard.press('Enter');
  await tabTo(page, sure.getByRole('button', { name: 'Disable', exact: true }));
  await page.keyboard.press('Enter');
  await confirmPasswordByKeyboard(page);
  await expect(page.getByRole('tabpanel', { name: 'Account' })).toContainText('Two-factor authentication: Disabled');
});
