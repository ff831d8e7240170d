import { expect, signIn, test } from './helpers';

/**
 * Reports (issue 23) on the demo's year of tickets: an account manager reads the desk, regroups it
 * by month through the address, narrows it to one client and finds the CSV; a client's superuser
 * reads only their own organisation.
 */
/** A date as the page writes it ("15 January 2027"), as a number that sorts. */
function day(text: string): number {
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  const [d, month, year] = text.trim().split(' ');
  expect(months, `a date: ${text}`).toContain(month);
  return Number(year) * 10_000 + (months.indexOf(month) + 1) * 100 + Number(d);
}

test('an account manager reads the desk report, by month and for one client', async ({ page }) => {
  await signIn(page, 'manager@cytrack.test');
  await page.getByRole('link', { name: 'Reports' }).click();
  await expect(page).toHaveURL(/\/reports$/);
  await expect(page.getByTestId('report-scope')).toContainText('Whole desk');
  const raised = Number(await page.getByTestId('total-raised').innerText());
  expect(raised, 'the demo desk raised tickets in the last 30 days').toBeGreaterThan(20);
  await expect(page.getByTestId('total-response')).toHaveText(/^\d+%$/);
  // Each chart is drawn, and its numbers are in the table beside it: thirty days, one row each.
  const volume = page.getByTestId('report-volume');
  await expect(volume.locator('svg rect.bar').first()).toBeVisible();
  await expect(volume.getByRole('region').locator('tbody tr')).toHaveCount(30);
  await expect(page.getByTestId('report-workload')).toContainText('Alex Agent');
  // The forecast lists the clients spending lately, soonest to run out first.
  const forecast = page.getByTestId('report-forecast');
  await expect(forecast.locator('tbody tr').first()).toBeVisible();
  const runsOut = (await forecast.locator('tbody tr td:nth-child(4)').allInnerTexts()).filter((t) => t !== '—').map(day);
  expect(runsOut.length, 'spending clients run out some day').toBeGreaterThan(0);
  expect(runsOut, 'soonest first').toEqual([...runsOut].sort((a, b) => a - b));

  // A year by month: the form puts the range in the address, and the table follows it.
  const today = new Date();
  const yearAgo = new Date(today.getTime() - 364 * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel('From', { exact: true }).fill(yearAgo);
  await page.locator('select[name=grouping]').selectOption('month');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/grouping=month/);
  const months = volume.getByRole('region').locator('tbody tr');
  await expect(months.first()).toContainText(/^[A-Z][a-z]{2} \d{4}/);
  expect(await months.count(), 'a year touches twelve or thirteen months').toBeGreaterThanOrEqual(12);
  const yearRaised = Number(await page.getByTestId('total-raised').innerText());
  expect(yearRaised, 'a year holds the demo desk’s thousands of tickets').toBeGreaterThan(1000);
  const perMonth = await volume.getByRole('region').locator('tbody tr td:nth-child(2)').allInnerTexts();
  expect(perMonth.map(Number).reduce((a, b) => a + b, 0), 'the months add up to the total').toBe(yearRaised);

  await page.locator('select[name=organization_id]').selectOption({ label: 'Granite Bank' });
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page.getByTestId('report-scope')).toContainText('Granite Bank');
  await expect(page).toHaveURL(/organization_id=/);
  await expect(page.getByTestId('report-forecast'), "one client's report shows its own balance").toContainText('Granite Bank');
  expect(Number(await page.getByTestId('total-raised').innerText())).toBeLessThan(yearRaised);
  const csv = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
  expect(csv).toMatch(/^\/api\/v1\/reports\/desk\.csv\?.*grouping=month.*organization_id=/);
  const download = await page.request.get(csv!);
  expect(download.status()).toBe(200);
  expect((await download.text()).split('\n')[0]).toBe('report,item,period,measure,value');
});

test("a client's superuser reads their own organisation's report", async ({ page }) => {
  await signIn(page, 'avery@granite.test');
  await page.getByRole('link', { name: 'Reports' }).click();
  await expect(page.getByTestId('report-scope')).toContainText('Granite Bank');
  await expect(page.locator('select[name=grouping]')).toBeVisible();
  await expect(page.locator('select[name=organization_id]'), 'a client reads only their own').toHaveCount(0);
  await expect(page.getByTestId('report-workload')).toHaveCount(0);
  await expect(page.getByTestId('report-sla')).toContainText('P1 · Critical');
  await expect(page.getByTestId('report-sla')).not.toContainText('By queue');
});
