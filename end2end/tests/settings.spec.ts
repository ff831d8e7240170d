import { expect, test } from './helpers';

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
