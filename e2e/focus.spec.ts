import { apiFor, expect, PEOPLE, test, uniq } from './fixtures';

test('focus moves to the page heading after signing in, opening a session and Pick Up', async ({
  page,
  personPage,
}) => {
  const junior = await personPage('junior');
  const api = apiFor(junior);
  const s = await api.createSession({ title: `Focus check ${uniq()}`, problem: 'Teams camera is black.' });
  await api.escalate(s.id, { reason: 'Driver reinstall did nothing', urgency: 'normal' });

  await page.goto('/signin');
  await page.getByLabel('Email').fill(PEOPLE.senior.email);
  await page.getByLabel('Password').fill(PEOPLE.senior.password);
  await page.getByLabel('Password').press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Sessions' })).toBeFocused();

  await page.getByRole('link', { name: s.title }).click();
  await expect(page.getByRole('heading', { level: 1, name: s.title })).toBeFocused();

  await page.goto('/queue');
  const card = page.getByTestId('queue-card').filter({ hasText: s.title });
  await card.getByRole('button', { name: 'Pick Up' }).click();
  await expect(page).toHaveURL(/\/handoffs\//);
  await expect(page.getByRole('heading', { level: 1, name: s.title })).toBeFocused();
});

test('Pick Up on the handoff screen leaves focus on its heading', async ({ page, signIn, personPage }) => {
  const junior = await personPage('junior');
  const api = apiFor(junior);
  const s = await api.createSession({ title: `Focus on handoff ${uniq()}`, problem: 'Scanner offline.' });
  const h = await api.escalate(s.id, { reason: 'No idea', urgency: 'low' });
  await signIn('senior');
  await page.goto(`/handoffs/${h.id}`);
  await page.getByRole('button', { name: 'Pick Up' }).click();
  await expect(page.getByRole('button', { name: 'Start here' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: s.title })).toBeFocused();
});

test('Escape closes the user menu and returns focus to its button', async ({ page, signIn }) => {
  await signIn('junior');
  const button = page.getByRole('button', { name: /account menu/i });
  await button.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('user-menu')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('user-menu')).toHaveCount(0);
  await expect(button).toBeFocused();
});

test('on a phone the menu closes on Escape and focus returns to its toggle', async ({ personPage }) => {
  const page = await personPage('junior', { width: 390, height: 844 });
  const toggle = page.getByRole('button', { name: 'Navigation' });
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect(
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Queue/ }),
  ).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(toggle).toBeFocused();
});
