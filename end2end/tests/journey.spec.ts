import { Page } from '@playwright/test';
import { expect, mailedLink, test } from './helpers';

const PASSWORD = 'demo-password';

async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}


test('register, get approved, raise a ticket and open it', async ({ browser }) => {
  const stamp = Date.now();
  const email = `robin.${stamp}@harbour.test`;
  const company = `Harbour Freight ${stamp}`;

  // A newcomer registers and is told to wait.
  const newcomer = await browser.newPage();
  await newcomer.goto('/register');
  await newcomer.getByLabel('Company').fill(company);
  await newcomer.getByLabel('Your name').fill('Robin Harbour');
  await newcomer.getByLabel('Work e-mail').fill(email);
  await newcomer.getByLabel('Phone').fill('+61 2 9000 5555');
  await newcomer.getByLabel('Password').fill('a long enough password');
  await newcomer.getByRole('button', { name: 'Create account' }).click();
  await expect(newcomer).toHaveURL(/\/awaiting-approval$/);
  await expect(newcomer.getByRole('heading', { name: 'Confirm your e-mail address' })).toBeVisible();

  // The address is proven by the link mailed to it; only then does the registration wait for CyTrack.
  await newcomer.goto(await mailedLink(email, '/verify-email'));
  await newcomer.getByRole('button', { name: 'Confirm my address' }).click();
  await expect(newcomer).toHaveURL(/\/awaiting-approval$/);
  await expect(newcomer.getByRole('heading', { name: 'Awaiting approval' })).toBeVisible();

  // An account manager approves the registration into a new organisation, as its superuser.
  const manager = await browser.newPage();
  await signIn(manager, 'manager@cytrack.test');
  await expect(manager.getByRole('heading', { name: /Hello, Morgan/ })).toBeVisible();
  await manager.goto('/staff/registrations');
  const card = manager.locator(`article[data-email="${email}"]`);
  await expect(card).toBeVisible();
  // The organisation is searched by name; the company typed, unknown yet, becomes a new one.
  await expect(card.getByLabel('Organisation')).toHaveValue(company);
  await expect(card).toContainText('New organisation');
  await card.getByLabel(/Superuser/).check();
  await card.getByRole('button', { name: 'Approve' }).click();
  await expect(card).toHaveCount(0);

  // The customer signs in, raises a ticket, and finds it.
  const customer = newcomer;
  // The page's Content-Security-Policy must allow everything Leptos runs (nonced scripts, WASM).
  const violations: string[] = [];
  customer.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy/i.test(m.text())) violations.push(m.text());
  });
  await signIn(customer, email, 'a long enough password');
  await expect(customer.getByRole('heading', { name: /Hello, Robin/ })).toBeVisible();
  await customer.getByRole('link', { name: 'Raise a ticket' }).first().click();
  await expect(customer).toHaveURL(/\/tickets\/new$/);

  // Needs the hydrated WASM: the counter and the billing preview react as the form changes.
  const subject = 'Queue 7 drops callers after 30 seconds';
  const counter = customer.getByTestId('subject-counter');
  await expect(async () => {
    await customer.getByLabel('Subject').fill('');
    await customer.getByLabel('Subject').pressSequentially('Queue 7');
    await expect(counter).toHaveText('7 / 200', { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await customer.getByLabel('Subject').fill(subject);
  await expect(counter).toHaveText(`${subject.length} / 200`);
  const preview = customer.getByTestId('billing-preview');
  await expect(preview).toContainText('Deployment');
  await customer.getByLabel('Kind').selectOption('question');
  await expect(preview).toContainText('not gone live');

  await customer.getByLabel('Priority').selectOption('p2');
  await customer.getByLabel('Product').selectOption('queues');
  await customer.getByLabel('Description').fill('Callers on queue 7 are cut off after half a minute.');
  await customer.getByRole('button', { name: 'Raise ticket' }).click();

  await expect(customer).toHaveURL(/\/tickets\/[0-9a-f-]{36}$/);
  await expect(customer.getByRole('heading', { name: subject })).toBeVisible();
  await expect(customer.getByText(/CT-\d{6}/).first()).toBeVisible();
  await expect(customer.getByTestId('billing-reason')).toContainText('Deployment:');

  await customer.getByRole('link', { name: 'My tickets' }).click();
  await expect(customer.getByRole('link', { name: subject })).toBeVisible();
  await customer.getByRole('link', { name: subject }).click();
  await expect(customer.getByRole('heading', { name: subject })).toBeVisible();
  expect(violations, 'no Content-Security-Policy violations').toEqual([]);
});

test('forms work before the WASM bundle has loaded', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();

  await signIn(page, 'casey@acme.test', 'wrong password!');
  await expect(page).toHaveURL(/\/login\?error=/);
  await expect(page.getByRole('alert')).toContainText('do not match');

  await signIn(page, 'casey@acme.test');
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: /Hello, Casey/ })).toBeVisible();

  await page.goto('/tickets/new');
  await page.getByLabel('Subject').fill('Raised without JavaScript');
  await page.getByLabel('Description').fill('Plain HTML form post.');
  await page.getByRole('button', { name: 'Raise ticket' }).click();
  await expect(page.getByRole('heading', { name: 'Raised without JavaScript' })).toBeVisible();
  // Acme went live 60 days ago and holds an IRS contract: a fault is covered.
  await expect(page.getByTestId('billing-reason')).toContainText('Issue Resolution Service');
  await context.close();
});

test("a customer cannot open another organisation's ticket", async ({ browser }) => {
  const blair = await browser.newPage();
  await signIn(blair, 'blair@borealis.test');
  await expect(blair.getByRole('heading', { name: /Hello, Blair/ })).toBeVisible();
  await blair.goto('/tickets');
  const link = blair.getByRole('link', { name: 'Change the IVR menu order' });
  await expect(link).toBeVisible();
  const href = await link.getAttribute('href');

  const casey = await browser.newPage();
  await signIn(casey, 'casey@acme.test');
  await expect(casey.getByRole('heading', { name: /Hello, Casey/ })).toBeVisible();
  const response = await casey.goto(href!);
  expect(response?.status()).toBe(404);
  await expect(casey.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});
