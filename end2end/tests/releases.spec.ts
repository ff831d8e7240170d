import { expect, signIn, test } from './helpers';

test('staff publish a release with a slated fix and an Insider post; a Software Care client reads, asks and sees the fix; a client without it sees titles', async ({ browser }) => {
  // Casey (Acme, on IRS) raises the fault the release will fix.
  const casey = await browser.newPage();
  await signIn(casey, 'casey@acme.test');
  await casey.goto('/tickets/new');
  await casey.getByLabel('Subject').fill('Recordings have gaps on queue 4');
  await casey.getByLabel('Description').fill('Every call recording on queue 4 misses its first seconds.');
  await casey.getByRole('button', { name: 'Raise ticket' }).click();
  await expect(casey.getByRole('heading', { name: 'Recordings have gaps on queue 4' })).toBeVisible();
  const ticketUrl = casey.url();
  const number = (await casey.locator('.ticket-head').textContent())!.match(/CT-\d{6}/)![0];

  // The agent numbers the next version as the page proposes, and slates Casey's fault.
  const agent = await browser.newPage();
  await signIn(agent, 'agent@cytrack.test');
  await agent.goto('/releases');
  const proposed = await agent.locator('input[name="number"]').inputValue();
  expect(proposed).toMatch(/^\d{2}-\d+\.1$/);
  await agent.getByLabel('Release notes (Markdown)').fill('Fixes **recording gaps** on busy queues.');
  await agent.getByRole('button', { name: 'Create the release' }).click();
  await expect(agent.getByRole('heading', { name: `Release ${proposed}` })).toBeVisible();
  await expect(agent.locator('.markdown strong')).toHaveText('recording gaps');
  await agent.getByLabel('Slate a ticket').fill(number);
  await agent.getByRole('button', { name: 'Slate', exact: true }).click();
  await expect(agent.getByTestId('slated')).toContainText(number);
  const releaseUrl = agent.url();

  // And writes the Insider post about it.
  await agent.goto('/insider');
  await agent.getByRole('link', { name: 'Write a post' }).click();
  await agent.getByLabel('Title').fill(`Coming in ${proposed}: whole recordings`);
  await agent.getByLabel('Post (Markdown)').fill('We found why recordings **lost their first seconds**.\n\n<script>alert(1)</script>');
  await agent.getByLabel('Tags').fill('recording');
  await agent.getByLabel('Releases').fill(proposed);
  await agent.getByLabel('Published (Software Care readers see it)').check();
  await agent.getByRole('button', { name: 'Save' }).click();
  await expect(agent.getByTestId('post-body')).toContainText('lost their first seconds');

  // Casey reads it, asks, and sees the fix slated on the ticket.
  await casey.goto('/insider');
  await casey.getByRole('link', { name: `Coming in ${proposed}: whole recordings` }).click();
  await expect(casey.getByTestId('post-body').locator('strong')).toHaveText('lost their first seconds');
  await expect(casey.getByTestId('post-body').locator('script')).toHaveCount(0);
  await casey.getByLabel('Ask the engineering team').fill('Will recordings already made be repaired?');
  await casey.getByRole('button', { name: 'Ask', exact: true }).click();
  await expect(casey.getByTestId('questions')).toContainText('Will recordings already made be repaired?');
  await casey.goto(ticketUrl);
  await expect(casey.getByTestId('slated-release')).toHaveText(`Fix slated for ${proposed}`);

  // Casey follows the Insider in a feed reader by a private address.
  await casey.goto('/insider');
  await casey.getByRole('button', { name: 'Make my feed address' }).click();
  const feedUrl = await casey.getByTestId('feed-address').inputValue();
  expect(feedUrl).toMatch(/^https?:\/\/.+\/api\/v1\/insider\/feed\.atom\?token=[0-9a-f]{64}$/);
  const feed = await casey.request.get(feedUrl);
  expect(feed.headers()['content-type']).toContain('application/atom+xml');
  expect(await feed.text()).toContain(`Coming in ${proposed}: whole recordings`);

  // Blair (Borealis, no IRS contract) sees the title and the offer to renew, not the post.
  const blair = await browser.newPage();
  await signIn(blair, 'blair@borealis.test');
  await blair.goto('/insider');
  await expect(blair.getByTestId('renew-offer')).toBeVisible();
  await expect(blair.getByTestId('posts')).toContainText(`Coming in ${proposed}: whole recordings`);
  await expect(blair.getByRole('link', { name: `Coming in ${proposed}: whole recordings` })).toHaveCount(0);

  // The agent answers and ships; Casey's fault is resolved with the release.
  await agent.goto('/insider');
  await agent.getByRole('link', { name: `Coming in ${proposed}: whole recordings` }).click();
  await agent.getByLabel('Answer', { exact: true }).fill('New recordings only; old ones keep their gap.');
  await agent.getByRole('button', { name: 'Answer', exact: true }).click();
  await expect(agent.getByTestId('questions')).toContainText('New recordings only');
  await agent.goto(releaseUrl);
  await agent.getByRole('button', { name: `Ship ${proposed}` }).click();
  await expect(agent.getByRole('heading', { name: `Release ${proposed}` })).toContainText('Released');
  await casey.goto(ticketUrl);
  await expect(casey.getByTestId('slated-release')).toHaveText(`Fixed in ${proposed}`);
  await expect(casey.locator('.ticket-head')).toContainText('Resolved');
});
