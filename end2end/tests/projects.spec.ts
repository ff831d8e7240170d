import { expect, signIn, test } from './helpers';

test('a deployment project: the superuser submits the Stakeholders form, the manager accepts it and moves the project on', async ({ browser }) => {
  const name = `Sydney contact centre ${Date.now()}`;
  const manager = await browser.newPage();
  await signIn(manager, 'manager@cytrack.test');
  await manager.goto('/accounts');
  await manager.getByRole('link', { name: 'Acme Contact Centres' }).click();
  await expect(manager.getByRole('heading', { name: 'Acme Contact Centres' })).toBeVisible();
  await manager.getByLabel('New project').fill(name);
  await manager.getByRole('button', { name: 'Open the project' }).click();

  // The project opens at its first stage, which waits for the Stakeholders form.
  await expect(manager.getByRole('heading', { name })).toBeVisible();
  const projectUrl = manager.url();
  const stages = manager.getByTestId('stages');
  await expect(stages.locator('li.current')).toContainText('Stakeholders');
  await manager.getByRole('button', { name: 'Move to Pre-install' }).click();
  await expect(manager.getByRole('alert')).toContainText('Stakeholders form is not accepted yet');

  // Acme's superuser was told, finds the project, and fills in the form (as its trainer).
  const sam = await browser.newPage();
  await signIn(sam, 'sam@acme.test');
  await sam.goto('/notifications');
  await expect(sam.locator('li.notification', { hasText: `Deployment project opened: ${name}` })).toBeVisible();
  await sam.getByRole('link', { name: 'Deployment', exact: true }).click();
  await sam.getByRole('link', { name }).click();
  const form = sam.locator('form.stakeholders');
  const row = (legend: string) => form.locator('fieldset', { hasText: legend });
  await row('Project sponsor').getByLabel('Name').fill('Pat Sponsor');
  await row('Project sponsor').getByLabel('E-mail').fill('pat.sponsor@acme.test');
  await row('IT contact').getByLabel('Name').fill('Ivy Systems');
  await row('IT contact').getByLabel('E-mail').fill('ivy@acme.test');
  await row('Trainer').getByLabel('Name').fill('Sam Superuser');
  await row('Trainer').getByLabel('E-mail').fill('sam@acme.test');
  await sam.getByRole('button', { name: 'Submit the Stakeholders form' }).click();
  await expect(sam.getByTestId('stakeholders-status')).toHaveText('Submitted');

  // The manager returns it once with what to mend; Sam adds the billing contact and submits again.
  await manager.goto(projectUrl);
  await expect(manager.locator('#stakeholders')).toContainText('Ivy Systems');
  await manager.locator('#stakeholders').getByLabel('What to mend').fill('Add a billing contact.');
  await manager.getByRole('button', { name: 'Return it' }).click();
  await expect(manager.getByTestId('stakeholders-status')).toHaveText('Returned for changes');
  await sam.reload();
  await expect(sam.locator('#stakeholders')).toContainText('Returned: Add a billing contact.');
  await expect(row('IT contact').getByLabel('Name')).toHaveValue('Ivy Systems');
  await row('Billing contact').getByLabel('Name').fill('Bea Billing');
  await row('Billing contact').getByLabel('E-mail').fill('bea@acme.test');
  await sam.getByRole('button', { name: 'Submit the Stakeholders form' }).click();
  await expect(sam.getByTestId('stakeholders-status')).toHaveText('Submitted');

  // The manager accepts it and moves the project on; the superuser follows the timeline.
  await manager.reload();
  await expect(manager.locator('#stakeholders')).toContainText('Bea Billing');
  await manager.getByRole('button', { name: 'Accept the form' }).click();
  await expect(manager.getByTestId('stakeholders-status')).toHaveText('Accepted');
  await manager.getByRole('button', { name: 'Move to Pre-install' }).click();
  await expect(stages.locator('li.current')).toContainText('Pre-install');
  await expect(stages.locator('li.done')).toContainText('Morgan Manager');

  // Testing waits for the superuser's training, which the manager records at the Training stage.
  await manager.getByRole('button', { name: 'Move to Installation' }).click();
  await manager.getByRole('button', { name: 'Move to Training' }).click();
  await expect(stages.locator('li.current')).toContainText('Training');
  await manager.getByRole('button', { name: 'Move to Testing (UAT)' }).click();
  await expect(manager.getByRole('alert')).toContainText("Record the superuser's training first");
  const training = manager.locator('#training');
  await training.getByLabel('Held on').fill('2026-12-01');
  await training.getByLabel('Trainer').fill('Tess Trainer');
  await training.getByLabel(/Attended/).fill('Sam Superuser\nCasey Customer');
  await training.getByLabel('The superuser was trained').check();
  await training.getByRole('button', { name: 'Record the session' }).click();
  await expect(training.locator('tbody tr')).toContainText('Sam Superuser, Casey Customer');
  await manager.getByRole('button', { name: 'Move to Testing (UAT)' }).click();
  await expect(stages.locator('li.current')).toContainText('Testing (UAT)');

  // UAT: the manager lists a test; Sam fails it (a ticket is raised), then it passes; go-live follows.
  const uat = manager.locator('#uat');
  for (const title of ['Calls reach queue 1', 'After-hours message plays']) {
    await uat.getByLabel('Something to test').fill(title);
    await uat.getByRole('button', { name: 'Add the test' }).click();
    await expect(uat.locator(`tr[data-item="${title}"]`)).toContainText('Not tested yet');
  }
  // The after-hours service starts later: the manager waives its test, with the reason.
  const waived = uat.locator('tr[data-item="After-hours message plays"]');
  await waived.getByLabel('Why waive it').fill('No after-hours service until March.');
  await waived.getByRole('button', { name: 'Waive' }).click();
  await expect(waived.locator('.chip')).toHaveText('Waived');
  await expect(waived).toContainText('No after-hours service until March.');
  await sam.reload();
  const test = sam.locator('#uat tr[data-item="Calls reach queue 1"]');
  await test.getByLabel('What went wrong').fill('Calls drop after the greeting.');
  await test.getByRole('button', { name: 'Failed' }).click();
  await expect(test).toContainText('Failed');
  await expect(test.getByRole('link', { name: /CT-\d{6}/ })).toBeVisible();
  await test.getByRole('button', { name: 'Passed' }).click();
  await expect(test.locator('.chip')).toHaveText('Passed');
  await manager.reload();
  await manager.getByRole('button', { name: 'Move to Go-live' }).click();
  await expect(stages.locator('li.current')).toContainText('Go-live');

  await sam.reload();
  await expect(sam.getByTestId('stages').locator('li.current')).toContainText('Go-live');
  await expect(sam.locator('#training')).toContainText('Tess Trainer');
  await expect(sam.getByRole('button', { name: /Move to/ })).toHaveCount(0);
  await expect(sam.locator('form.stakeholders')).toHaveCount(0);
});
