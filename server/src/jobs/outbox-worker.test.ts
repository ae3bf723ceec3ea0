import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeTeam, startApp, type Team, type TeamMember } from '../test/harness.js';
import { type ReceivedMail, SmtpSink } from '../test/smtp-sink.js';
import { WebhookReceiver } from '../test/webhook-receiver.js';
import { backoffDelay, startOutboxWorker } from './outbox-worker.js';

const PUBLIC_URL = 'https://rf.example.test';

let sink: SmtpSink;
let hooks: WebhookReceiver;
let h: Harness;

beforeAll(async () => {
  sink = await SmtpSink.start('up');
  hooks = await WebhookReceiver.start();
  h = await startApp({
    env: { SMTP_URL: sink.url, PUBLIC_URL, ALLOW_PRIVATE_WEBHOOKS: 'true' },
    // Short SMTP timeouts so that a hanging server's rows come back within the test.
    worker: { mailer: { connectionTimeoutMs: 1000, greetingTimeoutMs: 1000, socketTimeoutMs: 2000 } },
  });
});
afterAll(async () => {
  await h?.close();
  await sink?.close();
  await hooks?.close();
});
afterEach(async () => {
  h.setNow(null);
  if (sink.mode !== 'up') await sink.setMode('up');
});

async function escalate(
  by: TeamMember,
  opts: {
    title?: string;
    urgency?: string;
    targetTier?: number;
    targetUserId?: string;
    reason?: string;
  } = {},
) {
  const s = await by.client.post('/api/sessions', {
    title: opts.title ?? 'Outlook keeps asking for a password',
    problem: 'Since this morning Outlook prompts for credentials every few minutes on one laptop.',
    customer: 'Contoso Dental',
    asset: 'LT-0142',
  });
  expect(s.status).toBe(201);
  const t0 = performance.now();
  const res = await by.client.post(`/api/sessions/${s.body.session.id}/handoffs`, {
    intent: 'escalate',
    reason: opts.reason ?? 'Credential manager is clean and MFA is fine; I am out of ideas',
    urgency: opts.urgency ?? 'high',
    ...(opts.targetTier ? { targetTier: opts.targetTier } : {}),
    ...(opts.targetUserId ? { targetUserId: opts.targetUserId } : {}),
  });
  const ms = performance.now() - t0;
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.handoff.id as string, ms };
}

const to = (mails: ReceivedMail[], m: TeamMember) => mails.filter((x) => x.to.includes(m.email));
const aboutHandoff = (mails: ReceivedMail[], id: string) =>
  mails.filter((x) => x.text.includes(`/handoffs/${id}`));
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rows(team: Team, handoffId: string) {
  const res = await team.admin.client.get(`/api/handoffs/${handoffId}/notifications`);
  expect(res.status).toBe(200);
  return res.body.notifications as {
    channel: string;
    intent: string;
    round: number | null;
    recipientId: string | null;
    status: string;
    attempts: number;
    lastError: string | null;
  }[];
}

async function waitRows(
  team: Team,
  handoffId: string,
  pred: (r: Awaited<ReturnType<typeof rows>>) => boolean,
  timeoutMs = 20_000,
) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await rows(team, handoffId);
    if (pred(r)) return r;
    if (Date.now() > until) throw new Error(`rows never matched: ${JSON.stringify(r)}`);
    await settle(50);
  }
}

