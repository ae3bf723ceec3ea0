import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, type Fixture, urlOf, type Who } from '../test/api-routes.js';
import { type Harness, makeTeam, startApp, type Team, type TeamMember } from '../test/harness.js';

let h: Harness;
let a: Team;
let b: Team;
let ids: Omit<Fixture, 'token'>;

beforeAll(async () => {
  h = await startApp();
  [a, b] = [await makeTeam(h, 'Alpha'), await makeTeam(h, 'Beta')];
  const s = await a.junior.client.post('/api/sessions', {
    title: 'Mapped drive missing',
    problem: 'S: drive gone after reboot',
  });
  await a.junior.client.post(`/api/sessions/${s.body.session.id}/steps`, {
    action: 'Rebooted',
    outcome: 'failed',
  });
  const ho = await a.junior.client.post(`/api/sessions/${s.body.session.id}/handoffs`, {
    intent: 'escalate',
    reason: 'stuck',
    urgency: 'normal',
  });
  const bl = await a.admin.client.post('/api/analytics/baselines', {
    durationSeconds: 300,
    measuredAt: new Date().toISOString(),
  });
  const notes = await a.junior.client.get(`/api/sessions/${s.body.session.id}/notes`);
  const inv = await a.admin.client.post('/api/invitations', {
    email: `gate-invitee-${Date.now()}@example.test`,
    role: 'viewer',
    tier: 1,
  });
  ids = {
    session: s.body.session.id,
    handoff: ho.body.handoff.id,
    baseline: bl.body.baseline.id,
    user: a.junior.id,
    note: notes.body.notes[0].id,
    invitation: inv.body.invitation.id,
    // Only ever asked for by people who may not remove anyone (403) or by another account (404).
    removable: a.senior2.id,
  };
});
afterAll(() => h.close());

const gated = API_ROUTES.filter((r) => r.min !== 'anyone');
const fixture = (): Fixture => ({ ...ids, token: 'unused' });
const missing: Fixture = {
  session: 'no-such-id',
  handoff: 'no-such-id',
  baseline: 'no-such-id',
  user: 'no-such-id',
  token: 'no-such-token',
  note: 'no-such-id',
  invitation: 'no-such-id',
  removable: 'no-such-id',
};

const below: Record<Exclude<Who, 'anyone'>, (t: Team) => TeamMember[]> = {
  'signed-in': () => [],
  viewer: () => [],
  engineer: (t) => [t.viewer],
  admin: (t) => [t.viewer, t.junior, t.senior],
};

