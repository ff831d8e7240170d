import { expect, signIn, test } from './helpers';

// A tiny PNG (its bytes are what make it one: the portal never trusts the name or the type).
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const LOG = Buffer.from('09:00:01 queue 3 overflow\n09:00:02 agent 12 logged out\n');

test('a customer attaches a screenshot and a log with a reply; the agent downloads both; another organisation gets 404', async ({ browser }) => {
  const subject = `Wallboard red ${Date.now()}`;
  const casey = await browser.newPage();
  await signIn(casey, 'casey@acme.test');
  await casey.goto('/tickets/new');
  await casey.getByLabel('Subject').fill(subject);
  await casey.getByLabel('Description').fill('Queue 3 shows red when idle; screenshot attached.');
  await casey.getByRole('button', { name: 'Raise ticket' }).click();
  await expect(casey.getByRole('heading', { name: subject })).toBeVisible();
  const ticketUrl = casey.url();

  // The screenshot goes on the ticket itself.
  await casey.getByLabel('Files (up to 20, 25 MB each)').setInputFiles({ name: 'screenshot.png', mimeType: 'image/png', buffer: PNG });
  await casey.getByRole('button', { name: 'Attach' }).click();
  await expect(casey.locator('.attachments li[data-file="screenshot.png"]')).toBeVisible();

  // The log comes with a reply.
  await casey.getByLabel('Files (up to 20, 25 MB each)').setInputFiles({ name: 'portal.log', mimeType: 'text/plain', buffer: LOG });
  await casey.getByLabel('With a message (optional)').fill('Here is the log from this morning.');
  await casey.getByRole('button', { name: 'Attach' }).click();
  const reply = casey.locator('article.comment', { hasText: 'Here is the log from this morning.' });
  await expect(reply.locator('li[data-file="portal.log"]')).toBeVisible();

  // The agent downloads both: the log as a file, the screenshot as the image it really is.
  const agent = await browser.newPage();
  await signIn(agent, 'agent@cytrack.test');
  await agent.goto(ticketUrl);
  const [download] = await Promise.all([
    agent.waitForEvent('download'),
    agent.locator('li[data-file="portal.log"] a').click(),
  ]);
  expect(download.suggestedFilename()).toBe('portal.log');
  const saved = await download.path();
  expect(require('node:fs').readFileSync(saved!).equals(LOG)).toBeTruthy();
  const shotHref = await agent.locator('li[data-file="screenshot.png"] a').getAttribute('href');
  const shot = await agent.request.get(shotHref!);
  expect(shot.status()).toBe(200);
  expect(shot.headers()['content-type']).toBe('image/png');
  expect(Buffer.from(await shot.body()).equals(PNG)).toBeTruthy();

  // Someone of another organisation, given the links, finds nothing there.
  const blair = await browser.newPage();
  await signIn(blair, 'blair@borealis.test');
  for (const href of [shotHref!, await agent.locator('li[data-file="portal.log"] a').getAttribute('href')]) {
    const res = await blair.request.get(href!);
    expect(res.status()).toBe(404);
    expect((await res.json()).error.code).toBe('not_found');
  }
});
