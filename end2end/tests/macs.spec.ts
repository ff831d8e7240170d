import { expect, signIn, test } from './helpers';

test('an account manager prices a MACS item; a client orders it, the superuser approves, an agent completes; a quote is asked for and declined', async ({ browser }) => {
  const stamp = Date.now();
  const item = `Add a call-back option ${stamp}`;

  const manager = await browser.newPage();
  await signIn(manager, 'manager@cytrack.test');
  await manager.goto('/macs');
  const add = manager.locator('section.card', { has: manager.getByRole('heading', { name: 'Add an item' }) });
  await add.getByLabel('Name').fill(item);
  await add.getByLabel('Price (minutes)').fill('50');
  await add.getByLabel('Lead time (business days)').fill('2');
  await add.getByLabel('Description').fill('Callers may leave a number instead of waiting.');
  await add.getByRole('button', { name: 'Add to the catalogue' }).click();
  await expect(manager.getByTestId('catalogue')).toContainText(item);

  // Casey orders it; she may cancel her order but not approve the spend.
  const casey = await browser.newPage();
  await signIn(casey, 'casey@acme.test');
  await casey.goto('/macs');
  await expect(casey.getByTestId('catalogue')).toContainText(item);
  await casey.getByLabel('Item').selectOption({ label: `${item} · 0:50 h` });
  await casey.getByLabel('Details for the engineer').fill('On the Sales queue, after two minutes.');
  await casey.getByRole('button', { name: 'Order', exact: true }).click();
  const mine = casey.locator('article[data-testid="order"]', { hasText: item });
  await expect(mine).toHaveAttribute('data-status', 'quoted');
  await expect(mine.getByTestId('price')).toHaveText('0:50 h');
  await expect(mine.getByRole('button', { name: 'Approve' })).toHaveCount(0);
  await expect(mine.getByRole('button', { name: 'Cancel order' })).toBeVisible();

  // Sam approves: the price is reserved for MACS work on the vouchers page.
  const sam = await browser.newPage();
  await signIn(sam, 'sam@acme.test');
  await sam.goto('/macs');
  const order = sam.locator('article[data-testid="order"]', { hasText: item });
  await order.getByRole('button', { name: 'Approve' }).click();
  await expect(sam.locator('article[data-testid="order"]', { hasText: item })).toHaveAttribute('data-status', 'approved');
  await expect(sam.locator('article[data-testid="order"]', { hasText: item })).toContainText('due');
  await sam.goto('/vouchers');
  await expect(sam.locator('.stats')).toContainText('0:50 h MACS orders');

  // The agent completes it at the approved price.
  const agent = await browser.newPage();
  await signIn(agent, 'agent@cytrack.test');
  await agent.goto('/macs?status=approved');
  const approved = agent.locator('article[data-testid="order"]', { hasText: item });
  await expect(approved.getByRole('button', { name: 'Approve' })).toHaveCount(0);
  await approved.getByRole('button', { name: 'Complete' }).click();
  await agent.goto('/macs?status=completed');
  await expect(agent.locator('article[data-testid="order"]', { hasText: item })).toContainText('0:50 h charged');
  await sam.goto('/vouchers');
  await expect(sam.locator('.stats')).toContainText('0:00 h MACS orders');
  await expect(sam.getByTestId('ledger')).toContainText('a MACS order completed');

  // Outside the catalogue: Casey asks, the agent quotes, Sam declines.
  const wish = `Whisper announcement for VIP callers ${stamp}`;
  await casey.goto('/macs');
  const ask = casey.locator('section.card', { has: casey.getByRole('heading', { name: 'Ask for a quote' }) });
  await ask.getByLabel('What you need').fill(wish);
  await ask.getByLabel('Details').fill('Agents hear "VIP" before the call connects.');
  await ask.getByRole('button', { name: 'Ask for a quote' }).click();
  await expect(casey.locator('article[data-testid="order"]', { hasText: wish })).toHaveAttribute('data-status', 'quote_requested');

  await agent.goto('/macs?status=quote_requested');
  const asked = agent.locator('article[data-testid="order"]', { hasText: wish });
  await asked.getByLabel('Quoted minutes').fill('90');
  await asked.getByLabel('Note for the client').fill('Includes recording the whisper.');
  await asked.getByRole('button', { name: 'Send quote' }).click();
  await expect(agent.locator('article[data-testid="order"]', { hasText: wish })).toHaveAttribute('data-status', 'quoted');

  await sam.goto('/macs?status=quoted');
  const quoted = sam.locator('article[data-testid="order"]', { hasText: wish });
  await expect(quoted).toContainText('Includes recording the whisper.');
  await expect(quoted.getByTestId('price')).toHaveText('1:30 h');
  await quoted.getByLabel('Reason to decline').fill('Not this quarter.');
  await quoted.getByRole('button', { name: 'Decline' }).click();
  await sam.goto('/macs?status=declined');
  await expect(sam.locator('article[data-testid="order"]', { hasText: wish })).toContainText('Declined: Not this quarter.');
});