describe('e-mail over SMTP', () => {
  it('goes to the right people, once each, and says what the senior needs', async () => {
    const t = await makeTeam(h);
    await t.senior2.client.put('/api/me/notification-preferences', { email: false });
    const { id } = await escalate(t.junior, { title: 'VPN drops <every> 10 minutes & more' });
    const mails = () => aboutHandoff(sink.mails, id);
    await sink.waitFor(() => mails().length >= 3);
    await settle(300);

    // Owner, admin and the tier-2 senior; never the escalator, the viewer, or who turned e-mail off.
    expect(
      mails()
        .map((m) => m.to[0])
        .sort(),
    ).toEqual([t.admin.email, t.owner.email, t.senior.email].sort());

    const m = to(mails(), t.senior)[0]!;
    expect(m.subject).toBe(
      '[High] Escalation: VPN drops <every> 10 minutes & more (Contoso Dental · LT-0142)',
    );
    for (const part of [m.text, m.html]) {
      expect(part).toContain('Contoso Dental');
      expect(part).toContain('LT-0142');
      expect(part).toContain('High');
      expect(part).toContain('Jo Junior');
      expect(part).toContain('Outlook prompts for credentials');
      expect(part).toContain(`${PUBLIC_URL}/handoffs/${id}`);
    }
    expect(m.text).toContain('Credential manager is clean and MFA is fine; I am out of ideas');
    expect(m.text).toContain('VPN drops <every> 10 minutes & more');
    // User text is escaped in the HTML part, never interpreted.
    expect(m.html).toContain('VPN drops &lt;every&gt; 10 minutes &amp; more');
    expect(m.html).not.toContain('<every>');
    expect(m.raw).toMatch(/^From: ResolutionFlow <resolutionflow@rf\.example\.test>/m);

    const r = await waitRows(t, id, (x) =>
      x.filter((n) => n.channel === 'email').every((n) => n.status !== 'pending'),
    );
    const email = r.filter((n) => n.channel === 'email');
    expect(email.filter((n) => n.status === 'sent')).toHaveLength(3);
    expect(email.find((n) => n.recipientId === t.senior2.id)).toMatchObject({ status: 'skipped' });
  });

  it('respects the target tier and a named target', async () => {
    const t = await makeTeam(h);
    const tier3 = await escalate(t.junior, { targetTier: 3 });
    const named = await escalate(t.junior, { targetUserId: t.senior.id });
    await sink.waitFor(
      () => aboutHandoff(sink.mails, tier3.id).length >= 3 && aboutHandoff(sink.mails, named.id).length >= 1,
    );
    await settle(300);
    expect(
      aboutHandoff(sink.mails, tier3.id)
        .map((m) => m.to[0])
        .sort(),
    ).toEqual([t.admin.email, t.owner.email, t.senior2.email].sort());
    const toNamed = aboutHandoff(sink.mails, named.id);
    expect(toNamed.map((m) => m.to[0])).toEqual([t.senior.email]);
    expect(toNamed[0]!.text).toContain('escalated a session to you');
  });

  it('SMTP down at escalation: escalate answers as fast, rows retry, every mail arrives exactly once when SMTP is back', async () => {
    const t = await makeTeam(h);
    const up: number[] = [];
    for (let i = 0; i < 5; i++) up.push((await escalate(t.junior)).ms);
    await sink.waitFor(() => sink.mails.filter((m) => m.to.includes(t.owner.email)).length >= 5);

    await sink.setMode('down');
    const down: { id: string; ms: number }[] = [];
    for (let i = 0; i < 5; i++) down.push(await escalate(t.junior));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const downMs = down.map((d) => d.ms);
    expect(median(downMs)).toBeLessThan(Math.max(median(up) * 3, median(up) + 250));

    // Every e-mail row failed at least once with the connection error and waits for a retry.
    for (const d of down) {
      await waitRows(t, d.id, (r) =>
        r
          .filter((n) => n.channel === 'email')
          .every((n) => n.attempts >= 1 && /ECONNREFUSED|ECONNECTION/.test(n.lastError ?? '')),
      );
    }
    expect(down.flatMap((d) => aboutHandoff(sink.mails, d.id))).toHaveLength(0);

    await sink.setMode('up');
    const everyone = [t.admin.email, t.owner.email, t.senior.email, t.senior2.email].sort();
    await sink.waitFor(() => down.every((d) => aboutHandoff(sink.mails, d.id).length >= 4), 30_000);
    await settle(1500);
    for (const d of down) {
      const got = aboutHandoff(sink.mails, d.id)
        .map((m) => m.to[0])
        .sort();
      expect(got).toEqual(everyone); // exactly once each
      const r = await rows(t, d.id);
      const sent = r.filter((n) => n.channel === 'email' && n.status === 'sent');
      expect(sent).toHaveLength(4);
      for (const n of sent) expect(n.attempts).toBeGreaterThanOrEqual(2);
    }
  }, 60_000);

  it('a hanging SMTP server (accepts, never answers) does not slow escalation; the rows time out and retry', async () => {
    const t = await makeTeam(h);
    const up: number[] = [];
    for (let i = 0; i < 3; i++) up.push((await escalate(t.junior)).ms);
    await sink.setMode('hang');
    const hung: { id: string; ms: number }[] = [];
    for (let i = 0; i < 3; i++) hung.push(await escalate(t.junior));
    for (const x of hung) expect(x.ms).toBeLessThan(Math.max(...up) + 1000);
    await waitRows(t, hung[0]!.id, (r) =>
      r.some(
        (n) =>
          n.channel === 'email' &&
          n.status === 'pending' &&
          /timeout|greeting|ETIMEDOUT/i.test(n.lastError ?? ''),
      ),
    );
    expect(sink.hangingConnections).toBeGreaterThan(0);
    await sink.setMode('up');
    await sink.waitFor(() => hung.every((x) => aboutHandoff(sink.mails, x.id).length >= 3), 30_000);
  }, 60_000);

  it('a recipient the server refuses (550) fails at once with the reason; a 451 is retried', async () => {
    const t = await makeTeam(h);
    await sink.setMode('reject-permanent');
    const perm = await escalate(t.junior, { targetUserId: t.senior.id });
    const failed = await waitRows(t, perm.id, (r) =>
      r.some((n) => n.channel === 'email' && n.status === 'failed'),
    );
    const row = failed.find((n) => n.channel === 'email')!;
    expect(row.attempts).toBe(1);
    expect(row.lastError).toContain('550');

    await sink.setMode('reject-temporary');
    const temp = await escalate(t.junior, { targetUserId: t.senior.id });
    await waitRows(t, temp.id, (r) =>
      r.some((n) => n.channel === 'email' && n.status === 'pending' && (n.lastError ?? '').includes('451')),
    );
    await sink.setMode('up');
    await sink.waitFor(() => aboutHandoff(sink.mails, temp.id).length === 1, 30_000);
  }, 60_000);
});

