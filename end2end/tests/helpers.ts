import { test as base, expect, Page } from '@playwright/test';

export { expect };

/** Every demo account's password (server/src/demo.rs). */
export const PASSWORD = 'demo-password';

/** Signs in through the form and waits for the home page's greeting. */
export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: /^Hello,/ })).toBeVisible();
}

/**
 * Playwright's `test`, failing any journey in which a page the browser opened failed to hydrate.
 * A page that fails still works, as plain forms that post and reload, which hides it.
 */
export const test = base.extend<{ hydrated: void }>({
  hydrated: [
    async ({ browser, context }, use) => {
      const failures: string[] = [];
      const watch = (page: Page) =>
        page.on('console', (message) => {
          if (message.type() === 'error' && /hydrat/i.test(message.text())) failures.push(`${page.url()}: ${message.text()}`);
        });
      context.on('page', watch);
      const newPage = browser.newPage.bind(browser);
      browser.newPage = async (options) => {
        const page = await newPage(options);
        watch(page);
        return page;
      };
      await use();
      browser.newPage = newPage;
      expect(failures, 'every page hydrated').toEqual([]);
    },
    { auto: true },
  ],
});
