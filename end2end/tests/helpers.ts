import { expect, Page } from '@playwright/test';

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

/** What the browser reports about failed hydration on this page (a page that failed stays plain HTML). */
export function hydrationErrors(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /hydrat/i.test(message.text())) seen.push(message.text());
  });
  return seen;
}
