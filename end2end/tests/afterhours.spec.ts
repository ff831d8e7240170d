import { expect, signIn, test } from './helpers';


/** A Saturday at least eight days away, as YYYY-MM-DD. */
function saturday(): string {
  for (let days = 8; days < 15; days++) {
    const d = new Date(Date.now() + days * 86_400_000);
    if (d.getUTCDay() === 6) return d.toISOString().slice(0, 10);
  }
  throw new Error('no Saturday');
}

test('book a Saturday window, see the quote, approve, schedule and complete it', async ({ browser }) => {
  const day = saturday();
  const sam = await browser.newPage();
  await signIn(sam, 'sam@acme.test');
  await sam.goto('/vouchers');
  const before = await sam.getByTestId('available').textContent();

  await sam.goto('/after-hours');
  // The quote is computed in the browser as the window changes (once the WASM has hydrated).
  await expect(async () => {
    await sam.getByLabel('Starts').fill(`${day}T09:00`);
    await sam.getByLabel('Ends').fill(`${day}T12:00`);
    await expect(sam.getByTestId('quote')).toContainText('360 voucher minutes', { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(sam.getByTestId('quote').locator('svg.week')).toBeVisible();
  await sam.getByLabel('Ends').fill(`${day}T10:30`);
  await expect(sam.getByTestId('quote')).toContainText('180 voucher minutes');
  await sam.getByLabel('What is to be done').fill('Apply the IVR upgrade while the floor is closed.');
  await sam.getByLabel('Contact for the night').fill('Sam');
  await sam.getByLabel('Their phone').fill('+61 400 111 222');
  await sam.getByRole('button', { name: 'Request booking' }).click();

  const booking = sam.locator('article.booking').first();
  await expect(booking).toHaveAttribute('data-status', 'requested');
  await expect(booking).toContainText('quote 180 min');
  await booking.getByRole('button', { name: 'Approve' }).click();
  await expect(sam.locator('article.booking').first()).toHaveAttribute('data-status', 'approved');
  await sam.goto('/vouchers');
  await expect(sam.locator('.stats')).toContainText('3:00 h');
  expect(await sam.getByTestId('available').textContent()).not.toBe(before);

  // Staff see every client's bookings (the demo's year has some in every state): this one's.
  const ours = 'Apply the IVR upgrade while the floor is closed.';
  const manager = await browser.newPage();
  await signIn(manager, 'manager@cytrack.test');
  await manager.goto('/after-hours');
  const approved = manager.locator('article.booking[data-status="approved"]').filter({ hasText: ours });
  await approved.getByLabel('Engineer').selectOption({ label: 'Alex Agent' });
  await approved.getByRole('button', { name: 'Schedule' }).click();
  await expect(manager.locator('article.booking[data-status="scheduled"]').filter({ hasText: ours })).toContainText('engineer Alex Agent');

  const agent = await browser.newPage();
  await signIn(agent, 'agent@cytrack.test');
  await agent.goto('/after-hours');
  const scheduled = agent.locator('article.booking[data-status="scheduled"]').filter({ hasText: ours });
  // An agent records the time worked but may not cancel: no button the server would refuse.
  await expect(scheduled.getByRole('button', { name: 'Complete' })).toBeVisible();
  await expect(scheduled.getByRole('button', { name: 'Cancel' })).toHaveCount(0);
  await scheduled.getByLabel('Minutes worked').fill('60');
  await scheduled.getByRole('button', { name: 'Complete' }).click();
  await expect(agent.locator('article.booking[data-status="completed"]').filter({ hasText: ours })).toContainText('60 min worked');

  await sam.goto('/vouchers');
  await expect(sam.locator('.stats')).toContainText('0:00 h');
  await expect(sam.getByTestId('ledger')).toContainText('after-hours work completed');
});