describe('chat webhook', () => {
  it('posts Slack blocks, a Teams MessageCard or an Adaptive Card with the handoff link', async () => {
    const t = await makeTeam(h);
    const save = (path: string, webhookFormat: string) =>
      t.admin.client.put('/api/account/notification-settings', {
        webhookUrl: hooks.url(path),
        webhookFormat,
        reminderDelayMinutes: 5,
      });
    expect((await save('/slack', 'auto')).body).toMatchObject({ effectiveWebhookFormat: 'slack' });
    const a = await escalate(t.junior, { urgency: 'critical' });
    await hooks.waitFor((x) => x.some((k) => k.path === '/slack' && JSON.stringify(k.body).includes(a.id)));
    const slack = hooks.hooks.find((k) => k.path === '/slack')!;
    expect(slack.contentType).toContain('application/json');
    expect(slack.body.text).toContain('[Critical]');
    expect(slack.body.text).toContain(`${PUBLIC_URL}/handoffs/${a.id}`);
    expect(slack.body.blocks[0]).toMatchObject({ type: 'header' });
    const button = slack.body.blocks.find((b: any) => b.type === 'actions').elements[0];
    expect(button).toMatchObject({ type: 'button', url: `${PUBLIC_URL}/handoffs/${a.id}` });

    await save('/teams', 'teams_messagecard');
    const b = await escalate(t.junior);
    await hooks.waitFor((x) => x.some((k) => k.path === '/teams'));
    const card = hooks.hooks.find((k) => k.path === '/teams')!.body;
    expect(card['@type']).toBe('MessageCard');
    expect(card.potentialAction[0].targets[0].uri).toBe(`${PUBLIC_URL}/handoffs/${b.id}`);
    expect(card.sections[0].facts).toContainEqual({ name: 'Customer', value: 'Contoso Dental' });

    await save('/workflow', 'teams_adaptive');
    const c = await escalate(t.junior);
    await hooks.waitFor((x) => x.some((k) => k.path === '/workflow'));
    const msg = hooks.hooks.find((k) => k.path === '/workflow')!.body;
    expect(msg.type).toBe('message');
    expect(msg.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(msg.attachments[0].content.actions[0]).toMatchObject({
      type: 'Action.OpenUrl',
      url: `${PUBLIC_URL}/handoffs/${c.id}`,
    });
    const r = await waitRows(t, c.id, (x) => x.some((n) => n.channel === 'webhook' && n.status === 'sent'));
    expect(r.filter((n) => n.channel === 'webhook')).toHaveLength(1);
  });

  it('a rate-limited receiver (429 with Retry-After) is tried again no sooner than it asked', async () => {
    const t = await makeTeam(h);
    await t.admin.client.put('/api/account/notification-settings', {
      webhookUrl: hooks.url('/limited'),
      webhookFormat: 'slack',
      reminderDelayMinutes: 5,
    });
    hooks.answer = { status: 429, body: 'rate_limited', headers: { 'retry-after': '120' } };
    try {
      const before = Date.now();
      const a = await escalate(t.junior);
      const r = await waitRows(t, a.id, (x) =>
        x.some((n) => n.channel === 'webhook' && n.lastError !== null),
      );
      const hook = r.find((n) => n.channel === 'webhook')!;
      expect(hook).toMatchObject({ status: 'pending', attempts: 1 });
      expect(hook.lastError).toContain('HTTP 429');
      expect(hook.lastError).toContain('retry after 120 s');
      const { notifications } = await import('../db/schema.js');
      const { and, eq } = await import('drizzle-orm');
      const [row] = await h.deps.db.db
        .select({ next: notifications.nextAttemptAt })
        .from(notifications)
        .where(and(eq(notifications.handoffId, a.id), eq(notifications.channel, 'webhook')));
      // The worker's own backoff after a first failure is seconds; the receiver asked for two minutes.
      expect(row!.next!.getTime()).toBeGreaterThanOrEqual(before + 119_000);
      expect(hooks.hooks.filter((k) => k.path === '/limited')).toHaveLength(1);
    } finally {
      hooks.answer = { status: 200, body: 'ok' };
      await t.admin.client.put('/api/account/notification-settings', {
        webhookUrl: null,
        reminderDelayMinutes: 5,
        webhookFormat: 'auto',
      });
    }
  });

  it('Send test reaches the receiver now; a refusing receiver is reported, not an error', async () => {
    const t = await makeTeam(h);
    const ok = await t.admin.client.post('/api/account/webhook/test', { webhookUrl: hooks.url('/test-ok') });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ delivered: true, format: 'slack', status: 200, error: null });
    expect(hooks.hooks.find((k) => k.path === '/test-ok')!.body.text).toContain(
      'ResolutionFlow test message',
    );

    hooks.answer = { status: 404, body: 'no_service' };
    try {
      const gone = await t.admin.client.post('/api/account/webhook/test', { webhookUrl: hooks.url('/gone') });
      expect(gone.status).toBe(200);
      expect(gone.body).toMatchObject({ delivered: false, status: 404 });
      expect(gone.body.error).toContain('no_service');
    } finally {
      hooks.answer = { status: 200, body: 'ok' };
    }
    // Nothing saved and nothing given: the field is named.
    const none = await t.admin.client.post('/api/account/webhook/test');
    expect(none.status).toBe(400);
    expect(none.body.error.field).toBe('webhookUrl');
  });
});

