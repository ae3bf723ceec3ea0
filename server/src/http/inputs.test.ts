import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeTeam, type Res, startApp, type Team } from '../test/harness.js';

// Issue 13 items 5–8 and issue 12 item 6: inputs that answered 500 (or a 400 without a field),
// and validation messages in plain words, all at once. The harness client fails any 5xx.
let h: Harness;
let t: Team;
let session: string;
let handoff: string;

beforeAll(async () => {
  h = await startApp();
  t = await makeTeam(h, 'Inputs');
  session = (await t.junior.client.post('/api/sessions', { title: 'Outlook', problem: 'Prompts' })).body
    .session.id;
  handoff = (
    await t.junior.client.post(`/api/sessions/${session}/handoffs`, {
      intent: 'escalate',
      reason: 'stuck',
      urgency: 'low',
    })
  ).body.handoff.id;
  await t.senior.client.post(`/api/handoffs/${handoff}/claim`);
});
afterAll(() => h.close());

function expect400(res: Res, field: string, message?: RegExp) {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.error.code).toBe('invalid_input');
  expect(res.body.error.field).toBe(field);
  expect(res.body.error.fields[0]).toEqual({ field, message: res.body.error.message });
  if (message) expect(res.body.error.message).toMatch(message);
}

describe('a NUL byte is a 400 naming the field (404 in an id)', () => {
  it.each([
    ['title', { title: 'VPN\u0000', problem: 'p' }],
    ['problem', { title: 't', problem: '\u0000' }],
    ['customer', { title: 't', problem: 'p', customer: 'Contoso\u0000Ltd' }],
  ])('POST /api/sessions %s', async (field, body) => {
    expect400(await t.junior.client.post('/api/sessions', body), field, /not allowed \(a NUL byte\)/);
  });

  it('in a step, a note, a chat message, a resolution and an escalation reason', async () => {
    const c = t.senior.client;
    expect400(
      await c.post(`/api/sessions/${session}/steps`, { action: 'a\u0000', outcome: 'info' }),
      'action',
    );
    expect400(await c.post(`/api/sessions/${session}/notes`, { text: '\u0000' }), 'text');
    expect400(await c.post(`/api/sessions/${session}/assistant/messages`, { text: 'x\u0000' }), 'text');
    expect400(await c.post(`/api/sessions/${session}/resolve`, { resolution: 'done\u0000' }), 'resolution');
    const other = (await t.junior.client.post('/api/sessions', { title: 'x', problem: 'y' })).body.session.id;
    expect400(
      await t.junior.client.post(`/api/sessions/${other}/handoffs`, {
        intent: 'escalate',
        reason: 'r\u0000',
        urgency: 'low',
      }),
      'reason',
    );
  });

  it('signed out, on sign-in and sign-up', async () => {
    expect400(await h.client().post('/api/auth/login', { email: 'a\u0000@b.test', password: 'x' }), 'email');
    expect400(
      await h.client().post('/api/auth/login', { email: 'a@b.test', password: 'pass\u0000word' }),
      'password',
    );
    expect400(
      await h.client().post('/api/auth/signup', {
        accountName: 'Acme\u0000',
        name: 'A',
        email: 'a@b.test',
        password: 'longenough1',
      }),
      'accountName',
    );
  });

  it('in ?q= and ?owner= on the session list', async () => {
    expect400(await t.junior.client.get('/api/sessions?q=%00'), 'q', /^Search /);
    expect400(await t.junior.client.get('/api/sessions?owner=%00'), 'owner');
  });

  it.each([
    'GET /api/sessions/%00',
    'POST /api/sessions/a%00b/notes',
    'GET /api/handoffs/%00',
    'POST /api/handoffs/%00/claim',
    'DELETE /api/analytics/baselines/%00',
    'PATCH /api/users/%00',
    'GET /api/invitations/%00',
    'GET /api/sessions/%ED%A0%80',
    'GET /api/sessions/%zz',
  ])('%s → 404', async (line) => {
    const [method, path] = line.split(' ') as [string, string];
    const c = path.includes('users') || path.includes('baselines') ? t.admin.client : t.junior.client;
    const body = method === 'GET' || method === 'DELETE' ? undefined : { text: 'x', tier: 1 };
    const res = await c.req(method, path, body);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('dates outside a sane range are a 400 naming the field', () => {
  it.each([
    ['from=9999-12-01&to=9999-12-31', 'from'],
    ['to=0001-01-15', 'to'],
    ['from=0000-01-01', 'from'],
    ['to=0000-01-01T00:00:00Z', 'to'],
    ['from=1999-12-31&to=2000-01-05', 'from'],
    ['to=%2B275760-09-13T00:00:00Z', 'to'],
  ])('analytics ?%s', async (q, field) => {
    expect400(
      await t.senior.client.get(`/api/analytics/flowpilot/escalations?${q}`),
      field,
      /between 2000-01-01|must be a date like 2026-03-01/,
    );
  });

  it('a window longer than 400 days names the field in plain words', async () => {
    expect400(
      await t.senior.client.get('/api/analytics/flowpilot/escalations?from=2024-01-01&to=2025-06-01'),
      'from',
      /^The period can span at most 400 days$/,
    );
  });

  it.each(['0000-01-01T00:00:00Z', '9999-12-31T00:00:00Z', '1970-01-01T00:00:00Z'])(
    'baseline measuredAt %s',
    async (measuredAt) => {
      expect400(
        await t.admin.client.post('/api/analytics/baselines', { durationSeconds: 60, measuredAt }),
        'measuredAt',
        /^Measured at must be between/,
      );
    },
  );

  it('a date a year ahead is refused; today is accepted', async () => {
    const far = new Date(Date.now() + 400 * 86_400_000).toISOString();
    expect400(
      await t.admin.client.post('/api/analytics/baselines', { durationSeconds: 60, measuredAt: far }),
      'measuredAt',
    );
    const ok = await t.admin.client.post('/api/analytics/baselines', {
      durationSeconds: 60,
      measuredAt: new Date().toISOString(),
    });
    expect(ok.status).toBe(201);
  });
});

describe('malformed Unicode (a lone surrogate) is a 400 everywhere, never stored', () => {
  it('in an escalation reason: 400, and no handoff is created', async () => {
    const s = (await t.junior.client.post('/api/sessions', { title: 'x', problem: 'y' })).body.session.id;
    expect400(
      await t.junior.client.post(`/api/sessions/${s}/handoffs`, {
        intent: 'escalate',
        reason: 'stuck on \ud800',
        urgency: 'high',
      }),
      'reason',
      /malformed Unicode/,
    );
    expect((await t.junior.client.get(`/api/sessions/${s}`)).body.session.activeHandoffId).toBeNull();
  });

  it.each([
    ['title', { title: '\ud800', problem: 'p' }],
    ['problem', { title: 't', problem: 'end \udc00' }],
    ['asset', { title: 't', problem: 'p', asset: 'PC-\ud83d' }],
  ])('in a session %s: 400, not stored as U+FFFD', async (field, body) => {
    expect400(await t.junior.client.post('/api/sessions', body), field);
    const list = await t.junior.client.get('/api/sessions?limit=200');
    expect(JSON.stringify(list.body)).not.toContain('\ufffd');
  });

  it('a well-formed emoji (a surrogate pair) is fine', async () => {
    const res = await t.junior.client.post('/api/sessions', { title: 'Printer 🖨️ jams', problem: 'p' });
    expect(res.status).toBe(201);
    expect(res.body.session.title).toBe('Printer 🖨️ jams');
  });
});

describe('validation errors: every bad field at once, in plain words', () => {
  it('a 400 lists every bad field with a message a user understands', async () => {
    const res = await t.junior.client.post('/api/sessions', {
      title: 'x'.repeat(201),
      customer: 'c\u0000',
      category: 7,
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: 'invalid_input',
      field: 'title',
      message: 'Title can be at most 200 characters',
      fields: [
        { field: 'title', message: 'Title can be at most 200 characters' },
        { field: 'problem', message: 'Problem is required' },
        { field: 'customer', message: 'Customer contains a character that is not allowed (a NUL byte)' },
        { field: 'category', message: 'Category must be text' },
      ],
    });
  });

  it('enums, numbers and formats read as sentences', async () => {
    const inv = await t.admin.client.post('/api/invitations', { email: 'nope', role: 'boss', tier: 9 });
    expect(inv.body.error.fields).toEqual([
      { field: 'email', message: 'Email must be a valid email address' },
      { field: 'role', message: 'Role must be viewer, engineer, admin or owner' },
      { field: 'tier', message: 'Tier must be 1, 2 or 3' },
    ]);
    const esc = await t.junior.client.post(`/api/sessions/${session}/handoffs`, {
      intent: 'escalate',
      reason: '',
      urgency: 'asap',
      targetTier: 2,
      targetUserId: t.senior.id,
    });
    expect(esc.body.error.fields).toEqual([
      { field: 'reason', message: 'Reason is required' },
      { field: 'urgency', message: 'Urgency must be low, normal, high or critical' },
    ]);
    // A rule across fields is checked once each field is right on its own.
    const both = await t.junior.client.post(`/api/sessions/${session}/handoffs`, {
      intent: 'escalate',
      reason: 'r',
      urgency: 'low',
      targetTier: 2,
      targetUserId: t.senior.id,
    });
    expect400(both, 'targetUserId', /^Choose a target tier or a teammate, not both$/);
  });

  it('PATCH /api/users/{id} with {} names a field', async () => {
    const res = await t.admin.client.patch(`/api/users/${t.junior.id}`, {});
    expect400(res, 'role', /^Choose a role or a tier to change$/);
  });

  it('a body that is not an object, or not JSON, names the body', async () => {
    expect400(
      await t.junior.client.post('/api/sessions', ['title']),
      'body',
      /^The request body must be a JSON object$/,
    );
    const broken = await t.junior.client.req('POST', '/api/sessions', '{"title":', {
      'content-type': 'application/json',
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error).toMatchObject({ code: 'invalid_json', field: 'body' });
  });

  it('errors that name a field outside validation carry `fields` too', async () => {
    const taken = await h.client().post('/api/auth/signup', {
      accountName: 'X',
      name: 'Y',
      email: t.owner.email,
      password: 'longenough1',
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.fields).toEqual([{ field: 'email', message: taken.body.error.message }]);
  });
});