// The routes come from the shared list (test/api-routes.ts), so a new route gets these tests too.
describe('every route has a role gate', () => {
  for (const r of gated) {
    const min = r.min as Exclude<Who, 'anyone'>;
    it(`${r.method} ${r.path}: 401 signed out${min === 'signed-in' || min === 'viewer' ? '' : `, 403 below ${min}`}`, async () => {
      const f = fixture();
      const anon = await h.client().req(r.method, urlOf(r, f), r.body?.(f));
      expect(anon.status).toBe(401);
      expect(anon.body.error.code).toBe('unauthenticated');
      for (const m of below[min](a)) {
        const res = await m.client.req(r.method, urlOf(r, f), r.body?.(f));
        expect(res.status, `${m.role} on ${r.method} ${urlOf(r, f)}`).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
    });
  }
});

describe('tenancy: a foreign id answers 404 exactly like a missing one', () => {
  for (const r of gated.filter((x) => x.param)) {
    it(`${r.method} ${r.path}`, async () => {
      const f = fixture();
      const foreign = await b.owner.client.req(r.method, urlOf(r, f), r.body?.(f));
      const none = await b.owner.client.req(r.method, urlOf(r, missing), r.body?.(f));
      expect(foreign.status).toBe(404);
      expect(none.status).toBe(404);
      expect(foreign.body).toEqual(none.body);
    });
  }

  it('nothing of another account shows up in lists', async () => {
    expect((await b.owner.client.get('/api/sessions')).body.sessions).toEqual([]);
    expect(
      (await b.owner.client.get('/api/handoffs?status=open,claimed,cancelled,resolved')).body.handoffs,
    ).toEqual([]);
    expect((await b.owner.client.get('/api/analytics/baselines')).body.baselines).toEqual([]);
    const users = (await b.owner.client.get('/api/users')).body.users as { id: string }[];
    expect(users.map((u) => u.id)).not.toContain(a.junior.id);
    const analytics = (await b.owner.client.get('/api/analytics/flowpilot/escalations')).body;
    expect(analytics.escalations).toBe(0);
    expect(analytics.baseline.n).toBe(0);
  });

  it("the foreign attempts changed nothing in the owner's account", async () => {
    const s = await a.junior.client.get(`/api/sessions/${ids.session}`);
    expect(s.body.session.status).not.toBe('resolved');
    expect(s.body.session.timeline.filter((e: { kind: string }) => e.kind === 'step')).toHaveLength(1);
    const ho = await a.junior.client.get(`/api/handoffs/${ids.handoff}`);
    expect(ho.body.handoff.status).toBe('open');
    expect((await a.admin.client.get('/api/analytics/baselines')).body.baselines).toHaveLength(1);
  });
});

describe('bad input gets a clear 4xx', () => {
  it('malformed JSON is a 400 invalid_json', async () => {
    const res = await a.junior.client.req('POST', '/api/sessions', '{"title": "x",', {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
  });

  it('a non-JSON body is a 415', async () => {
    const res = await a.junior.client.req('POST', '/api/sessions', 'title=x', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(415);
    const text = await a.junior.client.req('POST', '/api/sessions', 'hello', {
      'content-type': 'text/plain',
    });
    expect(text.status).toBe(415);
  });

  it('a missing body is a 400', async () => {
    const res = await a.junior.client.req('POST', '/api/sessions');
    expect(res.status).toBe(400);
  });

  it.each([
    ['/api/sessions', { problem: 'p' }, 'title', 'Title is required'],
    ['/api/sessions', { title: 'x', problem: '' }, 'problem', 'Problem is required'],
    [
      '/api/sessions',
      { title: 'x'.repeat(201), problem: 'p' },
      'title',
      'Title can be at most 200 characters',
    ],
    ['/api/sessions', [1, 2], 'body', 'The request body must be a JSON object'],
    ['/api/auth/login', { email: 'x@y.test' }, 'password', 'Password is required'],
    [
      '/api/analytics/baselines',
      { durationSeconds: -5, measuredAt: new Date().toISOString() },
      'durationSeconds',
      'Duration must be a positive number of seconds',
    ],
    [
      '/api/analytics/baselines',
      { durationSeconds: 5, measuredAt: 'yesterday' },
      'measuredAt',
      'Measured at must be a date and time like 2026-03-01T09:30:00Z',
    ],
  ])('POST %s %j → 400 naming %s in plain words', async (path, body, field, message) => {
    const c = path.includes('baselines')
      ? a.admin.client
      : path.includes('login')
        ? h.client()
        : a.junior.client;
    const res = await c.post(path, body);
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'invalid_input', field, message, fields: [{ field, message }] });
  });

  it('invalid step outcome and handoff urgency name the field', async () => {
    const step = await a.junior.client.post(`/api/sessions/${ids.session}/steps`, {
      action: 'x',
      outcome: 'maybe',
    });
    expect(step.status).toBe(400);
    expect(step.body.error.field).toBe('outcome');
    const esc = await a.senior.client.post(`/api/sessions/${ids.session}/handoffs`, {
      intent: 'escalate',
      reason: 'x',
      urgency: 'asap',
    });
    expect(esc.status).toBe(400);
    expect(esc.body.error.field).toBe('urgency');
  });

  it('bad query parameters are a 400', async () => {
    expect((await a.junior.client.get('/api/handoffs?status=bogus')).status).toBe(400);
    expect((await a.junior.client.get('/api/sessions?status=nope')).status).toBe(400);
    expect((await a.junior.client.get('/api/analytics/flowpilot/escalations?period=1y')).status).toBe(400);
    expect((await a.junior.client.get('/api/analytics/flowpilot/escalations?compare=yes')).status).toBe(400);
    expect(
      (await a.junior.client.get('/api/analytics/flowpilot/escalations?from=2026-02-01&to=2026-01-01'))
        .status,
    ).toBe(400);
  });

  it('a foreign Origin on a state-changing request is a 403; the same origin passes', async () => {
    const evil = await a.junior.client.req(
      'POST',
      '/api/sessions',
      { title: 't', problem: 'p' },
      { origin: 'https://evil.example' },
    );
    expect(evil.status).toBe(403);
    expect(evil.body.error.code).toBe('cross_site');
    const ok = await a.junior.client.req(
      'POST',
      '/api/sessions',
      { title: 't', problem: 'p' },
      { origin: h.url },
    );
    expect(ok.status).toBe(201);
    const login = await h
      .client()
      .req('POST', '/api/auth/login', { email: a.junior.email, password: 'x' }, { origin: 'null' });
    expect(login.status).toBe(403);
  });

  it('an unknown API route is a JSON 404', async () => {
    const res = await a.junior.client.get('/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('healthz reports the database', async () => {
    const res = await h.client().get('/api/healthz');
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
  });

  it('healthz answers 503 when the database is gone', async () => {
    const broken = await startApp();
    try {
      await broken.db.close();
      const c = broken.client();
      c.allow5xx = true;
      const res = await c.get('/api/healthz');
      expect(res.status).toBe(503);
      expect(res.body.ok).toBe(false);
    } finally {
      await broken.app.close();
    }
  });
});