describe('reminders', () => {
  const minutes = (base: Date, m: number, s = 1) => new Date(base.getTime() + m * 60_000 + s * 1000);
  const reminderMails = (t: Team, id: string, round?: number) =>
    aboutHandoff(sink.mails, id).filter(
      (m) =>
        m.subject.startsWith(`Reminder ${round ?? ''}`) &&
        [t.owner, t.admin, t.senior, t.senior2, t.junior, t.viewer].some((p) => m.to.includes(p.email)),
    );

  it('re-notify the next tier up and the admins once per delay, at most 3 times', async () => {
    const t = await makeTeam(h);
    await t.senior2.client.put('/api/me/notification-preferences', { email: true, reminders: false });
    const start = new Date();
    const { id } = await escalate(t.junior); // junior is tier 1: reminders go to tier 2+ and admins
    await sink.waitFor(() => aboutHandoff(sink.mails, id).length >= 3);

    h.setNow(minutes(start, 4));
    h.worker!.wake();
    await settle(800);
    expect(reminderMails(t, id)).toHaveLength(0);

    const expected = [t.owner.email, t.admin.email, t.senior.email].sort(); // senior2 turned reminders off
    for (const round of [1, 2, 3]) {
      h.setNow(minutes(start, 5 * round, round));
      h.worker!.wake();
      await sink.waitFor(() => reminderMails(t, id, round).length >= 3);
      await settle(300);
      expect(
        reminderMails(t, id, round)
          .map((m) => m.to[0])
          .sort(),
      ).toEqual(expected);
    }
    const r1 = reminderMails(t, id, 1)[0]!;
    expect(r1.subject).toMatch(/^Reminder 1 of 3: still unclaimed after 5 min/);
    expect(r1.text).toContain(`${PUBLIC_URL}/handoffs/${id}`);

    for (const m of [20, 25, 40]) {
      h.setNow(minutes(start, m));
      h.worker!.wake();
      await settle(500);
    }
    expect(reminderMails(t, id)).toHaveLength(9);
    const r = await rows(t, id);
    expect(
      r.filter((n) => n.intent === 'reminder' && n.recipientId === t.senior2.id).map((n) => n.status),
    ).toEqual(['skipped', 'skipped', 'skipped']);
    expect(new Set(r.filter((n) => n.intent === 'reminder').map((n) => n.round))).toEqual(new Set([1, 2, 3]));
  }, 60_000);

  it('a claim stops them', async () => {
    const t = await makeTeam(h);
    const start = new Date();
    const { id } = await escalate(t.junior);
    h.setNow(minutes(start, 5));
    h.worker!.wake();
    // Tier 2 and up (senior, senior2) and the admins (owner, admin).
    await sink.waitFor(() => reminderMails(t, id, 1).length >= 4);
    expect((await t.senior.client.post(`/api/handoffs/${id}/claim`)).status).toBe(200);
    for (const m of [10, 15, 30]) {
      h.setNow(minutes(start, m, 2));
      h.worker!.wake();
      await settle(500);
    }
    expect(reminderMails(t, id)).toHaveLength(4);
  }, 30_000);
});

