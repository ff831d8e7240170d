import { expect, signIn, test } from './helpers';


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
  // Words are found by their start, as an agent types them.
  await agent.getByPlaceholder('Search').fill('wallb froz');
  await agent.getByRole('button', { name: 'Apply', exact: true }).click();
  const row = agent.locator('tr', { hasText: subject });
  await expect(row).toBeVisible();
  // The same search, recently updated first (the matches are read first, then sorted).
  await agent.getByLabel('Sort').selectOption('updated');
  await agent.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect(agent).toHaveURL(/sort=updated/);
  await expect(row).toBeVisible();
  await row.getByRole('button', { name: 'Claim' }).click();
  await expect(agent).toHaveURL(ticketUrl);
  await expect(agent.locator('dd', { hasText: 'Alex Agent' })).toBeVisible();

  // An internal note, then a public reply. The form is live (hydrated) once ticking
  // "Internal note" tints it as a note.
  const internal = agent.getByLabel(/Internal note/);
  const body = agent.getByLabel('Reply or note');
  await expect(async () => {
    await internal.uncheck();
    await internal.check();
    await expect(agent.locator('form.reply')).toHaveClass(/internal/, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await body.fill('Probably the overnight job again.');
  await agent.getByRole('button', { name: 'Send' }).click();
  await expect(agent.locator('.comment.internal')).toContainText('overnight job');
  // The form empties and stays a note until the agent unticks it.
  await expect(body).toHaveValue('');
  await expect(internal).toBeChecked();
  await expect(agent.locator('form.reply')).toHaveClass(/internal/);
  await internal.uncheck();
  // What is typed survives the ticket being read again after another change.
  const answer = 'We restarted the wallboard service; please check now.';
  await body.fill(answer);
  await agent.getByLabel('Priority').selectOption('p2');
  await agent.getByRole('button', { name: 'Update ticket' }).click();
  await expect(agent.locator('.ticket-head .chip.priority-p2')).toBeVisible();
  await expect(body).toHaveValue(answer);
  await expect(internal).not.toBeChecked();
  await agent.getByRole('button', { name: 'Send' }).click();
  await expect(agent.locator('.comment:not(.internal)').last()).toContainText('restarted');

  await customer.reload();
  await expect(customer.locator('.comment').last()).toContainText('We restarted the wallboard service');
  await expect(customer.getByText('overnight job')).toHaveCount(0);
  await expect(customer.locator('.chip.status-open')).toBeVisible();
});

test('an agent ticks two tickets in the queue view and assigns and parks them in one go', async ({ browser }) => {
  const stamp = `bulk${Date.now()}`;
  const customer = await browser.newPage();
  await signIn(customer, 'casey@acme.test');
  for (const what of ['Headset crackles', 'Softphone drops']) {
    await customer.goto('/tickets/new');
    await customer.getByLabel('Subject').fill(`${what} ${stamp}`);
    await customer.getByLabel('Description').fill('Since this morning.');
    await customer.getByRole('button', { name: 'Raise ticket' }).click();
    await expect(customer.getByRole('heading', { name: `${what} ${stamp}` })).toBeVisible();
  }

  const agent = await browser.newPage();
  await signIn(agent, 'agent@cytrack.test');
  await agent.goto('/queues');
  await agent.getByPlaceholder('Search').fill(stamp);
  await agent.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect(agent.getByTestId('queue-total')).toHaveText('2 tickets');
  // Ticking needs the hydrated page: retry until the bar counts the selection.
  const boxes = agent.getByRole('checkbox', { name: /^Select CT-/ });
  await expect(async () => {
    for (const box of await boxes.all()) {
      await box.uncheck();
      await box.check();
    }
    await expect(agent.getByTestId('bulk')).toContainText('2 selected', { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await agent.getByLabel('Assign selected to').selectOption({ label: 'Alex Agent' });
  await agent.getByLabel('Set status of selected').selectOption('on_hold');
  await agent.getByRole('button', { name: 'Apply to selected' }).click();
  await expect(agent.getByTestId('bulk')).toContainText('Updated 2.');
  for (const what of ['Headset crackles', 'Softphone drops']) {
    const row = agent.locator('tr', { hasText: `${what} ${stamp}` });
    await expect(row).toContainText('Alex Agent');
    await expect(row.locator('.chip.status-on_hold')).toBeVisible();
  }
});

test('an agent works the queue from the keyboard: moves, opens, replies', async ({ browser }) => {
  const agent = await browser.newPage();
  await signIn(agent, 'agent@cytrack.test');
  await agent.goto('/queues');
  await expect(agent.getByTestId('shortcuts')).toContainText('assign to me');
  const rows = agent.locator('table.queue tbody tr');
  await expect(rows.first()).toBeVisible();
  // Keys need the hydrated page: press until the current row moves.
  // From the top each time (k three times, then j), so a press that landed late cannot carry the
  // cursor past the second row.
  await expect(async () => {
    for (const key of ['k', 'k', 'k', 'j']) await agent.locator('body').press(key);
    await expect(rows.nth(1)).toHaveClass(/current/, { timeout: 1000 });
  }).toPass();
  await agent.locator('body').press('k');
  await expect(rows.nth(0)).toHaveClass(/current/);
  const href = await rows.nth(0).locator('a.mono').getAttribute('href');
  await agent.locator('body').press('r');
  await expect(agent).toHaveURL(new RegExp(`${href}#reply$`));
  await expect(agent.locator('#reply')).toBeFocused();
  await agent.goBack();
  await expect(rows.first()).toBeVisible();
  // Back on the queue, the page hydrates again before its keys work; "o" only ever opens the first row.
  await expect(async () => {
    for (const key of ['k', 'k', 'k', 'o']) await agent.locator('body').press(key);
    await expect(agent).toHaveURL(new RegExp(`${href}$`), { timeout: 2000 });
  }).toPass();
});
