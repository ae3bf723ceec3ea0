import { apiFor, expect, test, uniq } from './fixtures';

test('commands in suggestions show as code, without Markdown backticks', async ({ page, signIn }) => {
  await signIn('junior');
  const s = await apiFor(page).createSession({
    title: `Outlook hangs on Loading profile ${uniq()}`,
    problem: 'Outlook hangs at the splash screen; safe mode might help.',
  });
  await page.goto(`/sessions/${s.id}`);
  const suggestions = page.locator('.suggestion');
  await expect(suggestions.first()).toBeVisible();
  await page.getByRole('button', { name: /^Show \d+ more$/ }).click();
  await expect(suggestions.filter({ hasText: '`' })).toHaveCount(0);
  await expect(suggestions.locator('code').first()).toBeVisible();
  await expect(suggestions.locator('code').first()).toHaveCSS('font-family', /mono/i);
});

test('unsent step text, the Start here hint and a half-typed escalation reason survive a reload', async ({
  page,
  signIn,
}) => {
  await signIn('junior');
  const s = await apiFor(page).createSession({ title: `Drafts ${uniq()}`, problem: 'Slow file server.' });
  await page.goto(`/sessions/${s.id}`);
  await page.getByLabel('What did you do?').fill('Checked SMB signing on the file server');
  await page.getByLabel('What did it show? (optional)').fill('Required on server, off on client');
  await page.getByRole('button', { name: 'Escalate' }).click();
  await page.getByLabel('Why are you stuck?').fill('Not sure if changing signing is safe');
  await page.reload();

  await expect(page.getByLabel('What did you do?')).toHaveValue('Checked SMB signing on the file server');
  await expect(page.getByLabel('What did it show? (optional)')).toHaveValue(
    'Required on server, off on client',
  );
  await page.getByRole('button', { name: 'Escalate' }).click();
  await expect(page.getByLabel('Why are you stuck?')).toHaveValue('Not sure if changing signing is safe');
});

test('the Start here pre-fill and its hint survive a reload of the session', async ({
  signIn,
  page,
  personPage,
}) => {
  const junior = await personPage('junior');
  const api = apiFor(junior);
  const s = await api.createSession({
    title: `Start here reload ${uniq()}`,
    problem: 'VPN drops every ten minutes.',
  });
  const h = await api.escalate(s.id, { reason: 'Lost', urgency: 'normal' });
  await signIn('senior');
  await page.goto(`/handoffs/${h.id}`);
  await page.getByRole('button', { name: 'Pick Up' }).click();
  await page.getByRole('button', { name: 'Start here' }).click();
  await expect(page).toHaveURL(new RegExp(`/sessions/${s.id}$`));
  // The pre-fill arrives with the session's data; wait for it rather than read the box once.
  await expect(page.getByLabel('What did you do?')).not.toHaveValue('');
  const action = await page.getByLabel('What did you do?').inputValue();
  await expect(page.getByRole('note').filter({ hasText: 'from the handoff' })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('What did you do?')).toHaveValue(action);
  await expect(page.getByRole('note').filter({ hasText: 'from the handoff' })).toBeVisible();
});

test('a 60-step handoff shows the latest steps with "Show all"; a step from a suggestion is marked; Waited once picked up', async ({
  page,
  signIn,
  personPage,
}) => {
  test.setTimeout(90_000);
  const junior = await personPage('junior');
  const api = apiFor(junior);
  const s = await api.createSession({
    title: `Long session ${uniq()}`,
    problem: 'Printer offline for all users.',
  });
  const offered = await (await junior.request.get(`/api/sessions/${s.id}/suggestions`)).json();
  const suggested = offered.suggestions[0].action as string;
  for (let i = 1; i <= 59; i++) await api.logStep(s.id, { action: `Check number ${i}`, outcome: 'info' });
  await api.logStep(s.id, { action: suggested, outcome: 'failed' });
  const h = await api.escalate(s.id, { reason: 'Sixty checks and nothing', urgency: 'low' });

  await signIn('senior');
  await page.goto(`/handoffs/${h.id}`);
  const list = page.getByTestId('tried-list');
  await expect(list.getByRole('listitem')).toHaveCount(8);
  await expect(list).toContainText('Check number 59');
  await expect(list.getByText('Check number 1', { exact: true })).toHaveCount(0);
  const latest = list.getByRole('listitem').last();
  await expect(latest.getByText('From a suggestion')).toBeVisible();
  await expect(page.getByText(/^Suggested/)).toHaveCount(0);
  await page.getByRole('button', { name: 'Show all 60 (52 earlier)' }).click();
  await expect(list.getByRole('listitem')).toHaveCount(60);

  await expect(page.locator('dt', { hasText: /^Waiting$/ })).toBeVisible();
  await page.getByRole('button', { name: 'Pick Up' }).click();
  await expect(page.locator('dt', { hasText: /^Waited$/ })).toBeVisible();
  await expect(page.locator('dd').filter({ hasText: /until Sam .* picked it up/ })).toBeVisible();
});

test('right-to-left titles and text keep their direction', async ({ page, signIn }) => {
  await signIn('junior');
  const title = `מדפסת לא מדפיסה! ${uniq()}`;
  const s = await apiFor(page).createSession({ title, problem: 'המדפסת בקומה 2 לא עובדת.' });
  await page.goto(`/sessions/${s.id}`);
  const h1 = page.getByRole('heading', { level: 1, name: title });
  await expect(h1).toHaveAttribute('dir', 'auto');
  expect(await h1.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
});

test('the sign-in page tells the "Create an account" link apart by more than colour', async ({ page }) => {
  await page.goto('/signin');
  const link = page.getByRole('link', { name: 'Create an account' });
  await expect(link).toHaveCSS('text-decoration-line', 'underline');
});