describe('reminders after a release', () => {
  it('start their clock again when the escalation goes back to the queue', async () => {
    const t = await makeTeam(h);
    const start = new Date();
    const at = (m: number) => new Date(start.getTime() + m * 60_000);
    const { id } = await escalate(t.junior);
    h.setNow(at(1));
    expect((await t.senior.client.post(`/api/handoffs/${id}/claim`)).status).toBe(200);
    h.setNow(at(8));
    expect((await t.senior.client.post(`/api/handoffs/${id}/release`)).status).toBe(200);
    const reminders = () =>
      aboutHandoff(sink.mails, id).filter(
        (m) => m.subject.startsWith('Reminder') && m.to.includes(t.owner.email),
      );
    h.setNow(at(12));
    h.worker!.wake();
    await settle(600);
    expect(reminders()).toHaveLength(0); // open again since minute 8: due at 13
    h.setNow(at(13.1));
    h.worker!.wake();
    await sink.waitFor(() => reminders().length === 1);
  }, 30_000);
});

describe('retry policy', () => {
  it('backs off exponentially from seconds, capped at minutes', () => {
    const o = { backoffBaseMs: 2000, backoffCapMs: 300_000 };
    const d1 = backoffDelay(1, o);
    const d3 = backoffDelay(3, o);
    expect(d1).toBeGreaterThanOrEqual(1500);
    expect(d1).toBeLessThanOrEqual(2500);
    expect(d3).toBeGreaterThanOrEqual(6000);
    expect(d3).toBeLessThanOrEqual(10_000);
    expect(backoffDelay(12, o)).toBeLessThanOrEqual(300_000);
    expect(backoffDelay(40, o)).toBeLessThanOrEqual(300_000);
  });
});

describe('a worker in another place', () => {
  it('wakes on the commit NOTIFY, fails after a bounded number of attempts, and refuses a private webhook at send time', async () => {
    const down = await SmtpSink.start('down');
    const app = await startApp({ env: { SMTP_URL: down.url, PUBLIC_URL, ALLOW_PRIVATE_WEBHOOKS: 'true' } });
    // A worker that only ever hears about rows through NOTIFY (its timer is a minute away), and
    // that is stricter about webhook addresses than the app that saved the URL.
    const worker = await startOutboxWorker(
      {
        db: app.db,
        clock: app.deps.clock,
        config: { ...app.deps.config, allowPrivateWebhooks: false },
      },
      { pollMs: 60_000, maxAttempts: 3, backoffBaseMs: 200, backoffCapMs: 400 },
    );
    try {
      const t = await makeTeam(app);
      await t.admin.client.put('/api/account/notification-settings', {
        webhookUrl: hooks.url('/private'),
        reminderDelayMinutes: 5,
      });
      const { id } = await escalate(t.junior, { targetUserId: t.senior.id });
      const r = await waitRows(t, id, (x) => x.every((n) => n.status !== 'pending'), 10_000);
      const email = r.find((n) => n.channel === 'email')!;
      expect(email).toMatchObject({ status: 'failed', attempts: 3 });
      expect(email.lastError).toMatch(/ECONNREFUSED|ECONNECTION/);
      const hook = r.find((n) => n.channel === 'webhook')!;
      expect(hook).toMatchObject({ status: 'failed', attempts: 1 });
      expect(hook.lastError).toContain('private');
      expect(hooks.hooks.some((k) => k.path === '/private')).toBe(false);
    } finally {
      await worker.stop();
      await app.close();
      await down.close();
    }
  }, 30_000);
});
