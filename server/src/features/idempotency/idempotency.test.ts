import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type Harness, makeTeam, startApp, type Team } from '../../test/harness.js';
import { purgeExpiredIdempotencyKeys } from './idempotency.js';
import * as repo from './repo.js';

let h: Harness;
let t: Team;
beforeAll(async () => {
  h = await startApp();
  t = await makeTeam(h, 'Retry Co');
});
afterAll(() => h.close());

let n = 0;
const newKey = () => `key-${Date.now().toString(36)}-${++n}`;
const withKey = (c: Client, key: string, path: string, body: unknown) =>
  c.req('POST', path, body, { 'idempotency-key': key });

async function session(who = t.junior) {
  const s = await who.client.post('/api/sessions', {
    title: 'VPN drops hourly',
    problem: 'Tunnel resets at :00',
  });
  return s.body.session.id as string;
}
const timelineOf = async (id: string) =>
  (await t.admin.client.get(`/api/sessions/${id}`)).body.session.timeline as { kind: string; text: string }[];

/** Each create, its body, and how to count what it made. */
const creates: Array<{
  name: string;
  path: (sessionId: string) => string;
  body: (tag: string) => object;
  count: (sessionId: string, tag: string) => Promise<number>;
}> = [
  {
    name: 'session',
    path: () => '/api/sessions',
    body: (tag) => ({ title: `Printer ${tag}`, problem: 'Offline for everyone' }),
    count: async (_s, tag) =>
      ((await t.junior.client.get(`/api/sessions?q=${encodeURIComponent(tag)}`)).body.sessions as unknown[])
        .length,
  },
  {
    name: 'step',
    path: (s) => `/api/sessions/${s}/steps`,
    body: (tag) => ({ action: `Restarted the spooler ${tag}`, outcome: 'failed' }),
    count: async (s, tag) => (await timelineOf(s)).filter((e) => e.text.includes(tag)).length,
  },
  {
    name: 'note',
    path: (s) => `/api/sessions/${s}/notes`,
    body: (tag) => ({ text: `Customer says it started Monday ${tag}` }),
    count: async (s, tag) => (await timelineOf(s)).filter((e) => e.text.includes(tag)).length,
  },
  {
    name: 'assistant message',
    path: (s) => `/api/sessions/${s}/assistant/messages`,
    body: (tag) => ({ text: `What next? ${tag}` }),
    count: async (s, tag) =>
      (await timelineOf(s)).filter((e) => e.kind === 'assistant_user' && e.text.includes(tag)).length,
  },
  {
    name: 'escalation',
    path: (s) => `/api/sessions/${s}/handoffs`,
    body: (tag) => ({ intent: 'escalate', reason: `Stuck ${tag}`, urgency: 'high' }),
    count: async (_s, tag) =>
      ((await t.admin.client.get('/api/handoffs?status=open')).body.handoffs as { reason: string }[]).filter(
        (x) => x.reason.includes(tag),
      ).length,
  },
];

