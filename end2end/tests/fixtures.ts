// Every test of the suite imports `test` from here: a page that reports a
// Content-Security-Policy violation in its console fails the test, with
// JavaScript on and off (the browser reports refused scripts, styles and
// connections either way).
import { expect, Page, test as base } from '@playwright/test';

export * from '@playwright/test';

export const test = base.extend<{ noCspViolations: void }>({
  noCspViolations: [
    async ({ context }, use) => {
      const violations: string[] = [];
      const watch = (page: Page) =>
        page.on('console', (message) => {
          if (/Content[- ]Security[- ]Policy/i.test(message.text())) {
            violations.push(`${page.url()}: ${message.text()}`);
          }
        });
      context.pages().forEach(watch);
      context.on('page', watch);
      await use();
      expect(violations, 'Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
});
