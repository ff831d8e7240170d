import { test, expect } from '@playwright/test';
import { signIn } from './helpers';


test('a customer raises and replies; an agent claims, notes and answers; the customer sees only the reply', async ({ browser }) => {
  const subject = `Wallboard frozen ${Date.now()}`;
  const customer = await browser.newPage();
  await signIn(customer, 'casey@acme.test');
  await customer.goto('/tickets/new');
  await customer.getByLabel('Subject').fill(subject);
  await customer.getByLabel('Priority').selectOption('p1');
  await customer.getByLabel('Description').fill('The wallboard stopped updating at 9am.');
  await customer.getByRole('button', { name: 'Raise ticket' }).click();
  await expect(customer.getByRole('heading', { name: subject })).toBeVisible();
  await customer.getByLabel('Reply to CyTrack').fill('It is the one on level 3.');
  await customer.getByRole('button', { name: 'Send' }).click();
  await expect(customer.locator('.comment')).toContainText('It is the one on level 3.');
  const ticketUrl = customer.url();

  // The agent finds it in the queue view by filtering, and claims it.
  const agent = await browser.newPage();
  await signIn(agent, 'agent@cytrack.test');
  await agent.getByRole('link', { name: 'Queues' }).click();
  await expect(agent.getByTestId('queue-list')).toContainText('Service Desk');
  await agent.getByRole('link', { name: 'Unassigned' }).click();
  await agent.getByLabel('Priority').selectOption('p1');
  await agent.getByPlaceholder('Search').fill('Wallboard frozen');
  await agent.getByRole('button', { name: 'Apply', exact: true }).click();
  const row = agent.locator('tr', { hasText: subject });
  await expect(row).toBeVisible();
  await row.getByRole('button', { name: 'Claim' }).click();
  await expect(agent).toHaveURL(ticketUrl);
  await expect(agent.locator('dd', { hasText: 'Alex Agent' })).toBeVisible();

  // An internal note, then a public reply.
  await agent.getByLabel('Reply or note').fill('Probably the overnight job again.');
  await agent.getByLabel(/Internal note/).check();
  await agent.getByRole('button', { name: 'Send' }).click();
  await expect(agent.locator('.comment.internal')).toContainText('overnight job');
  await agent.getByLabel('Reply or note').fill('We restarted the wallboard service; please check now.');
  await agent.getByRole('button', { name: 'Send' }).click();
  await expect(agent.locator('.comment:not(.internal)').last()).toContainText('restarted');

  await customer.reload();
  await expect(customer.locator('.comment').last()).toContainText('We restarted the wallboard service');
  await expect(customer.getByText('overnight job')).toHaveCount(0);
  await expect(customer.locator('.chip.status-open')).toBeVisible();
});
