import { apiFor, expect, PEOPLE, test, uniq } from './fixtures';

test('when the server is out of reach the queue keeps its cards, says "Reconnecting…", and recovers', async ({
  page,
  signIn,
  personPage,
}) => {
  const junior = await personPage('junior');
  const api = apiFor(junior);
  const s = await api.createSession({
    title: `Offline queue ${uniq()}`,
    problem: 'Laptop cannot see the NAS.',
  });
  await api.escalate(s.id, { reason: 'SMB signing mismatch?', urgency: 'normal' });

  await signIn('senior');
  await page.goto('/queue');
  const card = page.getByTestId('queue-card').filter({ hasText: s.title });
  await expect(card).toBeVisible();
  const badge = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Queue/ });
  const badgeText = await badge.textContent();

  // The server goes away: every API call now fails at the network level.
  await page.route('**/api/**', (route) => route.abort('connectionrefused'));
  await page.getByRole('heading', { level: 1, name: 'Escalation queue' }).click(); // stays on the page
  await expect(page.getByTestId('reconnecting')).toContainText('Reconnecting…', { timeout: 15_000 });
  await expect(card).toBeVisible();
  await expect(page.getByText('The queue could not be loaded')).toHaveCount(0);
  await expect(badge).toHaveText(badgeText ?? '');

  // It comes back: the notice goes away by itself.
  await page.unroute('**/api/**');
  await expect(page.getByTestId('reconnecting')).toHaveCount(0, { timeout: 15_000 });
  await expect(card).toBeVisible();
});

test('a tab signed out elsewhere goes to sign-in on its next request, and comes back after signing in', async ({
  page,
  signIn,
}) => {
  await signIn('junior');
  const s = await apiFor(page).createSession({ title: `Signed out ${uniq()}`, problem: 'Printer jams.' });
  await page.goto(`/sessions/${s.id}`);
  await expect(page.getByRole('heading', { level: 1, name: s.title })).toBeVisible();

  // Another tab of the same browser signs out: the cookie's session is gone on the server.
  const other = await page.context().newPage();
  await other.goto('/sessions');
  await other.getByRole('button', { name: /account menu/i }).click();
  await other.getByRole('button', { name: 'Sign out' }).click();
  await expect(other).toHaveURL(/\/signin/);
  await other.close();

  // This tab's next request answers 401: it goes to sign-in, remembering where it was.
  await page.getByLabel('What did you do?').fill('Cleaned the rollers');
  await page.getByRole('button', { name: 'Worked', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/signin\\?from=${encodeURIComponent(`/sessions/${s.id}`)}$`));
  await page.getByLabel('Email').fill(PEOPLE.junior.email);
  await page.getByLabel('Password').fill(PEOPLE.junior.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/sessions/${s.id}$`));
  await expect(page.getByRole('heading', { level: 1, name: s.title })).toBeVisible();
});
