import { expect, signIn, test } from './helpers';

test('an account manager opens a deployment project and moves it; the client superuser follows the timeline', async ({ browser }) => {
  const name = `Sydney contact centre ${Date.now()}`;
  const manager = await browser.newPage();
  await signIn(manager, 'manager@cytrack.test');
  await manager.goto('/accounts');
  await manager.getByRole('link', { name: 'Acme Contact Centres' }).click();
  await expect(manager.getByRole('heading', { name: 'Acme Contact Centres' })).toBeVisible();
  await manager.getByLabel('New project').fill(name);
  await manager.getByRole('button', { name: 'Open the project' }).click();

  // The project opens at its first stage; moving it takes it to the next, and only the next.
  await expect(manager.getByRole('heading', { name })).toBeVisible();
  const stages = manager.getByTestId('stages');
  await expect(stages.locator('li.current')).toContainText('Stakeholders');
  await manager.getByRole('button', { name: 'Move to Pre-install' }).click();
  await expect(stages.locator('li.current')).toContainText('Pre-install');
  await expect(stages.locator('li.done')).toContainText('Stakeholders');
  await expect(stages.locator('li.done')).toContainText('Morgan Manager');
  await expect(manager.getByRole('button', { name: 'Move to Installation' })).toBeVisible();

  // Acme's superuser follows it from their own page, and was told of each step; they cannot move it.
  const sam = await browser.newPage();
  await signIn(sam, 'sam@acme.test');
  await sam.getByRole('link', { name: 'Deployment' }).click();
  await sam.getByRole('link', { name }).click();
  await expect(sam.getByTestId('stages').locator('li.current')).toContainText('Pre-install');
  await expect(sam.getByRole('button', { name: /Move to/ })).toHaveCount(0);
  await sam.goto('/notifications');
  await expect(sam.locator('li.notification', { hasText: `${name}: now at Pre-install` })).toBeVisible();
});
