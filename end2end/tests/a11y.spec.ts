import AxeBuilder from '@axe-core/playwright';
import { expect, Page, test, TestInfo } from './fixtures';
import {
  accountTab, admin, confirmPassword, open, PASSWORD, resetPath, signIn, signOut, signUp, totp, uniqueLogin,
} from './helpers';

// Every page, dialog and wizard step, hydrated, in both colour schemes and
// at a phone's and a laptop's size: axe-core finds no WCAG 2.2 A/AA
// violation, nothing scrolls sideways, every touch target is at least
// 44x44 px, and a screenshot of each is kept in test-results.

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
const SIZES = [
  { name: 'phone', width: 360, height: 640 },
  { name: 'laptop', width: 1280, height: 800 },
];
const SCHEMES = ['light', 'dark'] as const;

/** What a state breaks: axe violations, sideways scrolling, small targets. */
async function check(page: Page, testInfo: TestInfo, state: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  const violations = results.violations.map((v) =>
    `${v.id}: ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary}`).join('\n')}`);
  expect.soft(violations, `axe on "${state}"`).toEqual([]);

  const problems = await page.evaluate(() => {
    const found: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) found.push(`page scrolls sideways (${root.scrollWidth} > ${root.clientWidth})`);
    const modals = [...document.querySelectorAll('dialog')].filter((d) => d.matches(':modal'));
    for (const dialog of modals) {
      if (dialog.scrollWidth > dialog.clientWidth) found.push(`dialog #${dialog.getAttribute('aria-labelledby')} scrolls sideways`);
    }
    // Behind a modal everything is inert: only the top-most one counts.
    const scope: ParentNode = modals.at(-1) ?? document;
    const targets = scope.querySelectorAll('button, a[href], input, select, textarea, [role="tab"]');
    for (const el of targets) {
      if (el.getClientRects().length === 0 || getComputedStyle(el).visibility === 'hidden') continue;
      if (el.closest('dialog') !== (modals.at(-1) ?? el.closest('dialog'))) continue;
      // WCAG's inline exception: a link or button inside a sentence.
      const parent = el.parentElement!;
      const inSentence = [...parent.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== '');
      if (inSentence) continue;
      let box = el.getBoundingClientRect();
      const labels = (el as HTMLInputElement).labels;
      if ((el as HTMLInputElement).type === 'checkbox' || (el as HTMLInputElement).type === 'radio') {
        if (labels && labels.length > 0) {
          const l = labels[0].getBoundingClientRect();
          const left = Math.min(box.left, l.left), top = Math.min(box.top, l.top);
          box = new DOMRect(left, top, Math.max(box.right, l.right) - left, Math.max(box.bottom, l.bottom) - top);
        }
      }
      if (box.width < 44 || box.height < 44) {
        const name = (el.getAttribute('aria-label') ?? el.textContent ?? el.id).trim().slice(0, 40);
        found.push(`${el.tagName.toLowerCase()} "${name}" is ${Math.round(box.width)}x${Math.round(box.height)} px`);
      }
    }
    return found;
  });
  expect.soft(problems, `layout on "${state}"`).toEqual([]);
  await page.screenshot({ path: testInfo.outputPath(`${state}.png`), fullPage: true });
}

