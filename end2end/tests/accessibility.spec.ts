import AxeBuilder from '@axe-core/playwright';
import { expect, Page, signIn, test } from './helpers';

/**
 * Every page, as the people who use it see it (each in a browser context of its own: axe needs one), checked by axe-core against WCAG 2.1 A and AA:
 * no serious or critical violation. (Minor and moderate ones are printed, not failed.)
 */
async function check(page: Page, path: string) {
  await page.goto(path);
  await page.waitForLoadState('load');
  await page.locator('main').waitFor();
  // Signed in, the page is checked once hydrated (its live channel open): lazily loaded pages
  // settle their title and content then.
  if (await page.locator('nav.nav[data-live]').count()) await page.locator('nav.nav[data-live="on"]').waitFor({ timeout: 30_000 });
  // A lazily loaded page puts its title back once its part of the bundle has arrived.
  await expect(page).toHaveTitle(/\S/);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const grave = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const lesser = results.violations.filter((v) => !grave.includes(v));
  if (lesser.length) console.log(`${path}: ${lesser.map((v) => `${v.id} (${v.impact})`).join(', ')}`);
  expect.soft(
    grave.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')}`),
    `${path} has no serious or critical accessibility violation`,
  ).toEqual([]);
}

/** The first link on `path` whose address matches `pattern`, for pages that need an id. */
async function firstLink(page: Page, path: string, pattern: RegExp): Promise<string | null> {
  await page.goto(path);
  const hrefs = await page.locator('a[href]').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  return hrefs.find((h) => pattern.test(h)) ?? null;
}

test('pages open to everyone pass axe', async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  for (const path of ['/login', '/register', '/forgot-password']) await check(page, path);
});

test("a client's pages pass axe", async ({ browser }) => {
  // A page at a time, each checked whole by axe: longer than one journey's usual minute.
  test.setTimeout(180_000);
  const page = await (await browser.newContext()).newPage();
  await signIn(page, 'sam@acme.test');
  const ticket = await firstLink(page, '/tickets', /^\/tickets\/[0-9a-f-]{36}$/);
  const post = await firstLink(page, '/insider', /^\/insider\/[0-9a-f-]{36}$/);
  const paths = ['/', '/tickets', '/tickets/new', '/after-hours', '/macs', '/vouchers', '/notifications', '/profile', '/people', '/releases', '/insider', '/deployment-projects', '/reports'];
  for (const path of [...paths, ticket, post]) {
    expect(path, 'each page with an id is reached from its list').toBeTruthy();
    await check(page, path!);
  }
});

test("staff pages pass axe", async ({ browser }) => {
  test.setTimeout(180_000);
  const agent = await (await browser.newContext()).newPage();
  await signIn(agent, 'agent@cytrack.test');
  const ticket = await firstLink(agent, '/queues', /^\/tickets\/[0-9a-f-]{36}$/);
  expect(ticket, 'a ticket is reached from the queue').toBeTruthy();
  for (const path of ['/queues', '/tickets', '/reports', ticket!]) await check(agent, path);

  const manager = await (await browser.newContext()).newPage();
  await signIn(manager, 'manager@cytrack.test');
  const account = await firstLink(manager, '/accounts', /^\/accounts\/[0-9a-f-]{36}$/);
  const release = await firstLink(manager, '/releases', /^\/releases\/[0-9a-f-]{36}$/);
  const statement = account && (await firstLink(manager, account, /^\/statements\/[0-9a-f-]{36}/));
  // The demo has no deployment project: the manager opens one (through the API, with the page's
  // session), and its page and a printable form are checked.
  const organization = account!.split('/').pop();
  const opened = await manager.request.post(`/api/v1/organizations/${organization}/deployment-projects`, {
    data: { name: 'Accessibility check' },
    headers: { origin: new URL(manager.url()).origin },
  });
  expect(opened.status()).toBe(201);
  const project = `/deployment-projects/${(await opened.json()).project.id}`;
  const paths = ['/accounts', '/staff/registrations', '/people', '/audit', '/insider/new', '/reports?grouping=week', account, release, statement];
  for (const path of [...paths, project, `${project}/forms/pre-install`]) {
    expect(path, 'each page with an id is reached from its list').toBeTruthy();
    await check(manager, path!);
  }

  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, 'admin@cytrack.test');
  await check(admin, '/settings');
});
