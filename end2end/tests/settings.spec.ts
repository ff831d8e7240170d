import { expect, signIn, test } from './helpers';

test('an admin edits business hours on the settings page', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill('admin@cytrack.test');
  await page.getByLabel('Password').fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: /^Hello,/ })).toBeVisible();
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByLabel('Monday opens')).toHaveValue('08:30');
  await expect(page.getByLabel('Time zone')).toHaveValue('Australia/Sydney');
  await expect(async () => {
    await page.getByLabel(/Public holidays/).fill('2031-01-01');
    // Melbourne keeps Sydney's offsets and daylight saving, so journeys running beside this one
    // quote the same times.
    await page.getByLabel('Time zone').selectOption('Australia/Melbourne');
    await page.getByRole('button', { name: 'Save business hours' }).click();
    await expect(page.getByRole('status')).toHaveText('Saved.', { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await page.reload();
  await expect(page.getByLabel(/Public holidays/)).toHaveValue('2031-01-01');
  await expect(page.getByLabel('Time zone')).toHaveValue('Australia/Melbourne');
});

test('an admin adds a module to the catalogue and an account manager deploys it', async ({ browser }) => {
  const module = `Voice recording ${Date.now()}`;
  const admin = await browser.newPage();
  await signIn(admin, 'admin@cytrack.test');
  await admin.goto('/settings');
  const catalogue = admin.getByLabel('Module catalogue');
  await expect(catalogue).toHaveValue(/CyChat/);
  const text = await catalogue.inputValue();
  await catalogue.fill(`${text}\n\n${module}\n- 200 GB of storage per year\n- Call recording licences`);
  await admin.getByRole('button', { name: 'Save the catalogue' }).click();
  await expect(async () => {
    await admin.reload();
    await expect(admin.getByLabel('Module catalogue')).toHaveValue(new RegExp(`${module}\\n- 200 GB of storage per year`), { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  // A module without a requirement is refused, and the catalogue stays as saved.
  await admin.getByLabel('Module catalogue').fill('Lonely module');
  await admin.getByRole('button', { name: 'Save the catalogue' }).click();
  await expect(admin.getByRole('alert')).toContainText('List at least one requirement of Lonely module');

  const manager = await browser.newPage();
  await signIn(manager, 'manager@cytrack.test');
  await manager.goto('/accounts');
  await manager.getByRole('link', { name: 'Borealis Telecom' }).click();
  await manager.getByLabel('New project').fill(`Recording ${Date.now()}`);
  await manager.getByLabel(module).check();
  await manager.getByRole('button', { name: 'Open the project' }).click();
  await expect(manager.locator('#pre-install')).toContainText('200 GB of storage per year');
});

test('an admin adds a queue for chat faults, reads where tickets will land, and moves it last', async ({ browser }) => {
  const admin = await browser.newPage();
  await signIn(admin, 'admin@cytrack.test');
  await admin.goto('/settings');
  const queues = admin.locator('#queues');
  const routing = admin.getByTestId('routing');
  const cell = (kind: string, tag: string) => routing.locator(`tr[data-kind="${kind}"] td[data-tag="${tag}"]`);
  await expect(cell('fault', 'billable')).toHaveText('Service Desk');
  await expect(cell('macs', 'billable')).toHaveText('MACS and Changes');

  const name = `Chat faults ${Date.now()}`;
  const added = queues.locator('form.queue-rule').last();
  await added.getByLabel('Name').fill(name);
  await added.getByLabel('Position').fill('3');
  await added.getByLabel('Kinds').selectOption(['fault']);
  await added.getByLabel('Products').selectOption(['cychat']);
  await added.getByRole('button', { name: 'Add queue' }).click();
  const saved = queues.locator(`form.queue-rule[data-queue="${name}"]`);
  await expect(saved).toBeVisible();

  // For a CyChat ticket a fault now lands in the new queue; without a product, as before.
  await expect(async () => {
    await admin.getByLabel('Product', { exact: true }).selectOption('cychat');
    await expect(cell('fault', 'billable')).toHaveText(name, { timeout: 1000 });
  }).toPass();
  await expect(cell('question', 'billable')).toHaveText('Service Desk');
  await admin.getByLabel('Product', { exact: true }).selectOption('');
  await expect(cell('fault', 'billable')).toHaveText('Service Desk');

  // Moved after the catch-all, it takes nothing; the audit log has both changes.
  await saved.getByLabel('Position').fill('9');
  await saved.getByRole('button', { name: 'Save queue' }).click();
  await expect(async () => {
    await admin.getByLabel('Product', { exact: true }).selectOption('cychat');
    await expect(cell('fault', 'billable')).toHaveText('Service Desk', { timeout: 1000 });
  }).toPass();
  await admin.goto('/audit?kind=queue_changed');
  await expect(admin.locator('tr[data-kind="queue_changed"]', { hasText: name })).toBeVisible();
});
