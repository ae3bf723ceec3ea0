import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeTeam, startApp, type Team, type TeamMember } from '../test/harness.js';

let h: Harness;
let a: Team;
let b: Team;
let ids: { session: string; handoff: string; baseline: string; user: string };

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
  ids = {
    session: s.body.session.id,
    handoff: ho.body.handoff.id,
    baseline: bl.body.baseline.id,
    user: a.junior.id,
  };
});
afterAll(() => h.close());

type Role = 'viewer' | 'engineer' | 'admin';
interface Route {
  method: string;
  path: (i: typeof ids) => string;
  min: Role | 'signed-in';
  body?: unknown;
  idTaking?: boolean;
}

const routes: Route[] = [
  { method: 'GET', path: () => '/api/me', min: 'signed-in' },
  { method: 'POST', path: () => '/api/auth/logout', min: 'signed-in' },
  { method: 'GET', path: () => '/api/me/notification-preferences', min: 'signed-in' },
  { method: 'PUT', path: () => '/api/me/notification-preferences', min: 'signed-in', body: { email: true } },
  { method: 'GET', path: () => '/api/users', min: 'admin' },
  { method: 'GET', path: () => '/api/teammates', min: 'signed-in' },
  { method: 'PATCH', path: (i) => `/api/users/${i.user}`, min: 'admin', body: { tier: 1 }, idTaking: true },
  { method: 'GET', path: () => '/api/invitations', min: 'admin' },
  {
    method: 'POST',
    path: () => '/api/invitations',
    min: 'admin',
    body: { email: 'gate@example.test', role: 'viewer', tier: 1 },
  },
  { method: 'POST', path: () => '/api/sessions', min: 'engineer', body: { title: 't', problem: 'p' } },
  { method: 'GET', path: () => '/api/sessions', min: 'viewer' },
  { method: 'GET', path: (i) => `/api/sessions/${i.session}`, min: 'viewer', idTaking: true },
  {
    method: 'POST',
    path: (i) => `/api/sessions/${i.session}/steps`,
    min: 'engineer',
    body: { action: 'a', outcome: 'info' },
    idTaking: true,
  },
  {
    method: 'POST',
    path: (i) => `/api/sessions/${i.session}/notes`,
    min: 'engineer',
    body: { text: 'n' },
    idTaking: true,
  },
  {
    method: 'POST',
    path: (i) => `/api/sessions/${i.session}/assistant/messages`,
    min: 'engineer',
    body: { text: 'what next?' },
    idTaking: true,
  },
  { method: 'GET', path: (i) => `/api/sessions/${i.session}/suggestions`, min: 'viewer', idTaking: true },
  {
    method: 'POST',
    path: (i) => `/api/sessions/${i.session}/resolve`,
    min: 'engineer',
    body: { resolution: 'r' },
    idTaking: true,
  },
  {
    method: 'POST',
    path: (i) => `/api/sessions/${i.session}/handoffs`,
    min: 'engineer',
    body: { intent: 'escalate', reason: 'r', urgency: 'low' },
    idTaking: true,
  },
  { method: 'GET', path: () => '/api/handoffs', min: 'viewer' },
  { method: 'GET', path: (i) => `/api/handoffs/${i.handoff}`, min: 'viewer', idTaking: true },
  { method: 'POST', path: (i) => `/api/handoffs/${i.handoff}/claim`, min: 'engineer', idTaking: true },
  { method: 'POST', path: (i) => `/api/handoffs/${i.handoff}/release`, min: 'engineer', idTaking: true },
  { method: 'POST', path: (i) => `/api/handoffs/${i.handoff}/cancel`, min: 'engineer', idTaking: true },
  { method: 'GET', path: (i) => `/api/handoffs/${i.handoff}/notifications`, min: 'admin', idTaking: true },
  { method: 'GET', path: () => '/api/account/notification-settings', min: 'admin' },
  {
    method: 'PUT',
    path: () => '/api/account/notification-settings',
    min: 'admin',
    body: { reminderDelayMinutes: 5 },
  },
  { method: 'POST', path: () => '/api/account/webhook/test', min: 'admin', body: {} },
  { method: 'GET', path: () => '/api/mail-outbox', min: 'admin' },
  { method: 'GET', path: () => '/api/analytics/flowpilot/escalations', min: 'engineer' },
  { method: 'GET', path: () => '/api/analytics/baselines', min: 'engineer' },
  {
    method: 'POST',
    path: () => '/api/analytics/baselines',
    min: 'admin',
    body: { durationSeconds: 60, measuredAt: new Date().toISOString() },
  },
  { method: 'DELETE', path: (i) => `/api/analytics/baselines/${i.baseline}`, min: 'admin', idTaking: true },
];

const below: Record<Route['min'], (t: Team) => TeamMember[]> = {
  'signed-in': () => [],
  viewer: () => [],
  engineer: (t) => [t.viewer],
  admin: (t) => [t.viewer, t.junior, t.senior],
};

describe('every route has a role gate', () => {
  for (const r of routes) {
    it(`${r.method} ${r.path({ session: ':id', handoff: ':id', baseline: ':id', user: ':id' })}: 401 signed out${r.min === 'signed-in' || r.min === 'viewer' ? '' : `, 403 below ${r.min}`}`, async () => {
      const anon = await h.client().req(r.method, r.path(ids), r.body);
      expect(anon.status).toBe(401);
      expect(anon.body.error.code).toBe('unauthenticated');
      for (const m of below[r.min](a)) {
        const res = await m.client.req(r.method, r.path(ids), r.body);
        expect(res.status, `${m.role} on ${r.method} ${r.path(ids)}`).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
    });
  }
});

describe('tenancy: a foreign id answers 404 exactly like a missing one', () => {
  for (const r of routes.filter((x) => x.idTaking)) {
    it(`${r.method} ${r.path({ session: ':id', handoff: ':id', baseline: ':id', user: ':id' })}`, async () => {
      const foreign = await b.owner.client.req(r.method, r.path(ids), r.body);
      const missing = await b.owner.client.req(
        r.method,
        r.path({ session: 'no-such-id', handoff: 'no-such-id', baseline: 'no-such-id', user: 'no-such-id' }),
        r.body,
      );
      expect(foreign.status).toBe(404);
      expect(missing.status).toBe(404);
      expect(foreign.body).toEqual(missing.body);
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
    ['/api/sessions', { problem: 'p' }, 'title'],
    ['/api/sessions', { title: 'x', problem: '' }, 'problem'],
    ['/api/sessions', { title: 'x'.repeat(201), problem: 'p' }, 'title'],
    ['/api/sessions', [1, 2], null],
    ['/api/auth/login', { email: 'x@y.test' }, 'password'],
    [
      '/api/analytics/baselines',
      { durationSeconds: -5, measuredAt: new Date().toISOString() },
      'durationSeconds',
    ],
    ['/api/analytics/baselines', { durationSeconds: 5, measuredAt: 'yesterday' }, 'measuredAt'],
  ])('POST %s %j → 400 naming %s', async (path, body, field) => {
    const c = path.includes('baselines')
      ? a.admin.client
      : path.includes('login')
        ? h.client()
        : a.junior.client;
    const res = await c.post(path, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    if (field) {
      expect(res.body.error.field).toBe(field);
      expect(res.body.error.message).toContain(field);
    }
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
