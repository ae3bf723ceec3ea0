import fs from 'node:fs';
import type { Browser, Page } from '@playwright/test';
import { apiFor, expect, signInOn, test, uniq } from './fixtures';

/** The stopwatch's readout in seconds ("1:02.5" → 62.5). */
async function stopwatchSeconds(page: Page) {
  const text = (await page.getByTestId('stopwatch-time').textContent()) ?? '';
  const [m, s] = text.split(':');
  return Number(m) * 60 + Number(s);
}

test('the stopwatch starts and stops with the space bar, keeps running across a reload, and saves a baseline', async ({
  page,
  signIn,
}) => {
  await signIn('owner');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Analytics' }).click();
  await page.getByRole('navigation', { name: 'Analytics' }).getByRole('link', { name: 'Stopwatch' }).click();
  await expect(page).toHaveURL(/\/analytics\/stopwatch$/);
  const summary = page.getByTestId('baseline-summary');
  const before = Number((await summary.textContent())?.match(/^(\d+) recorded/)?.[1]);

  await expect(page.getByRole('button', { name: 'Save as baseline' })).toBeDisabled();
  await page.keyboard.press('Space');
  await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
  await page.waitForTimeout(1200);
  await page.reload();
  // Still running after the reload, and still counting.
  await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
  await expect.poll(() => stopwatchSeconds(page)).toBeGreaterThan(1.2);
  await page.keyboard.press('Space');
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
  const stopped = await stopwatchSeconds(page);
  await page.waitForTimeout(300);
  expect(await stopwatchSeconds(page)).toBe(stopped); // stopped means stopped

  const note = `Sam rang Jamie ${uniq()}`;
  // A space typed in the note is a space: it does not start the stopwatch.
  await page.getByLabel('Note (optional)').pressSequentially(note);
  await expect(page.getByLabel('Note (optional)')).toHaveValue(note);
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
  expect(await stopwatchSeconds(page)).toBe(stopped);
  await page.getByLabel('Escalation (optional)').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Save as baseline' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Saved .* as a baseline\.$/ })).toBeVisible();
  await expect(page.getByTestId('stopwatch-time')).toHaveText('0:00.0');
  await expect(summary).toContainText(`${before + 1} recorded`);
  const row = page.locator('.baseline-row').filter({ hasText: note });
  await expect(row).toBeVisible();
  await expect(row.getByRole('link', { name: 'the escalation' })).toBeVisible();

  // Delete it again (the demo's own baselines stay as they were).
  await row.getByRole('button', { name: /^Delete the / }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete this baseline?' });
  await dialog.getByRole('button', { name: 'Delete baseline' }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toHaveCount(0);
  await expect(summary).toContainText(`${before} recorded`);
});

test('engineers read the baselines but cannot time or save one', async ({ page, signIn }) => {
  await signIn('senior');
  await page.goto('/analytics/stopwatch');
  await expect(page.getByText('Admins time and record baselines. You can read them here.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save as baseline' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Delete the / })).toHaveCount(0);
  await expect(page.getByTestId('baseline-summary')).toContainText('recorded');
});

/** A new account with an owner (signed in on `page`) and an engineer, and one escalation acted on. */
async function freshAccountWithOneFirstAction(page: Page, browser: Browser) {
  const tag = uniq();
  const owner = { email: `owner.${tag}@example.test`, password: 'owner password 1' };
  const signup = await page.request.post('/api/auth/signup', {
    data: { accountName: `Pilot ${tag}`, name: 'Pat Owner', ...owner },
  });
  expect(signup.status(), await signup.text()).toBe(201);
  const invite = await page.request.post('/api/invitations', {
    data: { email: `eng.${tag}@example.test`, role: 'engineer', tier: 1 },
  });
  expect(invite.status(), await invite.text()).toBe(201);
  const engineerBrowser = await browser.newContext();
  const engineer = engineerBrowser.request;
  const accepted = await engineer.post(`/api/invitations/${(await invite.json()).token}/accept`, {
    data: { name: 'Eli Engineer', password: 'engineer password 1' },
  });
  expect(accepted.status(), await accepted.text()).toBe(201);
  const s = await engineer.post('/api/sessions', {
    data: { title: `Printer offline ${tag}`, problem: 'No jobs print' },
  });
  const sessionId = (await s.json()).session.id;
  const e = await engineer.post(`/api/sessions/${sessionId}/handoffs`, {
    data: { intent: 'escalate', reason: 'stuck', urgency: 'normal' },
  });
  expect(e.status()).toBe(201);
  const handoffId = (await e.json()).handoff.id;
  await engineerBrowser.close();
  const ownerApi = apiFor(page);
  expect((await page.request.post(`/api/handoffs/${handoffId}/claim`)).status()).toBe(200);
  await ownerApi.logStep(sessionId, { action: 'Checked the printer panel', outcome: 'info' });
  return { tag };
}

test('the fifth baseline makes minutes recovered appear', async ({ page, browser }) => {
  await freshAccountWithOneFirstAction(page, browser);
  await page.goto('/analytics/escalations?period=7d');
  const needs = page.getByTestId('baselines-needed');
  await expect(needs).toContainText('Record 5 more stopwatch baselines to see minutes recovered (0 of 5)');
  await expect(page.getByTestId('minutes-recovered')).toHaveCount(0);

  // Four timed earlier (through the API, as another admin's browser would), then the fifth here.
  for (let i = 0; i < 4; i++) {
    const r = await page.request.post('/api/analytics/baselines', {
      data: { durationSeconds: 600 + i * 30, measuredAt: new Date().toISOString() },
    });
    expect(r.status()).toBe(201);
  }
  await needs.getByRole('link', { name: 'Open the stopwatch' }).click();
  await expect(page).toHaveURL(/\/analytics\/stopwatch$/);
  await expect(page.getByText('Record 1 more baseline to see minutes recovered')).toBeVisible();
  await page.getByRole('button', { name: 'Start' }).click();
  await page.waitForTimeout(1100);
  await page.getByRole('button', { name: 'Stop' }).click();
  await page.getByRole('button', { name: 'Save as baseline' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'as a baseline' })).toBeVisible();
  await page.getByRole('link', { name: 'analytics page' }).click();

  const card = page.getByTestId('minutes-recovered');
  await expect(card).toBeVisible();
  await expect(card).toContainText('Per escalation');
  await expect(card).toContainText(/Time saved per week\s*\d+ min per week/);
  await expect(page.getByTestId('baselines-needed')).toHaveCount(0);
});

