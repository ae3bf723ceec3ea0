import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications } from '../../db/schema.js';
import { type Harness, makeTeam, startApp, type Team } from '../../test/harness.js';
import { isPrivateAddress } from './address-policy.js';
import { resolveWebhookFormat } from './messages.js';

let h: Harness;
let t: Team;

beforeAll(async () => {
  // No SMTP_URL: mail goes to the local mail outbox, as in the embedded demo.
  h = await startApp({ env: { PUBLIC_URL: 'https://rf.example.test' }, worker: true });
  t = await makeTeam(h);
});
afterAll(() => h.close());

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`never happened; last: ${JSON.stringify(v).slice(0, 500)}`);
    await settle(50);
  }
}

describe('notification preferences', () => {
  it('are per user: e-mail and reminders switch separately, and reminders may be left out', async () => {
    const c = t.senior.client;
    expect((await c.get('/api/me/notification-preferences')).body).toEqual({ email: true, reminders: true });
    expect((await c.put('/api/me/notification-preferences', { email: true, reminders: false })).body).toEqual(
      {
        email: true,
        reminders: false,
      },
    );
    // Leaving `reminders` out keeps it.
    expect((await c.put('/api/me/notification-preferences', { email: false })).body).toEqual({
      email: false,
      reminders: false,
    });
    expect((await c.get('/api/me/notification-preferences')).body).toEqual({
      email: false,
      reminders: false,
    });
    expect((await t.senior2.client.get('/api/me/notification-preferences')).body).toEqual({
      email: true,
      reminders: true,
    });
    for (const [body, field] of [
      [{ email: 'yes' }, 'email'],
      [{ reminders: true }, 'email'],
      [{ email: true, reminders: 1 }, 'reminders'],
    ] as const) {
      const bad = await c.put('/api/me/notification-preferences', body);
      expect(bad.status).toBe(400);
      expect(bad.body.error.field).toBe(field);
    }
    await c.put('/api/me/notification-preferences', { email: true, reminders: true });
  });
});