for (const scheme of SCHEMES) {
  for (const size of SIZES) {
    test(`every page and dialog passes axe, fits and has large targets: ${scheme}, ${size.name} @hydrated-only @one-database`, async ({ page, context }, testInfo) => {
      test.setTimeout(120_000);
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      await page.setViewportSize({ width: size.width, height: size.height });
      await page.emulateMedia({ colorScheme: scheme });
      const login = uniqueLogin(testInfo, `a11y-${scheme}-${size.name}`);
      let n = 0;
      const step = (state: string) => check(page, testInfo, `${String(++n).padStart(2, '0')}-${state}`);

      await open(page, '/signup');
      await step('sign-up');
      await open(page, '/login');
      await step('sign-in');
      await signIn(page, login, 'not the password');
      await expect(page.getByRole('alert')).not.toBeEmpty();
      await step('sign-in-error');
      await open(page, '/nowhere');
      await step('not-found');
      await open(page, '/forgot');
      await step('forgot-password');

      await signUp(page, login);
      await step('dashboard');
      let account = await accountTab(page);
      await step('settings-account');
      await page.getByRole('tab', { name: 'Access tokens' }).click();
      await expect(page.getByRole('tabpanel', { name: 'Access tokens' })).toBeVisible();
      await step('settings-tokens');
      await page.getByRole('tab', { name: 'Sessions' }).click();
      await expect(page.getByRole('table', { name: 'Your sessions' }).getByRole('row', { name: /This browser/ })).toBeVisible();
      await step('settings-sessions');

      account = await accountTab(page);
      await account.getByRole('button', { name: 'Change Password' }).click();
      const change = page.getByRole('dialog', { name: 'Change your password' });
      await step('change-password');
      await change.getByLabel('Current password').fill('not my password');
      await change.getByLabel('New password', { exact: true }).fill('password1234');
      await change.getByLabel('New password again').fill('password1234');
      await change.getByRole('button', { name: 'Change password' }).click();
      await expect(change.getByRole('alert')).not.toBeEmpty();
      await step('change-password-error');
      await page.keyboard.press('Escape');
      await account.getByRole('button', { name: 'Delete Account' }).click();
      await expect(page.getByRole('dialog', { name: 'Delete your account?' })).toBeVisible();
      await step('delete-account');
      await page.keyboard.press('Escape');
      await account.getByRole('region', { name: 'Email address' }).getByRole('button', { name: 'Add', exact: true }).click();
      await confirmPassword(page);
      const email = page.getByRole('dialog', { name: 'Email address' });
      await email.getByLabel('Email address').fill('nobody@');
      await email.getByRole('button', { name: 'Send link' }).click();
      await expect(email.getByRole('alert')).not.toBeEmpty();
      await step('email-address-error');
      await email.getByLabel('Email address').fill(`${login}@example.org`);
      await email.getByRole('button', { name: 'Send link' }).click();
      await expect(email).toBeHidden();
      await step('email-address-waiting');
      await open(page, '/verify-email/not-a-token');
      await expect(page.getByRole('alert')).not.toBeEmpty();
      await step('verify-email-invalid');
      await open(page, '/');

      account = await accountTab(page);
      await account.getByRole('button', { name: 'Set Up Two-Factor Authentication' }).click();
      const confirm = page.getByRole('dialog', { name: 'Confirm your password' });
      await step('confirm-password');
      await confirm.getByLabel('Password').fill('not my password');
      await confirm.getByRole('button', { name: 'Confirm' }).click();
      await expect(confirm.getByRole('alert')).toHaveText('Incorrect password');
      await step('confirm-password-error');
      await confirm.getByLabel('Password').fill(PASSWORD);
      await confirm.getByRole('button', { name: 'Confirm' }).click();

      const wizard = page.getByRole('dialog', { name: 'Set up two-factor authentication' });
      // The QR code's text alternative says how to do without it.
      await expect(wizard.getByRole('img', { name: /QR code/ })).toHaveAccessibleName(/type the key shown beside it/);
      await step('wizard-step-1');
      const secret = (await wizard.locator('#manual-key').innerText()).replace(/\s/g, '');
      const right = totp(secret);
      await wizard.getByLabel('Authentication code').fill(right === '000000' ? '111111' : '000000');
      await wizard.getByRole('button', { name: 'Next' }).click();
      await expect(wizard.getByRole('alert')).not.toBeEmpty();
      await step('wizard-step-1-error');
      await wizard.getByLabel('Authentication code').fill(totp(secret));
      await wizard.getByRole('button', { name: 'Next' }).click();
      await expect(wizard.getByText('Step 2 of 2')).toBeVisible();
      await step('wizard-step-2');
      await wizard.getByRole('button', { name: 'Copy' }).click();
      await wizard.getByRole('button', { name: 'Done' }).click();
      await expect(wizard).toBeHidden();

      account = await accountTab(page);
      await expect(account).toContainText('Two-factor authentication: Enabled');
      await step('settings-two-factor-on');
      const methods = account.getByRole('table', { name: 'Your two-factor methods' });
      await methods.getByRole('button', { name: 'Rename Authenticator app' }).click();
      const rename = page.getByRole('dialog', { name: 'Rename this two-factor method' });
      await rename.getByLabel('Name').fill('   ');
      await rename.getByRole('button', { name: 'Save' }).click();
      await expect(rename.getByRole('alert')).not.toBeEmpty();
      await step('rename-method-error');
      await page.keyboard.press('Escape');
      await methods.getByRole('button', { name: 'Remove Authenticator app' }).click();
      await expect(page.getByRole('dialog', { name: 'Remove your last two-factor method?' })).toBeVisible();
      await step('remove-last-method');
      await page.keyboard.press('Escape');
      await account.getByRole('button', { name: 'View Recovery Codes' }).click();
      await confirmPassword(page);
      const codes = page.getByRole('dialog', { name: 'Recovery codes' });
      await expect(codes.getByRole('list', { name: 'Recovery codes' })).toBeVisible();
      await step('recovery-codes');
      await codes.getByRole('button', { name: 'Generate new recovery codes' }).click();
      await expect(page.getByRole('dialog', { name: 'Generate new recovery codes?' })).toBeVisible();
      await step('regenerate-confirm');
      await page.getByRole('dialog', { name: 'Generate new recovery codes?' }).getByRole('button', { name: 'Generate' }).click();
      await expect(codes.getByText(/Set 2, generated/)).toBeVisible();
      await step('recovery-codes-new-set');
      await codes.getByRole('button', { name: 'Copy' }).click();
      await codes.getByRole('button', { name: 'Done' }).click();
      await expect(codes).toBeHidden();

      await account.getByRole('button', { name: 'Disable Two-Factor Authentication' }).click();
      await expect(page.getByRole('dialog', { name: 'Disable two-factor authentication?' })).toBeVisible();
      await step('disable-confirm');
      await page.keyboard.press('Escape');

      await signOut(page);
      await signIn(page, login);
      await expect(page).toHaveURL(/\/login\/verify$/);
      await open(page, '/login/verify');
      await step('second-step-code');
      const wrong = totp(secret) === '000000' ? '111111' : '000000';
      await page.getByLabel('Authentication code').fill(wrong);
      await page.getByRole('button', { name: 'Verify' }).click();
      await expect(page.getByRole('alert')).not.toBeEmpty();
      await step('second-step-code-error');
      await page.getByRole('link', { name: 'Use a recovery code' }).click();
      await expect(page.getByLabel('Recovery code')).toBeVisible();
      await step('second-step-recovery');

      await open(page, resetPath(admin(testInfo, 'reset-link', login)));
      await expect(page.getByLabel('New password again')).toBeVisible();
      await step('reset-page');
      await open(page, '/reset/not-a-link');
      await expect(page.getByRole('alert')).toBeVisible();
      await step('reset-page-invalid');
    });
  }
}