test('a custom range lives in the URL: a reload or a shared link shows the same view', async ({
  page,
  signIn,
  browser,
}) => {
  await signIn('senior');
  await page.goto('/analytics/escalations');
  await page.getByRole('button', { name: 'Custom', exact: true }).click();
  const form = page.getByRole('form', { name: 'Custom range' });
  // Out of order first: the form says so and the URL does not change.
  await form.getByLabel('From (UTC day)').fill('2026-03-10');
  await form.getByLabel('To (UTC day, included)').fill('2026-03-01');
  await form.getByRole('button', { name: 'Show' }).click();
  await expect(form.getByText('The start must be on or before the end')).toBeVisible();
  await expect(page).not.toHaveURL(/from=/);

  const today = new Date();
  const day = (d: number) => new Date(today.getTime() - d * 86_400_000).toISOString().slice(0, 10);
  await form.getByLabel('From (UTC day)').fill(day(20));
  await form.getByLabel('To (UTC day, included)').fill(day(10));
  await form.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(new RegExp(`from=${day(20)}&to=${day(10)}$`));
  const label = page.getByTestId('range-label');
  await expect(label).toContainText('(UTC days)');
  const shown = await label.textContent();
  const escalations = await page.locator('.stat-card').first().textContent();

  await page.reload();
  await expect(label).toHaveText(shown!);
  await expect(page.getByRole('button', { name: 'Custom', exact: true })).toHaveAttribute(
    'aria-pressed',
    'true',
  );

  // The same link in another browser.
  const other = await browser.newContext();
  const page2 = await other.newPage();
  await signInOn(page2, 'owner');
  await page2.goto(page.url());
  await expect(page2.getByTestId('range-label')).toHaveText(shown!);
  await expect(page2.locator('.stat-card').first()).toHaveText(escalations!);
  await other.close();

  // Back to a relative period.
  await page.getByRole('button', { name: '90d' }).click();
  await expect(page).toHaveURL(/period=90d$/);
});

