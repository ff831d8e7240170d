import { expect, signIn, test } from './helpers';


function isoDaysAgo(days: number): string {
  const d = new Date(Date.now() - days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

test('go-live makes a change request warranty; an agent reclassifies it; the customer sees why', async ({ browser }) => {
  // An account manager records a go-live for a new client, approved from a registration.
  const manager = await browser.newPage();
  await signIn(manager, 'manager@cytrack.test');
  await manager.goto('/staff/registrations');
  const card = manager.locator('article[data-email="pat@newclient.test"]');
  await card.getByLabel(/Superuser/).check();
  await card.getByRole('button', { name: 'Approve' }).click();
  await expect(card).toHaveCount(0);

  await manager.goto('/accounts');
  await manager.getByRole('link', { name: 'New Client Pty Ltd' }).click();
  await expect(manager.getByRole('heading', { name: 'New Client Pty Ltd' })).toBeVisible();
  await manager.getByLabel('Go-live date').fill(isoDaysAgo(3));
  await manager.getByRole('button', { name: 'Save deployment' }).click();
  await expect(manager.locator('.timeline li.done').first()).toContainText('Go-live');

  // The customer raises a change request and sees "warranty" with its reason, before and after.
  const customer = await browser.newPage();
  await signIn(customer, 'pat@newclient.test');
  await customer.goto('/tickets/new');
  await customer.getByLabel('Kind').selectOption('change_request');
  await expect(customer.getByTestId('billing-preview')).toContainText('Warranty');
  await customer.getByLabel('Subject').fill('Add a holiday message to the main queue');
  await customer.getByLabel('Description').fill('Please add the Christmas closure announcement.');
  await customer.getByRole('button', { name: 'Raise ticket' }).click();
  await expect(customer.getByRole('heading', { name: 'Add a holiday message to the main queue' })).toBeVisible();
  await expect(customer.getByTestId('billing-reason')).toContainText('deployment warranty period');
  const ticketUrl = customer.url();

  // An agent reclassifies it with a reason and logs time.
  const agent = await browser.newPage();
  await signIn(agent, 'agent@cytrack.test');
  await agent.goto(ticketUrl);
  await agent.getByLabel('Tag').selectOption('billable');
  await agent.getByLabel('Reason the customer will read').fill('Holiday messages are a chargeable change under your contract.');
  await agent.getByRole('button', { name: 'Reclassify' }).click();
  await expect(agent.getByTestId('billing-reason')).toContainText('chargeable change');
  await agent.getByLabel('Minutes', { exact: true }).fill('45');
  await agent.getByRole('button', { name: 'Log time' }).click();
  await expect(agent.getByTestId('time-total')).toHaveText('45');

  // The customer sees the new tag, the reason, and the change in the history.
  await customer.reload();
  await expect(customer.getByTestId('billing-reason')).toHaveText('Billable: Holiday messages are a chargeable change under your contract.');
  await expect(customer.getByTestId('history')).toContainText('billing');
  await expect(customer.getByTestId('history')).not.toContainText('45 min');
});
