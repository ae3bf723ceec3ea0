/**
 * `Content-Type: application/json` with an empty body is "no body" (probe finding 15): actions
 * that take none run; routes that need one say "A JSON body is required"; malformed JSON is still
 * a 400 invalid_json.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type Harness, makeTeam, startApp, type Team } from '../test/harness.js';

let h: Harness;
let t: Team;
beforeAll(async () => {
  h = await startApp();
  t = await makeTeam(h, 'Empty Body Co');
});
afterAll(() => h.close());

const JSON_HEADER = { 'content-type': 'application/json' };
/** What many HTTP client wrappers send: the JSON header on every request, and no body. */
const bare = (c: Client, method: string, path: string) => c.req(method, path, '', JSON_HEADER);

async function escalation() {
  const s = await t.junior.client.post('/api/sessions', { title: 'VPN', problem: 'Drops hourly' });
  const e = await t.junior.client.post(`/api/sessions/${s.body.session.id}/handoffs`, {
    intent: 'escalate',
    reason: 'stuck',
    urgency: 'normal',
  });
  return { sessionId: s.body.session.id as string, handoffId: e.body.handoff.id as string };
}

describe('an empty JSON body is no body', () => {
  it('claim, release and cancel run', async () => {
    const a = await escalation();
    const claim = await bare(t.senior.client, 'POST', `/api/handoffs/${a.handoffId}/claim`);
    expect(claim.status, JSON.stringify(claim.body)).toBe(200);
    expect(claim.body.handoff.status).toBe('claimed');
    const release = await bare(t.senior.client, 'POST', `/api/handoffs/${a.handoffId}/release`);
    expect(release.status, JSON.stringify(release.body)).toBe(200);
    const b = await escalation();
    const cancel = await bare(t.junior.client, 'POST', `/api/handoffs/${b.handoffId}/cancel`);
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
  });

  it('send-test, connection test and unlinking a ticket get past the body; logout signs out', async () => {
    for (const [c, method, path] of [
      [t.admin.client, 'POST', '/api/account/webhook/test'],
      [t.admin.client, 'POST', '/api/integrations/connectwise/test'],
      [t.junior.client, 'DELETE', `/api/sessions/${(await escalation()).sessionId}/psa-ticket`],
    ] as const) {
      const res = await bare(c, method, path);
      // Each answers for itself (nothing saved, nothing linked), never "not valid JSON".
      expect(res.body?.error?.code, `${method} ${path}: ${JSON.stringify(res.body)}`).not.toBe(
        'invalid_json',
      );
    }
    const c = h.client();
    c.cookie = t.viewer.client.cookie;
    const out = await bare(c, 'POST', '/api/auth/logout');
    expect(out.status).toBe(204);
    expect((await t.viewer.client.get('/api/me')).status).toBe(401);
  });

  it('a route that needs a body says so, naming the body; malformed JSON is still invalid_json', async () => {
    const res = await bare(t.junior.client, 'POST', '/api/sessions');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'invalid_input',
      field: 'body',
      message: 'A JSON body is required',
    });
    for (const broken of ['{"title":', ' ', '{"__proto__":{"x":1}}']) {
      const bad = await t.junior.client.req('POST', '/api/sessions', broken, JSON_HEADER);
      expect(bad.status, JSON.stringify(broken)).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'invalid_json', field: 'body' });
    }
  });
});