describe('account notification settings', () => {
  it('start with no webhook and a 5-minute reminder delay', async () => {
    const other = await makeTeam(h);
    expect((await other.admin.client.get('/api/account/notification-settings')).body).toEqual({
      webhookUrl: null,
      webhookFormat: 'auto',
      effectiveWebhookFormat: null,
      reminderDelayMinutes: 5,
    });
  });

  it('refuse a webhook that is not https or that points at a private address, naming the field', async () => {
    const put = (webhookUrl: string) =>
      t.admin.client.put('/api/account/notification-settings', { webhookUrl, reminderDelayMinutes: 5 });
    const cases: [string, RegExp][] = [
      ['http://93.184.215.14/hook', /https/],
      ['not a url', /https/],
      ['https://user:secret@93.184.215.14/hook', /user name or password/],
      ['https://127.0.0.1/hook', /private, loopback or link-local/],
      ['https://localhost:8443/hook', /localhost resolves to .* private/],
      ['https://10.1.2.3/hook', /private/],
      ['https://169.254.169.254/latest/meta-data', /private/],
      ['https://[::1]/hook', /private/],
      ['https://[::ffff:192.168.1.10]/hook', /private/],
      ['https://[::ffff:0:7f00:1]/hook', /private/], // IPv4-translated 127.0.0.1
      ['https://[64:ff9b:1::a00:1]/hook', /private/], // local-use NAT64
      ['https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook', /private/], // Teredo
      ['https://2130706433/hook', /private/], // 127.0.0.1 written as a number
      ['https://0x7f.1/hook', /private/],
      ['https://no-such-host.invalid/hook', /could not be resolved/],
    ];
    for (const [url, message] of cases) {
      const res = await put(url);
      expect(res.status, url).toBe(400);
      expect(res.body.error.field, url).toBe('webhookUrl');
      expect(res.body.error.message, url).toMatch(message);
    }
    expect((await t.admin.client.get('/api/account/notification-settings')).body.webhookUrl).toBeNull();
  });

  it('save a public https webhook, its format and the reminder delay; null removes the webhook', async () => {
    const url = 'https://93.184.215.14/services/T000/B000/XXXX';
    const saved = await t.admin.client.put('/api/account/notification-settings', {
      webhookUrl: url,
      reminderDelayMinutes: 12,
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({
      webhookUrl: url,
      webhookFormat: 'auto',
      effectiveWebhookFormat: 'slack',
      reminderDelayMinutes: 12,
    });
    // Leaving webhookUrl out keeps it; the format can be forced.
    const teams = await t.admin.client.put('/api/account/notification-settings', {
      webhookFormat: 'teams_adaptive',
      reminderDelayMinutes: 12,
    });
    expect(teams.body).toMatchObject({ webhookUrl: url, effectiveWebhookFormat: 'teams_adaptive' });
    for (const [body, field] of [
      [{ reminderDelayMinutes: 0 }, 'reminderDelayMinutes'],
      [{ reminderDelayMinutes: 1.5 }, 'reminderDelayMinutes'],
      [{}, 'reminderDelayMinutes'],
      [{ reminderDelayMinutes: 5, webhookFormat: 'discord' }, 'webhookFormat'],
      [{ reminderDelayMinutes: 5, webhookUrl: `https://93.184.215.14/${'x'.repeat(2000)}` }, 'webhookUrl'],
    ] as const) {
      const bad = await t.admin.client.put('/api/account/notification-settings', body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.error.field).toBe(field);
    }
    const removed = await t.admin.client.put('/api/account/notification-settings', {
      webhookUrl: null,
      webhookFormat: 'auto',
      reminderDelayMinutes: 5,
    });
    expect(removed.body).toMatchObject({ webhookUrl: null, effectiveWebhookFormat: null });
  });

  it('Send test refuses a private address with a 400 naming the field, before sending anything', async () => {
    const res = await t.admin.client.post('/api/account/webhook/test', {
      webhookUrl: 'https://192.168.0.5/hook',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('webhookUrl');
  });
});

describe('the address policy', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.0.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['100.64.0.1', true],
    ['169.254.169.254', true],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['255.255.255.255', true],
    ['8.8.8.8', false],
    ['93.184.215.14', false],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['fd12:3456::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:8.8.8.8', false],
    ['64:ff9b::10.0.0.1', true],
    ['64:ff9b::8.8.8.8', false], // the well-known NAT64 prefix to a public address
    ['2002:c0a8:0101::1', true], // 6to4 of 192.168.1.1
    ['2002:808:808::1', false], // 6to4 of 8.8.8.8
    // IPv4-translated (SIIT, ::ffff:0:0:0/96): judged by the IPv4 address it carries
    ['::ffff:0:7f00:1', true],
    ['::ffff:0:127.0.0.1', true],
    ['::ffff:0:a9fe:a9fe', true], // 169.254.169.254
    ['::ffff:0:808:808', false],
    ['::ffff:0.0.0.0', true],
    ['::127.0.0.1', true], // IPv4-compatible (deprecated)
    ['::8.8.8.8', true],
    // Outside global unicast (2000::/3) nothing is reachable: special ranges fail closed.
    ['64:ff9b:1::a00:1', true], // local-use NAT64 (RFC 8215)
    ['64:ff9b:1::808:808', true],
    ['100::1', true], // discard-only
    ['5f00::1', true], // SRv6 SIDs
    ['fec0::1', true], // old site-local
    ['ff02::1', true], // multicast
    ['4000::1', true], // unallocated
    // Special blocks inside 2000::/3.
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', true], // Teredo
    ['2001:2::1', true], // benchmarking
    ['2001:db8::1', true], // documentation
    ['3fff::1', true], // documentation (RFC 9637)
    ['2606:4700:4700::1111', false],
    ['2a00:1450:4001:82a::200e', false],
    ['fe80::1%eth0', true],
    ['not-an-ip', true],
  ])('%s private: %s', (ip, expected) => {
    expect(isPrivateAddress(ip)).toBe(expected);
  });

  it('picks the chat format from the URL host', () => {
    expect(resolveWebhookFormat('https://hooks.slack.com/services/T/B/X', 'auto')).toBe('slack');
    expect(resolveWebhookFormat('https://contoso.webhook.office.com/webhookb2/x', 'auto')).toBe(
      'teams_messagecard',
    );
    expect(resolveWebhookFormat('https://prod-12.westeurope.logic.azure.com/workflows/x', 'auto')).toBe(
      'teams_adaptive',
    );
    expect(resolveWebhookFormat('https://chat.example.com/hooks/abc', 'auto')).toBe('slack');
    expect(resolveWebhookFormat('https://hooks.slack.com/x', 'teams_messagecard')).toBe('teams_messagecard');
  });
});

describe('links', () => {
  it('an invitation link comes from PUBLIC_URL, never from a forged Host header', async () => {
    const res = await t.admin.client.req(
      'POST',
      '/api/invitations',
      { email: `forged-${Date.now()}@example.test`, role: 'engineer', tier: 1 },
      { host: 'evil.example', 'x-forwarded-host': 'evil.example' },
    );
    expect(res.status).toBe(201);
    expect(res.body.acceptUrl).toBe(`https://rf.example.test/invite/${res.body.token}`);
  });

  it('without PUBLIC_URL they use http://localhost:PORT', async () => {
    const bare = await startApp({ env: { PORT: '4321' } });
    try {
      const team = await makeTeam(bare);
      const res = await team.admin.client.req(
        'POST',
        '/api/invitations',
        { email: `bare-${Date.now()}@example.test`, role: 'viewer', tier: 1 },
        { host: 'evil.example' },
      );
      expect(res.body.acceptUrl).toBe(`http://localhost:4321/invite/${res.body.token}`);
    } finally {
      await bare.close();
    }
  });
});

describe('the local mail outbox (no SMTP_URL)', () => {
  it('keeps every e-mail exactly as it would be sent, for the admins of that account only', async () => {
    const s = await t.junior.client.post('/api/sessions', {
      title: 'Printer offline on floor 3',
      problem: 'HP LaserJet shows offline for everyone since the switch was replaced.',
      customer: 'Fabrikam',
      asset: 'PRN-3F',
    });
    const esc = await t.junior.client.post(`/api/sessions/${s.body.session.id}/handoffs`, {
      intent: 'escalate',
      reason: 'Port security on the new switch?',
      urgency: 'normal',
      targetTier: 2,
    });
    expect(esc.status).toBe(201);
    const handoffId = esc.body.handoff.id;
    const email = `new-tech-${Date.now()}@example.test`;
    const inv = await t.admin.client.post('/api/invitations', { email, role: 'engineer', tier: 1 });

    const box = await waitFor(
      async () => (await t.admin.client.get('/api/mail-outbox')).body,
      (b) =>
        b.mail.filter((m: any) => m.handoffId === handoffId).length >= 4 &&
        b.mail.some((m: any) => m.to === email),
    );
    expect(box.smtpConfigured).toBe(false);
    const forHandoff = box.mail.filter((m: any) => m.handoffId === handoffId);
    // Tier 2 and up: owner, admin, senior (tier 2), senior2 (tier 3); not the junior, not the viewer.
    expect(forHandoff.map((m: any) => m.to).sort()).toEqual(
      [t.owner.email, t.admin.email, t.senior.email, t.senior2.email].sort(),
    );
    const m = forHandoff[0];
    expect(m).toMatchObject({ intent: 'escalate', from: 'ResolutionFlow <resolutionflow@rf.example.test>' });
    expect(m.subject).toBe('[Normal] Escalation: Printer offline on floor 3 (Fabrikam · PRN-3F)');
    expect(m.text).toContain(`https://rf.example.test/handoffs/${handoffId}`);
    expect(m.html).toContain('Port security on the new switch?');
    // The raw message is the real MIME message: headers, and both parts.
    expect(m.raw).toMatch(/^Content-Type: multipart\/alternative;\s+boundary=/m);
    expect(m.raw).toMatch(/^Subject: /m);
    expect(m.raw).toContain('Content-Type: text/plain; charset=utf-8');
    expect(m.raw).toContain('Content-Type: text/html; charset=utf-8');
    expect(m.raw).toContain('\r\n');

    const invitation = box.mail.find((x: any) => x.to === email);
    expect(invitation.intent).toBe('invitation');
    expect(invitation.subject).toContain('invited you to');
    expect(invitation.text).toContain(inv.body.acceptUrl);

    const other = await makeTeam(h);
    expect((await other.admin.client.get('/api/mail-outbox')).body.mail).toEqual([]);
    expect((await t.senior.client.get('/api/mail-outbox')).status).toBe(403);
    const bad = await t.admin.client.get('/api/mail-outbox?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('limit');

    // The delivery panel's rows: who was told, on which channel, with what result.
    const rows = (await t.admin.client.get(`/api/handoffs/${handoffId}/notifications`)).body.notifications;
    expect(rows.filter((r: any) => r.channel === 'email').every((r: any) => r.status === 'sent')).toBe(true);
    expect(rows.filter((r: any) => r.channel === 'in_app')).toHaveLength(4);
    expect(rows[0]).toEqual({
      id: expect.any(String),
      channel: expect.any(String),
      intent: 'escalate',
      round: null,
      recipientId: expect.any(String),
      recipient: { id: expect.any(String), name: expect.any(String) },
      status: 'sent',
      attempts: expect.any(Number),
      lastError: null,
      nextAttemptAt: null,
      sentAt: expect.any(String),
    });
    expect((await other.admin.client.get(`/api/handoffs/${handoffId}/notifications`)).status).toBe(404);
  });

  it('does not keep an invitation link in the outbox row after sending', async () => {
    const email = `scrub-${Date.now()}@example.test`;
    const inv = await t.admin.client.post('/api/invitations', { email, role: 'viewer', tier: 1 });
    const row = await waitFor(
      async () =>
        (
          await h.db.db
            .select({ status: notifications.status, payload: notifications.payload })
            .from(notifications)
            .where(
              and(eq(notifications.intent, 'invitation'), sql`${notifications.payload}->>'to' = ${email}`),
            )
        )[0],
      (r) => r?.status === 'sent',
    );
    expect(JSON.stringify(row!.payload)).not.toContain(inv.body.token);
  });
});
