import { APIRequestContext } from '@playwright/test';
import { expect, PASSWORD, signIn, test } from './helpers';

/** Today in the support time zone (the demo's calendar: Sydney), as a date input takes it. */
const supportToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Australia/Sydney' }).format(new Date());

/** Runs the portal's hourly reminders as of `days` from now (PORTAL_TEST_CLOCK; nobody sleeps). */
async function runJobsAhead(request: APIRequestContext, days: number) {
  const res = await request.post('/api/v1/test/run-jobs', { data: { days_ahead: days } });
  expect(res.ok(), await res.text()).toBeTruthy();
  return (await res.json()).told as number;
}

test('a deployment project end to end: every form filled, signed and accepted in the browser by both sides', async ({ browser }, testInfo) => {
  // The whole procedure, both sides, in one journey: about seventy steps on a debug build took
  // close to the default minute on a busy machine. A longer allowance, not a timed assertion.
  testInfo.slow();
  const name = `Sydney contact centre ${Date.now()}`;
  const manager = await browser.newPage();
  await signIn(manager, 'manager@cytrack.test');
  await manager.goto('/accounts');
  await manager.getByRole('link', { name: 'Acme Contact Centres' }).click();
  await expect(manager.getByRole('heading', { name: 'Acme Contact Centres' })).toBeVisible();
  await manager.getByLabel('New project').fill(name);
  await manager.getByLabel('CyChat').check();
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

  // Pre-install: Sam acknowledges CyChat's requirements and gives the site; the manager accepts.
  await manager.getByRole('button', { name: 'Move to Installation' }).click();
  await expect(manager.getByRole('alert')).toContainText('Pre-install form is not accepted yet');
  await sam.reload();
  const preInstall = sam.locator('form.pre-install');
  await expect(preInstall.locator('fieldset', { hasText: 'CyChat' })).toBeVisible();
  for (const box of await preInstall.getByRole('checkbox').all()) await box.check();
  await preInstall.getByLabel('Site address').fill('Level 3, 1 George St, Sydney');
  await preInstall.getByLabel('Site contact').fill('Ivy Systems');
  await preInstall.getByLabel('Contact phone').fill('+61 2 9000 0002');
  await sam.getByRole('button', { name: 'Submit the Pre-install form' }).click();
  await expect(sam.getByTestId('pre-install-status')).toHaveText('Submitted');
  await manager.reload();
  await expect(manager.locator('#pre-install')).toContainText('Level 3, 1 George St, Sydney');
  await manager.getByRole('button', { name: 'Accept the Pre-install form' }).click();
  await expect(manager.getByTestId('pre-install-status')).toHaveText('Accepted');

  // Installation: two queues beyond the four agreed are flagged as an additional fee.
  await manager.getByRole('button', { name: 'Move to Installation' }).click();
  await expect(stages.locator('li.current')).toContainText('Installation');
  await manager.getByRole('button', { name: 'Move to Training' }).click();
  await expect(manager.getByRole('alert')).toContainText('Record what was installed');
  await manager.getByLabel('Queues agreed').fill('4');
  await manager.getByLabel('Queues installed').fill('6');
  await manager.getByLabel('Reports agreed').fill('3');
  await manager.getByLabel('Reports installed').fill('3');
  await manager.getByRole('button', { name: 'Record the installation' }).click();
  await expect(manager.getByTestId('inclusions').locator('tr[data-item="queues"]')).toContainText('2 additional fee');

  // Testing waits for the superuser's training, which the manager records at the Training stage.
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

  // Go-live waits for its commercial condition; once the manager marks it fulfilled, Sam signs.
  const goLive = manager.locator('#go-live');
  await goLive.getByLabel('New condition').fill('Deposit invoice paid');
  await goLive.getByRole('button', { name: 'Add the condition' }).click();
  await expect(goLive.locator('li[data-condition="Deposit invoice paid"]')).toContainText('not fulfilled yet');
  await sam.reload();
  await expect(sam.locator('#go-live')).toContainText('You can sign once CyTrack has marked every condition fulfilled.');
  await expect(sam.getByRole('button', { name: 'Sign the Go-Live form' })).toHaveCount(0);
  await goLive.getByRole('button', { name: 'Mark fulfilled' }).click();
  await expect(goLive.locator('li[data-condition="Deposit invoice paid"]')).toContainText('fulfilled');
  await sam.reload();
  await sam.locator('#go-live').getByLabel('Type your full name to sign').fill('Sam Superuser');
  await sam.getByRole('button', { name: 'Sign the Go-Live form' }).click();
  await expect(sam.getByTestId('go-live-status')).toHaveText('Signed');
  await expect(sam.getByTestId('stages').locator('li.current')).toContainText('Warranty');
  await expect(sam.getByTestId('completion-status')).toHaveText('Not issued yet');

  // A week later (the clock moves; nobody waits) the Deployment Completion form is issued.
  expect(await runJobsAhead(sam.request, 7)).toBeGreaterThan(0);
  await sam.goto('/notifications');
  await sam.getByRole('button', { name: 'Your Deployment Completion form is issued' }).first().click();
  await expect(sam.getByTestId('completion-status')).toHaveText('Issued, awaiting signature');

  // Sam lists an outstanding issue, raised from the form, and signs.
  const completion = sam.locator('#completion');
  await completion.getByLabel('New issue').fill('Wallboard colours');
  await completion.getByLabel('Describe it').fill('Queue 3 shows red when idle.');
  await completion.getByRole('button', { name: 'Raise and list it' }).click();
  await expect(completion.getByTestId('outstanding')).toContainText('Wallboard colours');
  await expect(completion.getByTestId('outstanding').getByRole('link', { name: /CT-\d{6}/ })).toBeVisible();
  await completion.getByLabel('Type your full name to sign').fill('Sam Superuser');
  await completion.getByRole('button', { name: 'Sign the Completion form' }).click();
  await expect(sam.getByTestId('completion-status')).toHaveText('Signed');
  await expect(sam.getByTestId('stages').locator('li.done')).toHaveCount(8);

  // Each form prints as a document of its own, with its signature.
  await completion.getByRole('link', { name: 'Printable form' }).click();
  await expect(sam.getByRole('heading', { name: 'Deployment Completion form', level: 1 })).toBeVisible();
  await expect(sam.getByTestId('signature')).toContainText('Sam Superuser');
  await expect(sam.locator('.form-document')).toContainText('Wallboard colours');
});

