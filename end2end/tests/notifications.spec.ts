import { Page } from '@playwright/test';
import { expect, mailTo, signIn, test } from './helpers';

/** The bell's unread count in the header (0 when it shows none). */
async function bellCount(page: Page): Promise<number> {
  const count = page.locator('header a.bell .count');
  if ((await count.count()) === 0) return 0;
  return Number(await count.innerText());
}

test('a customer is told of a raised ticket and a reply, answers it by e-mail; the bell counts and clears; an admin sees the mail', async ({ browser, request }) => {
  const subject = `Headsets crackle ${Date.now()}`;
  const customer = await browser.newPage();
  await signIn(customer, 'casey@acme.test');
  // Start from a clear bell (the demo data told Casey of earlier tickets).
  await customer.goto('/notifications');
  await customer.getByRole('button', { name: 'Mark all read' }).click();
  await expect(customer.locator('li.notification.unread')).toHaveCount(0);
  await expect(customer.locator('header a.bell .count')).toHaveCount(0);

  await customer.goto('/tickets/new');
  await customer.getByLabel('Subject').fill(subject);
  await customer.getByLabel('Description').fill('Every headset on level 2 crackles.');
  await customer.getByRole('button', { name: 'Raise ticket' }).click();
  await expect(customer.getByRole('heading', { name: subject })).toBeVisible();
  const ticketUrl = customer.url();
  const number = (await customer.getByText(/CT-\d{6}/).first().innerText()).match(/CT-\d{6}/)![0];
  await expect.poll(() => bellCount(customer)).toBe(1);
  // The acknowledgement also arrives by mail (the demo writes it as a file), with the number.
  await mailTo('casey@acme.test', new RegExp(`Subject: ${number} received`));

  // The acknowledgement names the ticket's number and leads to it; opening it reads it.
  await customer.getByRole('link', { name: /Notifications/ }).click();
  const ack = customer.locator('li.notification.unread', { hasText: number });
  await expect(ack).toContainText('received');
  await ack.getByRole('button').click();
  await expect(customer).toHaveURL(ticketUrl);
  await expect(customer.locator('header a.bell .count')).toHaveCount(0);

  // An agent answers; the customer's bell counts it, and the notice carries the reply.
  const agent = await browser.newPage();
  await signIn(agent, 'agent@cytrack.test');
  await agent.goto(ticketUrl);
  await agent.getByLabel('Reply or note').fill('Which headset model is it?');
  await agent.getByRole('button', { name: 'Send' }).click();
  await expect(agent.locator('.comment').last()).toContainText('Which headset model');
  await customer.goto('/');
  await expect.poll(() => bellCount(customer)).toBe(1);
  await customer.getByRole('link', { name: /Notifications/ }).click();
  const reply = customer.locator('li.notification.unread', { hasText: number });
  await expect(reply).toContainText('CyTrack replied');
  await expect(reply).toContainText('Which headset model is it?');

  // Casey answers from the mail program: the reply goes to the address the mail gave, and a mail
  // provider hands it to the portal's inbound endpoint. Only what Casey typed lands.
  const sent = await mailTo('casey@acme.test', /Which headset model is it\?/);
  const replyTo = sent.match(/^Reply-To: .*<(support\+[0-9a-f]{32}@[^>]+)>/m)![1];
  const answer = [
    'From: Casey Customer <casey@acme.test>',
    `To: ${replyTo}`,
    `Subject: Re: ${number}: CyTrack replied`,
    `Message-ID: <${Date.now()}@acme.test>`,
    '',
    'Jabra Evolve 40, all of them.',
    '',
    'On Mon, 30 Nov 2026, CyTrack Support wrote:',
    '> Which headset model is it?',
    '',
  ].join('\r\n');
  const delivered = await request.post('/api/v1/mail/inbound', {
    headers: { authorization: 'Bearer e2e-inbound-secret', 'content-type': 'message/rfc822' },
    data: answer,
  });
  expect(delivered.status()).toBe(202);
  expect((await delivered.json()).outcome).toBe('comment_added');
  await agent.reload();
  await expect(agent.locator('.comment').last()).toContainText('Jabra Evolve 40, all of them.');
  await expect(agent.locator('.comment').last()).not.toContainText('Which headset model');

  // Replies by e-mail are the customer's to turn off; the acknowledgement is always sent.
  const replyPrefs = customer.locator('#preferences tr[data-kind="ticket_reply"]');
  await replyPrefs.getByRole('button', { name: 'Turn e-mail off' }).click();
  await expect(replyPrefs).toContainText('E-mail off');
  await expect(customer.locator('#preferences tr[data-kind="ticket_raised"]')).toContainText('Always sent');

  await customer.getByRole('button', { name: 'Mark all read' }).click();
  await expect(customer.locator('li.notification.unread')).toHaveCount(0);
  await expect(customer.locator('header a.bell .count')).toHaveCount(0);

  // No SMTP server in the demo: the worker writes each mail as a file and marks it sent.
  const admin = await browser.newPage();
  await signIn(admin, 'admin@cytrack.test');
  await expect(async () => {
    await admin.goto('/notifications');
    await expect(admin.locator('#outbox tr.mail-sent', { hasText: `${number} received` })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  // Casey's reply by e-mail is on record, with the ticket it joined.
  await expect(admin.locator('#inbound tr.mail-comment_added', { hasText: 'casey@acme.test' })).toContainText('comment added');
});
