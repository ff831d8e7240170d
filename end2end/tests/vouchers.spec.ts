import { expect, signIn, test } from './helpers';


function isoDaysAhead(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

test('an account manager issues a voucher, an agent redeems it on billable work, the customer sees the ledger', async ({ browser }) => {
  // Borealis went live five days ago: a MACS request is billable.
  const customer = await browser.newPage();
  await signIn(customer, 'blair@borealis.test');
  await customer.goto('/vouchers');
  await expect(customer.getByTestId('available')).toHaveText('0:00 h');
  await customer.goto('/tickets/new');
  await customer.getByLabel('Kind').selectOption('macs');
  await customer.getByLabel('Subject').fill('Add three agents to the sales queue');
  await customer.getByLabel('Description').fill('New starters on Monday.');
  await customer.getByRole('button', { name: 'Raise ticket' }).click();
  await expect(customer.getByTestId('billing-reason')).toContainText('Billable');
  const ticketUrl = customer.url();

  const manager = await browser.newPage();
  await signIn(manager, 'manager@cytrack.test');
  await manager.goto('/accounts');
  await manager.getByRole('link', { name: 'Borealis Telecom' }).click();
  await manager.getByLabel('Minutes').fill('600');
  await manager.getByLabel('Expires').fill(isoDaysAhead(120));
  await manager.getByRole('button', { name: 'Issue voucher' }).click();
  await expect(manager.getByTestId('available')).toHaveText('10:00 h');

  const agent = await browser.newPage();
  await signIn(agent, 'agent@cytrack.test');
  await agent.goto(ticketUrl);
  await agent.getByLabel('Minutes to redeem').fill('90');
  await agent.getByRole('button', { name: 'Redeem' }).click();
  await expect(agent.getByTestId('history')).toContainText('90 min redeemed');

  await customer.goto('/vouchers');
  await expect(customer.getByTestId('available')).toHaveText('8:30 h');
  await expect(customer.getByTestId('ledger')).toContainText('redeem');
  await expect(customer.getByTestId('ledger')).toContainText('90');

  // The account manager refunds the redemption from the ledger; it is refunded once, as new lines.
  await manager.reload();
  const ledger = manager.getByTestId('ledger');
  await ledger.getByPlaceholder('Reason for the refund').fill('Work was covered by warranty after all');
  await ledger.getByRole('button', { name: 'Refund' }).click();
  await expect(manager.getByTestId('available')).toHaveText('10:00 h');
  await expect(ledger.getByRole('cell', { name: 'refund', exact: true })).toBeVisible();
  await expect(ledger.getByRole('button', { name: 'Refund' })).toHaveCount(0);
  await customer.goto('/vouchers');
  await expect(customer.getByTestId('available')).toHaveText('10:00 h');

  // The month's statement moves the opening balance to the closing one, line by line.
  await customer.getByRole('link', { name: 'Monthly statement' }).click();
  await expect(customer.getByTestId('statement')).toContainText('Borealis Telecom');
  // Asked for no month, the form shows the one the statement is for: this month, in the support
  // calendar's zone.
  const shown = await customer.getByLabel('Month', { exact: true }).inputValue();
  expect(shown, 'the month the statement is for').toMatch(/^\d{4}-\d{2}$/);
  await expect(customer.getByTestId('statement')).toContainText(`Month ${shown}`);
  await expect(customer.getByTestId('issued')).toHaveText('10:00 h');
  await expect(customer.getByTestId('redeemed')).toHaveText('1:30 h');
  await expect(customer.getByTestId('refunded')).toHaveText('1:30 h');
  await expect(customer.getByTestId('closing')).toHaveText('10:00 h');
});
