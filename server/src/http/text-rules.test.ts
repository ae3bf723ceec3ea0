/**
 * What text a client may send (docs/decisions/012): single-line fields refuse control characters,
 * line breaks, bidi controls and invisible-only text; multi-line fields keep \n and \t (CR LF
 * becomes LF) and refuse the rest. Probe findings 10 and 11.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeTeam, type Res, startApp, type Team } from '../test/harness.js';

let h: Harness;
let t: Team;
beforeAll(async () => {
  h = await startApp();
  t = await makeTeam(h, 'Text Co');
});
afterAll(() => h.close());

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

function expect400(res: Res, field: string, message: RegExp) {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.error.code).toBe('invalid_input');
  expect(res.body.error.field).toBe(field);
  expect(res.body.error.message).toMatch(message);
}

const signup = (over: Record<string, string>) =>
  h.client().post('/api/auth/signup', {
    accountName: 'Text Rules IT',
    name: 'Tess',
    email: `tess-${unique()}@example.test`,
    password: 'longenough1',
    ...over,
  });

describe('single-line text (names, titles, reasons)', () => {
  it('refuses terminal escapes, CR/LF, bidi overrides and invisible-only names at sign-up', async () => {
    expect400(
      await signup({ accountName: 'Fake\u001b[2K\r\u001b[1AZ Corp PASS 9.9h' }),
      'accountName',
      /^Account name must be on one line$/,
    );
    expect400(
      await signup({ accountName: 'Fake\u001b[2K Corp' }),
      'accountName',
      /^Account name contains a control character that is not allowed \(U\+001B\)$/,
    );
    expect400(
      await signup({ name: 'Mallory\r\nReply-To: evil@evil.test' }),
      'name',
      /^Name must be on one line$/,
    );
    expect400(await signup({ name: 'Bell\u0007' }), 'name', /control character .*\(U\+0007\)/);
    expect400(await signup({ name: 'Tab\there' }), 'name', /control character .*\(U\+0009\)/);
    expect400(await signup({ name: 'Zed\u0085Line' }), 'name', /^Name must be on one line$/);
    expect400(
      await signup({ name: 'Admin \u202etxt.exe' }),
      'name',
      /^Name contains a text-direction control character that is not allowed \(U\+202E\)$/,
    );
    expect400(await signup({ name: '\u2066\u2069' }), 'name', /text-direction control character/);
    expect400(
      await signup({ name: '\u200b\u200b' }),
      'name',
      /^Name must contain a visible character \(a letter, digit or symbol\)$/,
    );
    expect400(await signup({ accountName: '\u3164' }), 'accountName', /must contain a visible character/);
    // What people really type still works: accents, RTL script with its marks, emoji with ZWJ.
    const ok = await signup({ accountName: 'Ümit & Søn — شركة\u200f IT 👩‍💻', name: 'José' });
    expect(ok.status).toBe(201);
    expect(ok.body.account.name).toBe('Ümit & Søn — شركة\u200f IT 👩‍💻');
  });

  it('the same rules hold for session titles, customers, escalation reasons and baseline notes', async () => {
    const c = t.junior.client;
    expect400(await c.post('/api/sessions', { title: '\u200b\u200b', problem: 'p' }), 'title', /visible/);
    expect400(await c.post('/api/sessions', { title: 'a\nb', problem: 'p' }), 'title', /one line/);
    expect400(
      await c.post('/api/sessions', { title: 't', problem: 'p', customer: 'Acme\u001b[31m' }),
      'customer',
      /U\+001B/,
    );
    const s = await c.post('/api/sessions', { title: 'Printer', problem: 'Offline' });
    expect(s.status).toBe(201);
    expect400(
      await c.post(`/api/sessions/${s.body.session.id}/handoffs`, {
        intent: 'escalate',
        reason: 'stuck\r\nfor hours',
        urgency: 'normal',
      }),
      'reason',
      /one line/,
    );
    expect400(
      await t.admin.client.post('/api/analytics/baselines', {
        durationSeconds: 60,
        measuredAt: new Date().toISOString(),
        note: 'x\u202e',
      }),
      'note',
      /text-direction/,
    );
  });
});

describe('multi-line text (problem, steps, notes)', () => {
  it('keeps line breaks and tabs, turns CR LF and a lone CR into LF, and refuses other controls', async () => {
    const c = t.junior.client;
    const s = await c.post('/api/sessions', {
      title: 'Outlook',
      problem: 'Line one\r\nLine two\rLine three\n\tindented',
    });
    expect(s.status).toBe(201);
    expect(s.body.session.problem).toBe('Line one\nLine two\nLine three\n\tindented');
    const id = s.body.session.id as string;

    expect400(
      await c.post('/api/sessions', { title: 't', problem: '\u2066\u2069' }),
      'problem',
      /text-direction control character/,
    );
    expect400(await c.post('/api/sessions', { title: 't', problem: '\u200b \u200b' }), 'problem', /visible/);
    expect400(
      await c.post(`/api/sessions/${id}/steps`, { action: 'Ping', outcome: 'info', detail: 'ok\u001b[2K' }),
      'detail',
      /^Detail contains a control character that is not allowed \(U\+001B\)$/,
    );
    expect400(await c.post(`/api/sessions/${id}/notes`, { text: 'a\u0000b' }), 'text', /NUL/);
    expect400(await c.post(`/api/sessions/${id}/notes`, { text: 'x \u202e y' }), 'text', /text-direction/);

    const step = await c.post(`/api/sessions/${id}/steps`, {
      action: 'Ran ipconfig',
      outcome: 'info',
      detail: 'Adapter:\r\n\tIPv4 10.0.0.5',
    });
    expect(step.status).toBe(201);
    const timeline = (await c.get(`/api/sessions/${id}`)).body.session.timeline as {
      detail: string | null;
    }[];
    expect(timeline.map((e) => e.detail)).toContain('Adapter:\n\tIPv4 10.0.0.5');
  });
});
