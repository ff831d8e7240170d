import { expect, mailedLink, signIn, test } from './helpers';

test('a forgotten password is reset from the mailed link, and a password is changed on the profile', async ({ browser }) => {
  const stamp = Date.now();
  const email = `quinn.${stamp}@harbour.test`;
  const page = await browser.newPage();
  await page.goto('/register');
  await page.getByLabel('Company').fill(`Quinn Logistics ${stamp}`);
  await page.getByLabel('Your name').fill('Quinn Harbour');
  await page.getByLabel('Work e-mail').fill(email);
  await page.getByLabel('Password').fill('the first long password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Confirm your e-mail address' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);

  // Forgot: the answer never says whether the address has an account.
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  // The page's code arrives as a chunk of its own: until then the sign-in form, with its own
  // "E-mail", is still the one shown.
  await expect(page.getByRole('heading', { name: 'Forgot your password?' })).toBeVisible();
  await page.getByLabel('E-mail').fill(email);
  await page.getByRole('button', { name: 'Send me a link' }).click();
  await expect(page.getByRole('status')).toContainText('If an account uses that address');

  await page.goto(await mailedLink(email, '/reset-password'));
  // Long enough for the browser, refused by the portal: the link survives the refusal.
  await page.getByLabel('New password').fill('passw0rd12');
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await expect(page.getByText('too easy to guess').first()).toBeVisible();
  await page.getByLabel('New password').fill('the second long password');
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await expect(page).toHaveURL(/\/login\?reset=1$/);
  await expect(page.getByRole('status')).toContainText('Your password was changed');

  // The old password is gone; the new one works, and the reset proved the address.
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill('the first long password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('do not match');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill('the second long password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Awaiting approval' })).toBeVisible();
});

test('a signed-in person changes their password on the profile page', async ({ browser }) => {
  const page = await browser.newPage();
  await signIn(page, 'sam@acme.test');
  await page.getByRole('link', { name: /Sam Superuser/ }).click();
  await expect(page.getByRole('heading', { name: 'Your profile' })).toBeVisible();
  await page.getByLabel('Current password').fill('not my password');
  await page.getByLabel('New password').fill('sam has a new password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('That is not your current password.').first()).toBeVisible();
  await page.getByLabel('Current password').fill('demo-password');
  await page.getByLabel('New password').fill('sam has a new password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status')).toContainText('Your password was changed');
  // And back, so the demo account keeps its documented password; it signs in with it.
  await page.getByLabel('Current password').fill('sam has a new password');
  await page.getByLabel('New password').fill('demo-password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status')).toContainText('Your password was changed');
  await expect(page.getByRole('alert')).toHaveCount(0);
  // Signing out everywhere ends this session too; the documented password still signs in.
  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await signIn(page, 'sam@acme.test');
});

test('a person edits their details, reads times in their own time zone, and signs out another device', async ({ browser }) => {
  const laptop = await browser.newPage();
  await signIn(laptop, 'blair@borealis.test');
  const phone = await browser.newContext().then((c) => c.newPage());
  await signIn(phone, 'blair@borealis.test');

  await laptop.goto('/profile');
  const details = laptop.locator('#details');
  await details.getByLabel('Phone').fill('+61 8 9000 1234');
  await details.getByLabel('Show times in').selectOption('Australia/Perth');
  await details.getByRole('button', { name: 'Save my details' }).click();
  await expect(laptop.getByRole('status')).toContainText('Saved.');
  await laptop.reload();
  await expect(laptop.locator('#details').getByLabel('Phone')).toHaveValue('+61 8 9000 1234');
  // Times on the pages are Perth's now, named so.
  await expect(laptop.locator('#devices')).toContainText('AWST');

  // Two devices: this one, and the other, which is signed out from here.
  const devices = laptop.locator('#devices li');
  await expect(devices).toHaveCount(2);
  await expect(laptop.locator('#devices li[data-current="true"]')).toContainText('this device');
  // One click, hydrated or not (a retried click would find no button once the first went through).
  await laptop.locator('#devices li[data-current="false"]').first().getByRole('button', { name: 'Sign it out' }).click();
  await expect(devices).toHaveCount(1);
  await phone.goto('/tickets');
  await expect(phone).toHaveURL(/\/login$/);

  // Back to the demo's defaults, so other journeys read what they expect.
  await details.getByLabel('Phone').fill('');
  await details.getByLabel('Show times in').selectOption('');
  await details.getByRole('button', { name: 'Save my details' }).click();
  await expect(laptop.getByRole('status')).toContainText('Saved.');
});
