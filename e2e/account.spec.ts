import { expect, test, uniq } from './fixtures';

test('sign-up shows a field error next to the field, then creates an account with its owner signed in', async ({
  page,
}) => {
  const tag = uniq();
  await page.goto('/signup');
  await page.getByLabel('Company or team name').fill(`Acme MSP ${tag}`);
  await page.getByLabel('Your name').fill('Ada Admin');
  await page.getByLabel('Work email').fill(`ada-${tag}@acme.example`);
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  const password = page.getByLabel('Password');
  await expect(password).toHaveAttribute('aria-invalid', 'true');
  const describedBy = (await password.getAttribute('aria-describedby')) ?? '';
  const errorId = describedBy.split(' ').find((id) => id.endsWith('-error'));
  expect(errorId).toBeTruthy();
  await expect(page.locator(`[id="${errorId}"]`)).toContainText(/8/);

  await password.fill('a-long-enough-password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/sessions$/);
  await expect(page.getByText(`Acme MSP ${tag}`).first()).toBeVisible();
  await expect(
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }),
  ).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No sessions yet' })).toBeVisible();
});

test('an owner invites a teammate, who accepts the link and lands signed in', async ({
  page,
  signIn,
  browser,
}) => {
  const tag = uniq();
  await signIn('owner');
  await page.goto('/settings');
  await page.getByLabel('Email', { exact: true }).fill(`newtech-${tag}@northwind.example`);
  await page.getByLabel('Role', { exact: true }).selectOption('engineer');
  await page.getByLabel('Tier', { exact: true }).selectOption('2');
  await page.getByRole('button', { name: 'Create invitation' }).click();
  const link = page.getByLabel('Invitation link');
  await expect(link).toHaveValue(/\/invite\/.+/);
  const url = await link.inputValue();
  await expect(page.getByText(`newtech-${tag}@northwind.example`).last()).toBeVisible();

  const context = await browser.newContext();
  const invitee = await context.newPage();
  await invitee.goto(new URL(url).pathname);
  await expect(invitee.getByRole('heading', { name: 'Join Northwind IT' })).toBeVisible();
  await expect(invitee.getByText(`newtech-${tag}@northwind.example`)).toBeVisible();
  await invitee.getByLabel('Your name').fill('Nia Newtech');
  await invitee.getByLabel('Password').fill('nia-password-123');
  await invitee.getByRole('button', { name: 'Join Northwind IT' }).click();
  await expect(invitee).toHaveURL(/\/sessions$/);
  await invitee.getByRole('button', { name: /account menu/i }).click();
  await expect(invitee.getByTestId('user-menu')).toContainText('Engineer · Tier 2');
  await context.close();
});

test('a session owner adds a note and resolves the session; escalation is then not offered', async ({
  page,
  signIn,
}) => {
  const tag = uniq();
  await signIn('junior');
  await page.getByRole('link', { name: 'New session' }).click();
  await page.getByLabel('Title').fill(`Disk full on file server ${tag}`);
  await page.getByLabel('Problem').fill('D: on FS01 at 100%, users cannot save.');
  await page.getByRole('button', { name: 'Start session' }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: `Disk full on file server ${tag}` }),
  ).toBeVisible();

  await page.getByRole('button', { name: 'Note', exact: true }).click();
  await page.getByLabel('Note', { exact: true }).fill('Shadow copies use 40% of the volume.');
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByTestId('timeline-entry').filter({ hasText: 'Shadow copies use 40%' })).toBeVisible();

  await page.getByRole('button', { name: 'Resolve' }).click();
  const dialog = page.getByRole('dialog', { name: 'Resolve session' });
  await dialog.getByLabel('Resolution').fill('Reduced shadow copy storage to 10% and cleared old copies.');
  await dialog.getByRole('button', { name: 'Resolve' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('Reduced shadow copy storage', { exact: false }).first()).toBeVisible();
  await expect(page.getByText('Resolved', { exact: true }).first()).toBeVisible();
  // Nothing is left to do on a resolved session: no Resolve, no Escalate (the server's `can` says so).
  await expect(page.getByRole('button', { name: 'Escalate' })).toHaveCount(0);
  await expect(page.getByLabel('What did you do?')).toHaveCount(0);
});