/** Signs in through the API (a journey's setup, not what it tests) and answers the bearer token. */
async function apiToken(request: APIRequestContext, email: string): Promise<string> {
  const res = await request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } });
  expect(res.ok(), await res.text()).toBeTruthy();
  return (await res.json()).token;
}

test('a project whose completion form never comes back is deemed complete at go-live + 21, and the superuser is told', async ({ browser, request }) => {
  // Setup through the API: a Borealis project brought to go-live (the first journey walks each
  // step in the browser).
  const manager = await apiToken(request, 'manager@cytrack.test');
  const blair = await apiToken(request, 'blair@borealis.test');
  const as = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });
  const call = async (method: 'post' | 'put', url: string, token: string, data: unknown) => {
    const res = await request[method](url, { ...as(token), data });
    expect(res.ok(), `${url}: ${await res.text()}`).toBeTruthy();
    return (await res.json()).project;
  };
  const orgs = await (await request.get('/api/v1/organizations', as(manager))).json();
  const borealis = (orgs.items ?? orgs).find((o: { name: string }) => o.name === 'Borealis Telecom');
  const name = `Borealis re-deployment ${Date.now()}`;
  const created = await request.post(`/api/v1/organizations/${borealis.id}/deployment-projects`, { ...as(manager), data: { name } });
  expect(created.ok(), await created.text()).toBeTruthy();
  const id = (await created.json()).project.id;
  const p = `/api/v1/deployment-projects/${id}`;
  await call('put', `${p}/stakeholders`, blair, { contacts: [
    { role: 'project_sponsor', name: 'Pat', email: 'pat@borealis.test' },
    { role: 'it_contact', name: 'Ivy', email: 'ivy@borealis.test' },
    { role: 'trainer', name: 'Blair Borealis', email: 'blair@borealis.test' },
  ] });
  await call('post', `${p}/stakeholders/accept`, manager, {});
  await call('post', `${p}/advance`, manager, { to: 'pre_install' });
  await call('put', `${p}/pre-install`, blair, { acknowledged: [], site: { address: '2 Pitt St', contact_name: 'Ivy', contact_phone: '+61 2 9000 0003' } });
  await call('post', `${p}/pre-install/accept`, manager, {});
  await call('post', `${p}/advance`, manager, { to: 'installation' });
  await call('put', `${p}/installation`, manager, { items: [{ item: 'queues', agreed: 2, installed: 2 }] });
  await call('post', `${p}/advance`, manager, { to: 'training' });
  await call('post', `${p}/training`, manager, { held_on: supportToday(), trainer: 'Tess', attendees: ['Blair Borealis'], superuser_trained: true });
  await call('post', `${p}/advance`, manager, { to: 'testing' });
  const withItem = await call('post', `${p}/uat-items`, manager, { title: 'Calls reach queue 1' });
  await call('post', `/api/v1/uat-items/${withItem.uat[0].id}/result`, blair, { result: 'passed' });
  await call('post', `${p}/advance`, manager, { to: 'go_live' });

  // The client does not sign: the manager records an assessed go-live, today, with the reason.
  const page = await browser.newPage();
  await signIn(page, 'manager@cytrack.test');
  await page.goto(`/deployment-projects/${id}`);
  const goLive = page.locator('#go-live');
  await goLive.getByLabel('Go-live date').fill(supportToday());
  await goLive.getByLabel('Why assessed').fill('Borealis did not return the Go-Live form.');
  await goLive.getByRole('button', { name: 'Record an assessed go-live' }).click();
  await expect(page.getByTestId('go-live-status')).toHaveText('Go-live assessed by CyTrack');
  await expect(goLive).toContainText('Borealis did not return the Go-Live form.');

  // Three weeks pass without the form: the portal deems the project complete and tells Blair.
  expect(await runJobsAhead(request, 21)).toBeGreaterThan(0);
  const client = await browser.newPage();
  await signIn(client, 'blair@borealis.test');
  await client.goto('/notifications');
  const notice = client.locator('li.notification', { hasText: 'Your deployment is deemed complete' }).first();
  await expect(notice).toContainText('deemed complete');
  await notice.getByRole('button', { name: 'Your deployment is deemed complete' }).click();
  await expect(client.getByRole('heading', { name })).toBeVisible();
  await expect(client.getByTestId('completion-status')).toHaveText('Deemed complete');
  await expect(client.getByTestId('stages').locator('li[data-stage="completed"]')).toContainText('by the portal');
  await expect(client.getByRole('button', { name: 'Sign the Completion form' })).toHaveCount(0);
});
