import { test as base, expect, Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';

export { expect };

/** Every demo account's password (server/src/demo/mod.rs). */
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
 * `page.goto` that returns once the page is hydrated (the portal marks `<html data-hydrated>`).
 * A journey then drives the live page, as people mostly do: without the wait, a debug build's
 * large WASM was still loading when a journey clicked, so links and forms went to the server as
 * plain requests, and failures of the hydrated page showed only in a release build. A page opened
 * from a context of its own (`browser.newContext()`, as the journey with JavaScript off does) is
 * left as it is.
 */
function waitingForHydration(page: Page): Page {
  const goto = page.goto.bind(page);
  page.goto = async (url, options) => {
    const response = await goto(url, options);
    await page.locator('html[data-hydrated]').waitFor({ state: 'attached', timeout: 30_000 });
    return response;
  };
  return page;
}

/**
 * Playwright's `test`, failing any journey in which a page the browser opened failed to hydrate.
 * A page that fails still works, as plain forms that post and reload, which hides it. Every page
 * waits for hydration on `goto` (`waitingForHydration`).
 *
 * The pages a journey opens with `browser.newPage()` (each in a context of its own) are closed
 * when it ends. The browser outlives the journey: left open, every page kept its live channel
 * and its timers, and each later journey ran beside a few dozen signed-in tabs reading the portal
 * again on every change.
 */
export const test = base.extend<{ hydrated: void }>({
  page: async ({ page }, use) => {
    await use(waitingForHydration(page));
  },
  hydrated: [
    async ({ browser, context }, use) => {
      const failures: string[] = [];
      const opened: Page[] = [];
      const watch = (page: Page) =>
        page.on('console', (message) => {
          if (message.type() === 'error' && /hydrat/i.test(message.text())) failures.push(`${page.url()}: ${message.text()}`);
        });
      context.on('page', watch);
      const newPage = browser.newPage.bind(browser);
      browser.newPage = async (options) => {
        const page = waitingForHydration(await newPage(options));
        opened.push(page);
        watch(page);
        return page;
      };
      await use();
      browser.newPage = newPage;
      await Promise.all(opened.map((page) => page.context().close()));
      expect(failures, 'every page hydrated').toEqual([]);
    },
    { auto: true },
  ],
});

/**
 * `expectation`, and when it fails, what `page` showed then (its address, and any error or
 * message on it), so a failure far from this machine says more than "not found".
 */
export async function showingOnFailure(page: Page, expectation: () => Promise<void>) {
  try {
    await expectation();
  } catch (error) {
    const said = await page
      .locator('[role=alert], .error, .banner, .field-error')
      .allInnerTexts()
      .catch(() => ['(the page could not be read)']);
    const main = await page.locator('main').innerText().catch(() => '(no main)');
    (error as Error).message +=
      `\n\nThe page then: ${page.url()}\nIts messages: ${JSON.stringify(said)}\nIts text: ${main.slice(0, 1500)}`;
    throw error;
  }
}

/** A message's text as a mail program reads it: quoted-printable soft breaks and escapes undone. */
function decoded(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}

/** The newest mail the portal wrote to `to` whose text matches `pattern`, decoded. */
export async function mailTo(to: string, pattern: RegExp): Promise<string> {
  const dir = process.env.CYTRACK_E2E_MAIL_DIR!;
  const find = (): string | undefined => {
    if (!fs.existsSync(dir)) return undefined;
    const files = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.eml'))
      .map((f) => path.join(dir, f))
      .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
    return files
      .map((file) => decoded(fs.readFileSync(file, 'utf8')))
      .find((text) => text.split(/\r?\n\r?\n/)[0].toLowerCase().includes(to.toLowerCase()) && pattern.test(text));
  };
  let mail: string | undefined;
  await expect.poll(() => (mail = find()), { message: `a mail to ${to} matching ${pattern}`, timeout: 30_000 }).toBeTruthy();
  return mail!;
}

/**
 * The link to `pathname` (with its token) in the newest mail the portal wrote to `to`. The demo
 * has no SMTP server: its delivery worker writes each mail as an .eml file in the data directory
 * (playwright.config.ts), every few seconds.
 */
export async function mailedLink(to: string, pathname: string): Promise<string> {
  const pattern = new RegExp(`https?://[^\\s"<>]+${pathname}\\?token=[0-9a-f]{64}`);
  return (await mailTo(to, pattern)).match(pattern)![0];
}