test("the period's escalations: sortable, a row opens its handoff, and a claim shows up without a reload", async ({
  page,
  signIn,
  personPage,
}) => {
  // A fresh escalation, raised by the junior.
  const junior = await personPage('junior');
  const tag = uniq();
  const api = apiFor(junior);
  const s = await api.createSession({
    title: `Analytics table ${tag}`,
    problem: 'Scanner offline',
    customer: 'Tailspin Logistics',
  });
  await api.escalate(s.id, { reason: 'stuck', urgency: 'critical' });

  await signIn('senior');
  await page.goto('/analytics/escalations?period=7d');
  const picked = async () =>
    Number((await page.locator('.stat-card').first().textContent())?.match(/(\d+) picked up/)?.[1]);
  await expect(page.locator('.stat-card').first()).toContainText('picked up');
  const before = await picked();

  // Sort by time to first action: the column says so.
  const header = page.getByRole('columnheader', { name: /Time to first action/ });
  await header.getByRole('button').click();
  await expect(header).toHaveAttribute('aria-sort', 'ascending');
  await header.getByRole('button').click();
  await expect(header).toHaveAttribute('aria-sort', 'descending');

  // Pick it up in the queue, come back through the nav: the figures already count it.
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: /^Queue/ })
    .click();
  await page
    .getByTestId('queue-card')
    .filter({ hasText: `Analytics table ${tag}` })
    .getByRole('button', { name: 'Pick Up' })
    .click();
  await expect(page).toHaveURL(/\/handoffs\/[^/]+$/);
  const handoffUrl = page.url();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Analytics' }).click();
  await page.getByRole('button', { name: '7d' }).click();
  await expect.poll(picked).toBe(before + 1);

  // Its row (newest first by default) opens the handoff.
  await page
    .getByRole('columnheader', { name: /Created/ })
    .getByRole('button')
    .click(); // oldest first
  await page
    .getByRole('columnheader', { name: /Created/ })
    .getByRole('button')
    .click(); // newest first
  const row = page.getByTestId('escalation-row').filter({ hasText: `Analytics table ${tag}` });
  await expect(row).toContainText('Tailspin Logistics');
  await expect(row).toContainText('Critical');
  await expect(row).toContainText('Sam Rivera');
  await row.getByRole('cell').first().click();
  await expect(page).toHaveURL(handoffUrl);
  await expect(page.getByRole('heading', { level: 2, name: /^Problem summary/ })).toBeVisible();

  // The CSV of the same period downloads with its rows.
  await page.goBack();
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^escalations-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d\.csv$/);
  const text = fs.readFileSync(await file.path(), 'utf8');
  expect(text).toContain(`Analytics table ${tag}`);
});

test('an account without escalations gets an empty state that says what to do', async ({ page }) => {
  const tag = uniq();
  const r = await page.request.post('/api/auth/signup', {
    data: {
      accountName: `Empty ${tag}`,
      name: 'Nia New',
      email: `new.${tag}@example.test`,
      password: 'a new password',
    },
  });
  expect(r.status()).toBe(201);
  await page.goto('/analytics/escalations');
  await expect(page.getByRole('heading', { name: 'No escalations in this period' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'new session' })).toBeVisible();
  await expect(page.locator('.trend-chart')).toHaveCount(0);
  await expect(page.getByText('Same as previous period')).toHaveCount(0);
  await expect(page.getByText(/Nothing was escalated in the last 30 days/)).toBeVisible();
});
