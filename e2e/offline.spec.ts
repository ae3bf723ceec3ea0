import type { Page } from '@playwright/test';
import { apiFor, expect, PEOPLE, test, uniq } from './fixtures';

test('when the connection is lost the queue keeps its cards, says "Reconnecting…", and recovers', async ({
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

  // The network goes away: the live stream drops and every API call fails at the network level.
  // (A server that stops while the browser stays online: live.spec.ts, the restart test.)
  await page.route('**/api/**', (route) => route.abort('connectionrefused'));
  await page.context().setOffline(true);
  await page.getByRole('heading', { level: 1, name: 'Escalation queue' }).click(); // stays on the page
  await expect(page.getByTestId('reconnecting')).toContainText('Reconnecting…', { timeout: 15_000 });
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-status', /reconnecting|offline/);
  await expect(card).toBeVisible();
  await expect(page.getByText('The queue could not be loaded')).toHaveCount(0);
  await expect(badge).toHaveText(badgeText ?? '');

  // It comes back: the stream reconnects, the page refetches, and the notice goes away by itself.
  await page.unroute('**/api/**');
  await page.context().setOffline(false);
  await expect(page.getByTestId('reconnecting')).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-status', 'live');
  await expect(card).toBeVisible();
});

test('a tab signed out elsewhere goes to sign-in at once (its live stream ends), and comes back after signing in', async ({
  page,
  signIn,
}) => {
  await signIn('junior');
  const s = await apiFor(page).createSession({ title: `Signed out ${uniq()}`, problem: 'Printer jams.' });
  await page.goto(`/sessions/${s.id}`);
  await expect(page.getByRole('heading', { level: 1, name: s.title })).toBeVisible();
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-status', 'live');

  await signOutInAnotherTab(page);

  // The sign-out ended this tab's stream; its reconnect is refused, and the tab goes to sign-in,
  // remembering where it was, without waiting for the user's next request.
  await expect(page).toHaveURL(new RegExp(`/signin\\?from=${encodeURIComponent(`/sessions/${s.id}`)}$`));
  await signInAgain(page);
  await expect(page).toHaveURL(new RegExp(`/sessions/${s.id}$`));
  await expect(page.getByRole('heading', { level: 1, name: s.title })).toBeVisible();
});

test('a tab signed out elsewhere whose live stream cannot tell it goes to sign-in on its next request', async ({
  page,
  signIn,
}) => {
  await signIn('junior');
  const s = await apiFor(page).createSession({ title: `Signed out ${uniq()}`, problem: 'Printer jams.' });
  // No live stream in this tab (as behind a proxy that cuts it): only its own requests can find out.
  await page.route('**/api/events**', (route) => route.abort());
  await page.goto(`/sessions/${s.id}`);
  await expect(page.getByRole('heading', { level: 1, name: s.title })).toBeVisible();

  await signOutInAnotherTab(page);

  // This tab's next request answers 401: it goes to sign-in, remembering where it was.
  await page.getByLabel('What did you do?').fill('Cleaned the rollers');
  await page.getByRole('button', { name: 'Worked', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/signin\\?from=${encodeURIComponent(`/sessions/${s.id}`)}$`));
  await signInAgain(page);
  await expect(page).toHaveURL(new RegExp(`/sessions/${s.id}$`));
  await expect(page.getByRole('heading', { level: 1, name: s.title })).toBeVisible();
});

/** Another tab of the same browser signs out: the cookie's session is gone on the server. */
async function signOutInAnotherTab(page: Page) {
  const other = await page.context().newPage();
  await other.goto('/sessions');
  await other.getByRole('button', { name: /account menu/i }).click();
  await other.getByRole('button', { name: 'Sign out' }).click();
  await expect(other).toHaveURL(/\/signin/);
  await other.close();
}

async function signInAgain(page: Page) {
  await page.getByLabel('Email').fill(PEOPLE.junior.email);
  await page.getByLabel('Password').fill(PEOPLE.junior.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}
