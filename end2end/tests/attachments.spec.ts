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

  // The agent removes the log: gone for the customer too, and the history says so.
  // One click, hydrated or not: a plain post comes back to the page, a hydrated one reads the
  // ticket again (a retried click would find no button once the first one went through).
  await agent.getByRole('button', { name: 'Remove portal.log' }).click();
  await expect(agent.locator('li[data-file="portal.log"]')).toHaveCount(0);
  await casey.reload();
  await expect(casey.locator('li[data-file="screenshot.png"]')).toBeVisible();
  await expect(casey.locator('li[data-file="portal.log"]')).toHaveCount(0);
  await expect(casey.getByRole('button', { name: /^Remove/ })).toHaveCount(0);
});

test('files dropped on a reply show a bar each while they go; a superuser files a scanned form on the project', async ({ browser }) => {
  const subject = `Recorder gaps ${Date.now()}`;
  const casey = await browser.newPage();
  await signIn(casey, 'casey@acme.test');
  await casey.goto('/tickets/new');
  await casey.getByLabel('Subject').fill(subject);
  await casey.getByLabel('Description').fill('Calls between 2 and 3 am are missing from the recorder.');
  await casey.getByRole('button', { name: 'Raise ticket' }).click();
  await expect(casey.getByRole('heading', { name: subject })).toBeVisible();

  // Two logs dropped on the zone, as a file manager drops them (the page must be hydrated to take them).
  const dropped = await casey.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['02:14 recorder stopped\n'], 'recorder.log', { type: 'text/plain' }));
    transfer.items.add(new File(['02:59 recorder started\n'], 'recorder-2.log', { type: 'text/plain' }));
    return transfer;
  });
  const zone = casey.locator('form.files .drop-zone');
  await expect(async () => {
    await zone.dispatchEvent('drop', { dataTransfer: dropped });
    await expect(casey.locator('li[data-chosen="recorder-2.log"]')).toBeVisible({ timeout: 500 });
  }).toPass();
  await expect(casey.locator('li[data-chosen="recorder.log"]')).toBeVisible();
  await casey.getByLabel('With a message (optional)').fill('Both recorder logs for last night.');
  // The portal takes a moment to answer, so the bars can be seen.
  await casey.route('**/tickets/*/files', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  await casey.getByRole('button', { name: 'Attach' }).click();
  await expect(casey.locator('li[data-chosen="recorder.log"] progress')).toBeVisible();
  await expect(casey.locator('li[data-chosen="recorder-2.log"] progress')).toBeVisible();
  await expect(casey.getByRole('button', { name: 'Sending…' })).toBeDisabled();
  const reply = casey.locator('article.comment', { hasText: 'Both recorder logs for last night.' });
  await expect(reply.locator('li[data-file="recorder.log"]')).toBeVisible();
  await expect(reply.locator('li[data-file="recorder-2.log"]')).toBeVisible();

  // A refusal is shown in place, in the portal's words.
  await casey.getByLabel('Files (up to 20, 25 MB each)').setInputFiles({ name: 'empty.log', mimeType: 'text/plain', buffer: Buffer.alloc(0) });
  await casey.getByRole('button', { name: 'Attach' }).click();
  // In place once the page is hydrated, as the page's banner before: the portal's own words.
  await expect(casey.getByRole('alert').filter({ hasText: 'empty.log is empty' })).toBeVisible();

  // The account manager opens a project; Acme's superuser files the scanned, signed Go-Live form on it.
  const manager = await browser.newPage();
  await signIn(manager, 'manager@cytrack.test');
  await manager.goto('/accounts');
  await manager.getByRole('link', { name: 'Acme Contact Centres' }).click();
  const name = `Melbourne site ${Date.now()}`;
  await manager.getByLabel('New project').fill(name);
  await manager.getByRole('button', { name: 'Open the project' }).click();
  await expect(manager.getByRole('heading', { name })).toBeVisible();
  const projectUrl = manager.url();
  const sam = await browser.newPage();
  await signIn(sam, 'sam@acme.test');
  await sam.goto(projectUrl);
  const documents = sam.locator('#documents');
  await documents.getByLabel('For the').selectOption('go_live');
  await documents.getByLabel('Files (up to 20, 25 MB each)').setInputFiles({
    name: 'go-live-signed.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7 signed and scanned'),
  });
  await documents.getByRole('button', { name: 'Attach' }).click();
  await expect(sam.locator('#documents li[data-file="go-live-signed.pdf"]')).toBeVisible();
  await manager.reload();
  await expect(manager.locator('#documents')).toContainText('Go-Live form');
  const [download] = await Promise.all([
    manager.waitForEvent('download'),
    manager.locator('#documents li[data-file="go-live-signed.pdf"] a').click(),
  ]);
  expect(download.suggestedFilename()).toBe('go-live-signed.pdf');
});
