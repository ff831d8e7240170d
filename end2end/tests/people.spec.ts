import { expect, mailedLink, signIn, test } from './helpers';

test('an admin adds, promotes, disables and re-enables a staff member, and reads it back in the audit log', async ({ browser }) => {
  const admin = await browser.newPage();
  await signIn(admin, 'admin@cytrack.test');
  await admin.getByRole('link', { name: 'People' }).click();
  await expect(admin.getByRole('heading', { name: 'People', exact: true })).toBeVisible();

  const email = `riley-${Date.now()}@cytrack.test`;
  const add = admin.locator('#add-staff');
  await add.getByLabel('Name').fill('Riley Rookie');
  await add.getByLabel('E-mail').fill(email);
  await add.getByLabel('Role').selectOption('agent');
  await add.getByLabel('First password').fill('a-first-passphrase');
  await add.getByRole('button', { name: 'Add staff member' }).click();
  const riley = admin.locator(`tr[data-email="${email}"]`);
  const role = riley.locator('td').nth(2);
  await expect(role).toHaveText('Support agent');

  await riley.getByLabel('Role of Riley Rookie').selectOption('account_manager');
  await riley.getByRole('button', { name: 'Change role' }).click();
  await expect(role).toHaveText('Account manager');
  await riley.getByRole('button', { name: 'Disable' }).click();
  await expect(riley.locator('.chip')).toHaveText('disabled');
  await riley.getByRole('button', { name: 'Re-enable' }).click();
  await expect(riley.locator('.chip')).toHaveText('active');
  // Nobody acts on their own account from here.
  await expect(admin.locator('tr[data-email="admin@cytrack.test"] button')).toHaveCount(0);

  // Every step is in the audit log, searchable by kind, kept in the address, downloadable.
  await admin.getByRole('link', { name: 'Audit log' }).click();
  await expect(admin.locator('tr[data-kind="staff_created"]', { hasText: 'Riley Rookie' })).toBeVisible();
  await admin.getByLabel('What').selectOption('role_changed');
  await admin.getByRole('button', { name: 'Search' }).click();
  await expect(admin).toHaveURL(/kind=role_changed/);
  await expect(admin.locator('tr[data-kind="role_changed"]', { hasText: 'Riley Rookie' })).toBeVisible();
  await expect(admin.locator('tr[data-kind="account_disabled"]')).toHaveCount(0);
  await admin.goto('/audit?kind=account_disabled');
  await expect(admin.locator('tr[data-kind="account_disabled"]', { hasText: 'Riley Rookie' })).toBeVisible();
  const [download] = await Promise.all([
    admin.waitForEvent('download'),
    admin.getByRole('link', { name: 'Download CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('audit-log.csv');
  expect(require('node:fs').readFileSync((await download.path())!, 'utf8')).toContain('Riley Rookie');

  // An account manager reads one organisation's entries, and is asked to choose one.
  const manager = await browser.newPage();
  await signIn(manager, 'manager@cytrack.test');
  await manager.getByRole('link', { name: 'Audit log' }).click();
  await expect(manager.getByRole('alert')).toContainText('Choose an organisation');
  await manager.locator('select[name="organization_id"]').selectOption({ label: 'Acme Contact Centres' });
  await manager.getByRole('button', { name: 'Search' }).click();
  await expect(manager.locator('tr[data-kind="organization_created"]', { hasText: 'Acme Contact Centres' })).toBeVisible();

  // The manager gives Borealis an e-mail domain from its account page; the log shows the edit.
  await manager.getByRole('link', { name: 'Accounts' }).click();
  await manager.getByRole('link', { name: 'Borealis Telecom' }).click();
  const organisation = manager.locator('#organisation');
  await organisation.getByLabel('E-mail domains').fill('borealis-telecom.test');
  await organisation.getByRole('button', { name: 'Save the organisation' }).click();
  await expect(manager.locator('.hero')).toContainText('borealis-telecom.test');
  await organisation.getByRole('link', { name: 'Its audit log' }).click();
  await expect(manager.locator('tr[data-kind="organization_changed"]')).toContainText('borealis-telecom.test');
});

test("a client's superuser manages the organisation's people; a plain customer may not", async ({ browser }) => {
  const casey = await browser.newPage();
  await signIn(casey, 'casey@acme.test');
  await casey.goto('/people');
  await expect(casey.getByRole('alert')).toContainText('superusers manage its people');

  const sam = await browser.newPage();
  await signIn(sam, 'sam@acme.test');
  await sam.getByRole('link', { name: 'People' }).click();
  await expect(sam.getByRole('heading', { name: "Your organisation's people" })).toBeVisible();
  await expect(sam.locator('tr[data-email="blair@borealis.test"]')).toHaveCount(0);
  const row = sam.locator('tr[data-email="casey@acme.test"]');
  await row.getByRole('button', { name: 'Make superuser' }).click();
  await expect(row.locator('td').nth(2)).toHaveText('Superuser');
  await row.getByRole('button', { name: 'Remove superuser' }).click();
  await expect(row.locator('td').nth(2)).toHaveText('Customer');
  await row.getByRole('button', { name: 'Disable' }).click();
  await expect(row.locator('.chip')).toHaveText('disabled');
  await row.getByRole('button', { name: 'Re-enable' }).click();
  await expect(row.locator('.chip')).toHaveText('active');

  // Sam invites a colleague, who chooses a password from the mailed link and signs in.
  const email = `robin.${Date.now()}@acme.test`;
  const invite = sam.locator('#invite');
  await invite.getByLabel('Name').fill('Robin Newhire');
  await invite.getByLabel('E-mail').fill(email);
  await invite.getByRole('button', { name: 'Send the invitation' }).click();
  await expect(sam.locator(`tr[data-email="${email}"] .chip`)).toHaveText('invited');
  const robin = await browser.newPage();
  await robin.goto(await mailedLink(email, '/accept-invitation'));
  await expect(robin.getByRole('heading', { name: 'Welcome to CyTrack Support' })).toBeVisible();
  await robin.getByLabel('Your password').fill('robin chose this passphrase');
  await robin.getByRole('button', { name: 'Set my password' }).click();
  await expect(robin).toHaveURL(/\/login\?welcome=1$/);
  await signIn(robin, email, 'robin chose this passphrase');
  await robin.goto('/tickets');
  await expect(robin.getByRole('heading', { name: 'My tickets' })).toBeVisible();
  await sam.reload();
  await expect(sam.locator(`tr[data-email="${email}"] .chip`)).toHaveText('active');
});
