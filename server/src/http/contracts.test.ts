/**
 * Responses go out through their contracts (decision 006): every API route declares its answers,
 * a field the contract lacks never leaves the server, a drift is a 500 found by tests, and every
 * error has the one shape with a code from the closed list.
 */
import { ZErrorBody, ZMe } from '@rf/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { type Harness, makeTeam, startApp, type Team } from '../test/harness.js';
import { answers, api } from './respond.js';

let h: Harness;
let t: Team;
beforeAll(async () => {
  h = await startApp();
  t = await makeTeam(h, 'Contract Co');
});
afterAll(() => h.close());

/** The error shape, with nothing else in it. */
const ZStrictError = ZErrorBody.extend({ error: ZErrorBody.shape.error.strict() }).strict();

describe('response contracts', () => {
  it('an API route without a response schema cannot be registered', async () => {
    const app = await buildApp({ deps: h.deps, logger: false, webDist: null });
    try {
      expect(() => app.get('/api/undeclared', async () => ({ ok: true }))).toThrow(
        /declares no response schema/,
      );
      // A stream that writes its own answer says so.
      expect(() =>
        app.get('/api/stream', { config: { rawResponse: true } }, async () => undefined),
      ).not.toThrow();
    } finally {
      await app.close();
    }
  });

  it('fields the contract lacks are dropped; a missing field is a 500, never a wrong shape', async () => {
    const app = await buildApp({ deps: h.deps, logger: false, webDist: null });
    const user = { id: 'u1', name: 'Una', email: 'una@example.test', role: 'engineer' as const, tier: 1 };
    api(app).get('/api/test/extra', answers({ 200: ZMe }), async () => {
      const leaky = { ...user, passwordHash: '$argon2id$secret' };
      return { user: leaky, account: { id: 'a1', name: 'Acme', webhookSecret: 'x' } };
    });
    api(app).get('/api/test/missing', answers({ 200: ZMe }), async () => ({ user }) as never);
    try {
      const extra = await app.inject({ method: 'GET', url: '/api/test/extra' });
      expect(extra.statusCode).toBe(200);
      expect(extra.json()).toEqual({ user, account: { id: 'a1', name: 'Acme' } });
      expect(extra.body).not.toContain('argon2');
      const missing = await app.inject({ method: 'GET', url: '/api/test/missing' });
      expect(missing.statusCode).toBe(500);
      expect(missing.json().error.code).toBe('internal');
    } finally {
      await app.close();
    }
  });

  it('real answers carry exactly their contract: /api/me has no account id leak or password hash', async () => {
    const me = await t.junior.client.get('/api/me');
    expect(Object.keys(me.body.user).sort()).toEqual(['email', 'id', 'name', 'role', 'tier']);
    expect(ZMe.strict().parse(me.body)).toBeTruthy();
  });
});

describe('errors have one shape and a code from the closed list', () => {
  it('across the kinds of failure', async () => {
    const s = await t.junior.client.post('/api/sessions', {
      title: 'Scanner',
      problem: 'Scan to e-mail fails',
    });
    const sessionId = s.body.session.id;
    const e = await t.junior.client.post(`/api/sessions/${sessionId}/handoffs`, {
      intent: 'escalate',
      reason: 'stuck',
      urgency: 'low',
    });
    await t.senior.client.post(`/api/handoffs/${e.body.handoff.id}/claim`);
    const key = { 'idempotency-key': `contract-${Date.now()}` };
    await t.admin.client.req('POST', `/api/sessions/${sessionId}/notes`, { text: 'one' }, key);

    const cases: Array<[number, string, Promise<{ status: number; body: unknown }>]> = [
      [401, 'unauthenticated', h.client().get('/api/sessions')],
      [403, 'forbidden', t.viewer.client.post('/api/sessions', { title: 't', problem: 'p' })],
      [404, 'not_found', t.junior.client.get('/api/sessions/no-such-session')],
      [404, 'not_found', t.junior.client.get('/api/no-such-route')],
      [400, 'invalid_input', t.junior.client.post('/api/sessions', { problem: 'p' })],
      [
        400,
        'invalid_json',
        t.junior.client.req('POST', '/api/sessions', '{"title":', { 'content-type': 'application/json' }),
      ],
      [
        415,
        'unsupported_media_type',
        t.junior.client.req('POST', '/api/sessions', 'x', { 'content-type': 'text/plain' }),
      ],
      [409, 'already_claimed', t.senior2.client.post(`/api/handoffs/${e.body.handoff.id}/claim`)],
      [
        409,
        'already_escalated',
        t.admin.client.post(`/api/sessions/${sessionId}/handoffs`, {
          intent: 'escalate',
          reason: 'x',
          urgency: 'low',
        }),
      ],
      [
        422,
        'idempotency_key_reused',
        t.admin.client.req('POST', `/api/sessions/${sessionId}/notes`, { text: 'two' }, key),
      ],
    ];
    for (const [status, code, pending] of cases) {
      const res = await pending;
      expect(res.status, code).toBe(status);
      const body = ZStrictError.parse(res.body);
      expect(body.error.code).toBe(code);
    }
  });
});
