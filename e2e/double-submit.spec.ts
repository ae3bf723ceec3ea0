import type { Page, Request } from '@playwright/test';
import { apiFor, expect, test, uniq } from './fixtures';

/** Holds every matching request for `ms` before it goes on, so a second click lands while the first is in flight. */
async function slowDown(page: Page, pathPattern: RegExp, ms = 400) {
  await page.route(
    (url) => pathPattern.test(url.pathname),
    async (route) => {
      if (route.request().method() !== 'GET') await new Promise((r) => setTimeout(r, ms));
      await route.continue();
    },
  );
}

/** The POSTs the page sends to paths matching the pattern, with their Idempotency-Key headers. */
function recordPosts(page: Page, pathPattern: RegExp) {
  const sent: Request[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && pathPattern.test(new URL(r.url()).pathname)) sent.push(r);
  });
  return sent;
}

async function sessionDetail(page: Page, id: string) {
  const res = await page.request.get(`/api/sessions/${id}`);
  expect(res.ok()).toBe(true);
  return (await res.json()).session as {
    timeline: { kind: string; text: string }[];
    activeHandoffId: string | null;
  };
}

test('double-clicking Start session creates one session', async ({ page, signIn }) => {
  await signIn('junior');
  const title = `Double start ${uniq()}`;
  await page.goto('/sessions/new');
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Problem').fill('Teams calls drop after a minute.');
  const posts = recordPosts(page, /^\/api\/sessions$/);
  await slowDown(page, /^\/api\/sessions$/);
  await page.getByRole('button', { name: 'Start session' }).dblclick();
  await expect(page).toHaveURL(/\/sessions\/[^/]+$/);
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();

  const list = await (await page.request.get(`/api/sessions?q=${encodeURIComponent(title)}`)).json();
  expect(list.sessions).toHaveLength(1);
  expect(posts).toHaveLength(1);
  expect(posts[0]?.headers()['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
});

test('double-clicking an outcome, Add note or Send logs each once; the controls are disabled in flight', async ({
  page,
  signIn,
}) => {
  await signIn('junior');
  const s = await apiFor(page).createSession({
    title: `Double step ${uniq()}`,
    problem: 'Mapped drive disconnects at logon.',
  });
  await page.goto(`/sessions/${s.id}`);
  await slowDown(page, /^\/api\/sessions\/[^/]+\/(steps|notes|assistant\/messages)$/);

  await page.getByLabel('What did you do?').fill('Ran net use to list mappings');
  const failed = page.getByRole('button', { name: 'Failed', exact: true });
  await failed.dblclick();
  await expect(failed).toBeDisabled();
  await expect(page.getByTestId('timeline-entry').filter({ hasText: 'Ran net use' })).toHaveCount(1);
  await expect(failed).toBeEnabled();

  await page.getByRole('button', { name: 'Note', exact: true }).click();
  await page.getByLabel('Note', { exact: true }).fill('User says it started after the VPN update');
  const addNote = page.getByRole('button', { name: 'Add note' });
  await addNote.dblclick();
  await expect(page.getByTestId('timeline-entry').filter({ hasText: 'after the VPN update' })).toHaveCount(1);

  const chat = page.getByRole('complementary', { name: 'Assistant' });
  await chat
    .getByRole('textbox', { name: 'Message the assistant' })
    .fill('Why would a mapping vanish at logon?');
  const send = chat.getByRole('button', { name: 'Send' });
  await send.dblclick();
  await expect(send).toBeDisabled();
  await expect(chat.locator('.chat-thinking')).toHaveCount(0);
  await expect(chat.locator('.chat-user')).toHaveCount(1);
  await expect(chat.locator('.chat-assistant')).toHaveCount(1);

  const detail = await sessionDetail(page, s.id);
  expect(detail.timeline.filter((e) => e.kind === 'step')).toHaveLength(1);
  expect(detail.timeline.filter((e) => e.kind === 'note')).toHaveLength(1);
  expect(detail.timeline.filter((e) => e.kind === 'assistant_user')).toHaveLength(1);
});

test('double-clicking Escalate creates one escalation and closes the dialog without an error', async ({
  page,
  signIn,
}) => {
  await signIn('junior');
  const s = await apiFor(page).createSession({
    title: `Double escalate ${uniq()}`,
    problem: 'Scanner to email fails with an SMTP error.',
  });
  await page.goto(`/sessions/${s.id}`);
  await slowDown(page, /^\/api\/sessions\/[^/]+\/handoffs$/);
  await page.getByRole('button', { name: 'Escalate' }).click();
  const dialog = page.getByRole('dialog', { name: 'Escalate this session' });
  await dialog.getByLabel('Why are you stuck?').fill('SMTP relay refuses the scanner');
  await dialog.getByRole('button', { name: 'Escalate' }).dblclick();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(/Escalated by .*, waiting in the queue/)).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect((await sessionDetail(page, s.id)).timeline.filter((e) => e.kind === 'handoff')).toHaveLength(1);
});

test('double-clicking Pick Up claims once and opens the handoff', async ({ page, signIn, personPage }) => {
  const junior = await personPage('junior');
  const api = apiFor(junior);
  const s = await api.createSession({
    title: `Double pick up ${uniq()}`,
    problem: 'Wi-Fi drops on floor 3.',
  });
  await api.escalate(s.id, { reason: 'APs look fine to me', urgency: 'normal' });

  await signIn('senior');
  await page.goto('/queue');
  const card = page.getByTestId('queue-card').filter({ hasText: s.title });
  const posts = recordPosts(page, /\/claim$/);
  await slowDown(page, /\/claim$/);
  await card.getByRole('button', { name: 'Pick Up' }).dblclick();
  await expect(page).toHaveURL(/\/handoffs\/[^/]+$/);
  await expect(page.getByRole('heading', { level: 1, name: s.title })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(posts).toHaveLength(1);
});

test('a create retried after a failure sends the same Idempotency-Key; the next intent a new one', async ({
  page,
  signIn,
}) => {
  await signIn('junior');
  const s = await apiFor(page).createSession({ title: `Retry key ${uniq()}`, problem: 'Slow logons.' });
  await page.goto(`/sessions/${s.id}`);
  const posts = recordPosts(page, /\/steps$/);
  let dropNext = true;
  await page.route(/\/steps$/, async (route) => {
    if (dropNext) {
      dropNext = false;
      await route.abort('connectionreset');
    } else await route.continue();
  });

  await page.getByLabel('What did you do?').fill('Checked Group Policy processing time');
  await page.getByRole('button', { name: 'Info', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('Could not reach ResolutionFlow');
  await page.getByRole('button', { name: 'Info', exact: true }).click();
  await expect(page.getByTestId('timeline-entry').filter({ hasText: 'Group Policy' })).toHaveCount(1);

  await page.getByLabel('What did you do?').fill('Checked Group Policy processing time');
  await page.getByRole('button', { name: 'Info', exact: true }).click();
  await expect(page.getByTestId('timeline-entry').filter({ hasText: 'Group Policy' })).toHaveCount(2);

  const keysSent = posts.map((r) => r.headers()['idempotency-key']);
  expect(keysSent).toHaveLength(3);
  expect(keysSent[0]).toBeTruthy();
  expect(keysSent[1]).toBe(keysSent[0]);
  expect(keysSent[2]).not.toBe(keysSent[0]);
});