describe('Idempotency-Key on creates', () => {
  for (const c of creates) {
    it(`${c.name}: a retry with the same key does nothing twice and answers what the first answered`, async () => {
      const s = await session();
      const tag = newKey();
      const key = newKey();
      const first = await withKey(t.junior.client, key, c.path(s), c.body(tag));
      expect(first.status).toBe(201);
      const again = await withKey(t.junior.client, key, c.path(s), c.body(tag));
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(await c.count(s, tag)).toBe(1);
      // Without a key (or with a new one) it is a new request.
      const other = await withKey(t.junior.client, newKey(), c.path(s), c.body(tag));
      expect(other.status).toBe(c.name === 'escalation' ? 409 : 201);
    });

    it(`${c.name}: two identical requests at the same moment make one, and both get the first answer`, async () => {
      const s = await session();
      const tag = newKey();
      const key = newKey();
      const [a, b] = await Promise.all([
        withKey(t.junior.client, key, c.path(s), c.body(tag)),
        withKey(t.junior.client, key, c.path(s), c.body(tag)),
      ]);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(b.body).toEqual(a.body);
      expect(await c.count(s, tag)).toBe(1);
      expect([a, b].filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(1);
    });
  }

  it('eight twins of one escalation: one handoff, eight identical answers', async () => {
    const s = await session();
    const key = newKey();
    const body = { intent: 'escalate', reason: 'Twins', urgency: 'normal' };
    const all = await Promise.all(
      Array.from({ length: 8 }, () => withKey(t.junior.client, key, `/api/sessions/${s}/handoffs`, body)),
    );
    expect(all.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(new Set(all.map((r) => r.body.handoff.id)).size).toBe(1);
  });

  it('a key reused for a different body or route is refused with 422, and nothing is done', async () => {
    const s = await session();
    const key = newKey();
    expect((await withKey(t.junior.client, key, `/api/sessions/${s}/notes`, { text: 'first' })).status).toBe(
      201,
    );
    const otherBody = await withKey(t.junior.client, key, `/api/sessions/${s}/notes`, { text: 'second' });
    expect(otherBody.status).toBe(422);
    expect(otherBody.body.error.code).toBe('idempotency_key_reused');
    const otherRoute = await withKey(t.junior.client, key, `/api/sessions/${s}/steps`, {
      action: 'first',
      outcome: 'info',
    });
    expect(otherRoute.status).toBe(422);
    const otherSession = await withKey(t.junior.client, key, `/api/sessions/${await session()}/notes`, {
      text: 'first',
    });
    expect(otherSession.status).toBe(422);
    expect((await timelineOf(s)).map((e) => e.text)).toEqual(['first']);
  });

  it('the same body with its keys in another order is the same request: replayed, not refused', async () => {
    const key = newKey();
    const first = await withKey(t.junior.client, key, '/api/sessions', '{"title":"Key order","problem":"p"}');
    expect(first.status).toBe(201);
    const reordered = await withKey(
      t.junior.client,
      key,
      '/api/sessions',
      '{"problem":"p","title":"Key order"}',
    );
    expect(reordered.status, JSON.stringify(reordered.body)).toBe(201);
    expect(reordered.headers.get('idempotent-replayed')).toBe('true');
    expect(reordered.body).toEqual(first.body);
    // Nested objects too (an escalation's psa options); a changed value is still another request.
    const s = await session();
    const k2 = newKey();
    const path = `/api/sessions/${s}/handoffs`;
    const a = await withKey(
      t.junior.client,
      k2,
      path,
      '{"intent":"escalate","reason":"Order","urgency":"high","psa":{"post":false,"timeEntry":false}}',
    );
    expect(a.status).toBe(201);
    const b = await withKey(
      t.junior.client,
      k2,
      path,
      '{"psa":{"timeEntry":false,"post":false},"urgency":"high","reason":"Order","intent":"escalate"}',
    );
    expect(b.status).toBe(201);
    expect(b.body.handoff.id).toBe(a.body.handoff.id);
    const changed = await withKey(
      t.junior.client,
      key,
      '/api/sessions',
      '{"problem":"q","title":"Key order"}',
    );
    expect(changed.status).toBe(422);
  });

  it('keys belong to their user: another user with the same key makes their own', async () => {
    const key = newKey();
    const body = { title: `Shared key ${key}`, problem: 'p' };
    const a = await withKey(t.junior.client, key, '/api/sessions', body);
    const b = await withKey(t.senior.client, key, '/api/sessions', body);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.session.id).not.toBe(a.body.session.id);
    expect(b.body.session.owner.id).toBe(t.senior.id);
  });

  it('a failed request is not replayed: once it may succeed, the same key runs it', async () => {
    const s = await session();
    const key = newKey();
    const step = { action: 'Checked the firewall logs', outcome: 'info' };
    const refused = await withKey(t.senior.client, key, `/api/sessions/${s}/steps`, step);
    expect(refused.status).toBe(403);
    const e = await t.junior.client.post(`/api/sessions/${s}/handoffs`, {
      intent: 'escalate',
      reason: 'stuck',
      urgency: 'low',
    });
    expect((await t.senior.client.post(`/api/handoffs/${e.body.handoff.id}/claim`)).status).toBe(200);
    const ok = await withKey(t.senior.client, key, `/api/sessions/${s}/steps`, step);
    expect(ok.status).toBe(201);
  });

  it('keys expire after 24 hours: then the same key is a new request; the purge removes old keys', async () => {
    const key = newKey();
    const body = { title: `Expiring ${key}`, problem: 'p' };
    const first = await withKey(t.junior.client, key, '/api/sessions', body);
    h.setNow(new Date(Date.now() + 25 * 3600_000));
    try {
      const later = await withKey(t.junior.client, key, '/api/sessions', body);
      expect(later.status).toBe(201);
      expect(later.body.session.id).not.toBe(first.body.session.id);
      expect(later.headers.get('idempotent-replayed')).toBeNull();

      const stale = newKey();
      await withKey(t.junior.client, stale, '/api/sessions', { title: 'old', problem: 'p' });
      h.setNow(new Date(Date.now() + 50 * 3600_000));
      expect(await purgeExpiredIdempotencyKeys(h.deps)).toBeGreaterThanOrEqual(2);
      expect(await repo.findKey(h.db.db, t.junior.id, stale)).toBeNull();
    } finally {
      h.setNow(null);
    }
  });

  it('a malformed key is a 400 naming the header', async () => {
    for (const bad of ['', 'x'.repeat(256), 'has space', 'naïve']) {
      const res = await withKey(t.junior.client, bad, '/api/sessions', { title: 't', problem: 'p' });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error.field).toBe('Idempotency-Key');
    }
  });
});
