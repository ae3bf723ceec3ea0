import type { Browser, Page } from '@playwright/test';
import { expect, inviteAndAccept, signInOn, signUpOwner, test } from './fixtures';

/** A fresh account whose owner is signed in on `page`, and an engineer signed in on another context. */
async function teamOf(page: Page, browser: Browser) {
  const { tag } = await signUpOwner(page, 'Team');
  const engEmail = `eng.${tag}@example.test`;
  const { page: eng, context: engContext } = await inviteAndAccept(page, browser, {
    email: engEmail,
    name: 'Erin Engineer',
    password: 'engineer password 1',
    role: 'engineer',
    tier: 1,
  });
  return { eng, engContext, engEmail };
}

test('an owner removes a teammate: they are signed out at once, cannot sign in again, and can be invited back', async ({
  page,
  browser,
}) => {
  const { eng, engContext, engEmail } = await teamOf(page, browser);
  await eng.goto('/sessions');
  await expect(eng.getByRole('button', { name: /account menu/i })).toBeVisible();

  await page.goto('/settings');
  await expect(page.getByRole('cell', { name: /^Erin Engineer eng\./ })).toBeVisible();
  // The owner's own row has no Remove button.
  await expect(page.getByRole('button', { name: 'Remove Pat Owner from the team' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Remove Erin Engineer from the team' }).click();
  const dialog = page.getByRole('dialog', { name: 'Remove Erin Engineer?' });
  await expect(dialog).toContainText(engEmail);
  // A double click removes once, and says nothing went wrong.
  await dialog.getByRole('button', { name: 'Remove from the team' }).dblclick();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('cell', { name: /^Erin Engineer eng\./ })).toHaveCount(0);

  // Their open page loses its sign-in: the next load lands on the sign-in page.
  await eng.reload();
  await expect(eng).toHaveURL(/\/signin/);
  await eng.getByLabel('Email').fill(engEmail);
  await eng.getByLabel('Password').fill('engineer password 1');
  await eng.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(eng.getByText('Email or password is incorrect')).toBeVisible();
  await engContext.close();

  // Invited back through the form, as a viewer this time; then invited again (a resend): only the
  // newest link works.
  const form = page.getByRole('region', { name: 'Invite a teammate' });
  const invite = async (role: string) => {
    await form.getByLabel('Email').fill(engEmail);
    await form.getByLabel('Role').selectOption(role);
    await form.getByRole('button', { name: 'Create invitation' }).click();
    const status = page.getByRole('status').filter({ hasText: `Invitation for ${engEmail} created` });
    await expect(status).toBeVisible();
    return page.getByLabel('Invitation link').inputValue();
  };
  const stale = await invite('engineer');
  const link = await invite('viewer');
  expect(link).not.toBe(stale);

  const back = await browser.newContext();
  const returning = await back.newPage();
  await returning.goto(stale);
  await expect(returning.getByRole('heading', { name: 'This invitation is no longer valid' })).toBeVisible();
  await returning.goto(link);
  await returning.getByLabel('Your name').fill('Erin Returned');
  await returning.getByLabel('Password').fill('returning password 2');
  await returning.getByRole('button', { name: /^Join / }).click();
  await expect(returning).toHaveURL(/\/sessions/);
  await page.reload();
  await expect(page.getByRole('cell', { name: /^Erin Returned eng\./ })).toBeVisible();
  await back.close();
});

test('an owner revokes a pending invitation: its link no longer works', async ({ page, browser }) => {
  const { tag } = await signUpOwner(page, 'Revoke');
  const invite = await page.request.post('/api/invitations', {
    data: { email: `late.${tag}@example.test`, role: 'viewer', tier: 1 },
  });
  expect(invite.status(), await invite.text()).toBe(201);
  const { token } = await invite.json();
  await page.goto('/settings');
  await page.getByRole('button', { name: `Revoke the invitation for late.${tag}@example.test` }).dblclick();
  await expect(page.getByText('No pending invitations.')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);

  const other = await browser.newContext();
  const visitor = await other.newPage();
  await visitor.goto(`/invite/${token}`);
  await expect(visitor.getByText(/withdrawn/)).toBeVisible();
  await other.close();
});

test('a teammate changes their password: other sign-ins end, the new password signs in', async ({
  page,
  browser,
}) => {
  const { eng, engContext, engEmail } = await teamOf(page, browser);
  // A second sign-in of the same person (another browser).
  const laptop = await browser.newContext();
  const second = await laptop.newPage();
  const signin = await second.request.post('/api/auth/login', {
    data: { email: engEmail, password: 'engineer password 1' },
  });
  expect(signin.status()).toBe(200);

  await eng.goto('/settings');
  const section = eng.getByRole('region', { name: 'Password' });
  await section.getByLabel('Current password').fill('not my password');
  await section.getByLabel('New password').fill('a brand new pass 7');
  await section.getByRole('button', { name: 'Change password' }).click();
  await expect(section.getByText('this is not your current password')).toBeVisible();
  await section.getByLabel('Current password').fill('engineer password 1');
  await section.getByRole('button', { name: 'Change password' }).click();
  await expect(section.getByRole('status')).toContainText('Password changed');

  // This page stays signed in; the other browser is signed out.
  await eng.reload();
  await expect(eng.getByRole('region', { name: 'Password' })).toBeVisible();
  await second.goto('/sessions');
  await expect(second).toHaveURL(/\/signin/);
  await second.getByLabel('Email').fill(engEmail);
  await second.getByLabel('Password').fill('a brand new pass 7');
  await second.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(second).toHaveURL(/\/sessions$/);
  await laptop.close();
  await engContext.close();
});

test('the team table with its Remove buttons fits a 360 px phone', async ({ page }) => {
  // The demo team, only looked at (no account made: sign-ups from one address are limited).
  await signInOn(page, 'owner');
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto('/settings');
  await expect(page.getByRole('button', { name: 'Remove Jamie Chen from the team' })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: 'test-results/team-settings-360.png', fullPage: true });
});
