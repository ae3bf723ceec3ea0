import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../logging.js';
import { type ConnectWiseStandin, startConnectWiseStandin } from '../../test/connectwise-standin.js';
import { type Harness, makeTeam, startApp, type Team } from '../../test/harness.js';

/**
 * The ConnectWise integration end to end: the real server (PGlite or PostgreSQL) with its outbox
 * worker, talking to the ConnectWise stand-in on 127.0.0.1 (built from the vendor's OpenAPI
 * document; it refuses any request that does not match it).
 */
const SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');
const lines: string[] = [];
const logger = createLogger({ level: 'debug', stream: { write: (s: string) => void lines.push(s) } });

let cw: ConnectWiseStandin;
let h: Harness;
let t: Team;
/** Every answer body the tests received, to check that no key ever leaves the server. */
const answers: string[] = [];

const remember = <T extends { body: unknown }>(r: T) => {
  answers.push(JSON.stringify(r.body));
  return r;
};

beforeAll(async () => {
  cw = await startConnectWiseStandin();
  h = await startApp({
    env: { SECRETS_KEY, CW_CLIENT_ID: cw.clientId, ALLOW_PRIVATE_WEBHOOKS: 'true', LOG_LEVEL: 'debug' },
    logger,
    worker: { backoffBaseMs: 50, backoffCapMs: 400, pollMs: 100, maxAttempts: 6 },
  });
  t = await makeTeam(h, 'PSA');
  cw.members.push(
    {
      id: 31,
      identifier: 'jjunior',
      firstName: 'Jo',
      lastName: 'Junior',
      primaryEmail: t.junior.email.toUpperCase(),
    },
    { id: 32, identifier: 'ssenior', firstName: 'Sam', lastName: 'Senior', primaryEmail: t.senior.email },
    {
      id: 33,
      identifier: 'adminx',
      firstName: 'Ada',
      lastName: 'Lovelace',
      primaryEmail: 'ada@elsewhere.test',
    },
  );
});
afterAll(async () => {
  await h?.close();
  await cw?.close();
});

const connection = () => ({
  siteUrl: cw.url,
  companyId: cw.companyId,
  publicKey: cw.publicKey,
  privateKey: cw.privateKey,
});

describe('connection', () => {
  it('only admins see or change it', async () => {
    expect((await t.junior.client.get('/api/integrations/connectwise')).status).toBe(403);
    expect((await t.junior.client.put('/api/integrations/connectwise', connection())).status).toBe(403);
  });

  it('test connection says in plain words what is wrong: bad keys, unknown company, wrong site, no network', async () => {
    const test = async (over: Record<string, string>) =>
      remember(await t.admin.client.post('/api/integrations/connectwise/test', { ...connection(), ...over }))
        .body;
    expect(await test({})).toMatchObject({ ok: true, problem: null, version: 'v2025.8.12345' });
    const badKeys = await test({ privateKey: 'not-the-key' });
    expect(badKeys).toMatchObject({ ok: false, problem: 'bad_keys' });
    expect(badKeys.message).toMatch(/refused the API keys/);
    const company = await test({ companyId: 'otherco' });
    expect(company).toMatchObject({ ok: false, problem: 'unknown_company' });
    expect(company.message).toContain('"otherco"');
    expect(await test({ siteUrl: 'http://127.0.0.1:1' })).toMatchObject({ ok: false, problem: 'no_network' });
    expect(await test({ siteUrl: 'https://no-such-host.invalid' })).toMatchObject({
      ok: false,
      problem: 'wrong_site',
    });
  });

  it('refuses a site that is not a host name', async () => {
    for (const siteUrl of [
      'ftp://cw.example.test',
      'https://cw.example.test/some/path',
      'https://u:p@cw.example.test',
      'not a host',
    ]) {
      const r = await t.admin.client.put('/api/integrations/connectwise', { ...connection(), siteUrl });
      expect(r.status, siteUrl).toBe(400);
      expect(r.body.error.field).toBe('siteUrl');
    }
  });

  it('saves the keys encrypted and never answers them', async () => {
    const saved = remember(await t.admin.client.put('/api/integrations/connectwise', connection()));
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({
      connected: true,
      siteUrl: cw.url,
      companyId: cw.companyId,
      hasKeys: true,
      publicKeyLast4: cw.publicKey.slice(-4),
      clientIdConfigured: true,
      updatedAt: expect.any(String),
    });
    const row = await h.db.db.execute(sql`select * from psa_connections where account_id = ${t.accountId}`);
    const text = JSON.stringify((row as unknown as { rows: unknown[] }).rows ?? row);
    expect(text).not.toContain(cw.privateKey);
    expect(text).not.toContain(cw.publicKey);
    // Saving again without keys keeps the saved ones (the browser never has them).
    const again = remember(
      await t.admin.client.put('/api/integrations/connectwise', { siteUrl: cw.url, companyId: cw.companyId }),
    );
    expect(again.status).toBe(200);
    expect(remember(await t.admin.client.post('/api/integrations/connectwise/test', {})).body.ok).toBe(true);
  });
});

describe('member mapping', () => {
  it('maps users to ConnectWise members by e-mail, and an admin can override', async () => {
    const r = remember(await t.admin.client.get('/api/integrations/connectwise/members'));
    expect(r.status).toBe(200);
    const of = (id: string) => r.body.mappings.find((m: { user: { id: string } }) => m.user.id === id);
    expect(of(t.junior.id)).toMatchObject({ member: { id: 31 }, source: 'email' });
    expect(of(t.senior.id)).toMatchObject({ member: { id: 32 }, source: 'email' });
    expect(of(t.admin.id)).toMatchObject({ member: null, source: null });
    const set = remember(
      await t.admin.client.put('/api/integrations/connectwise/members', { userId: t.admin.id, memberId: 33 }),
    );
    expect(set.status).toBe(200);
    expect(set.body.mappings.find((m: { user: { id: string } }) => m.user.id === t.admin.id)).toMatchObject({
      member: { id: 33, name: 'Ada Lovelace' },
      source: 'manual',
    });
    const bad = await t.admin.client.put('/api/integrations/connectwise/members', {
      userId: t.admin.id,
      memberId: 999,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('memberId');
    const other = await makeTeam(h, 'Elsewhere');
    const foreign = await t.admin.client.put('/api/integrations/connectwise/members', {
      userId: other.junior.id,
      memberId: 31,
    });
    expect(foreign.status).toBe(404);
  });
});

describe('linking a session to a ticket', () => {
  let sessionId: string;
  beforeAll(async () => {
    const s = await t.junior.client.post('/api/sessions', {
      title: 'Outlook prompts',
      problem: 'Password prompt loops',
    });
    sessionId = s.body.session.id;
  });

  it('shows the ticket found (summary, company, status); a missing number is a 404 naming ticketId', async () => {
    const missing = await t.junior.client.put(`/api/sessions/${sessionId}/psa-ticket`, { ticketId: 999 });
    expect(missing.status).toBe(404);
    expect(missing.body.error.field).toBe('ticketId');
    const r = remember(
      await t.junior.client.put(`/api/sessions/${sessionId}/psa-ticket`, { ticketId: 4711 }),
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      connected: true,
      canEdit: true,
      link: {
        ticketId: 4711,
        summary: 'Outlook keeps asking for the password',
        company: 'Contoso Dental',
        status: 'New',
        board: 'Service Desk',
        linkedBy: { id: t.junior.id, name: t.junior.name },
      },
    });
    // Viewers see it; only the session's writers change it.
    const seen = await t.viewer.client.get(`/api/sessions/${sessionId}/psa-ticket`);
    expect(seen.body).toMatchObject({ link: { ticketId: 4711 }, canEdit: false });
    expect(
      (await t.viewer.client.put(`/api/sessions/${sessionId}/psa-ticket`, { ticketId: 4711 })).status,
    ).toBe(403);
    expect(
      (await t.senior.client.put(`/api/sessions/${sessionId}/psa-ticket`, { ticketId: 4711 })).status,
    ).toBe(403);
    const statuses = await t.junior.client.get(`/api/sessions/${sessionId}/psa-ticket/statuses`);
    expect(statuses.body.statuses.map((s: { name: string }) => s.name)).toEqual([
      'New',
      'In Progress',
      'Escalated to Tier 2',
      'Resolved',
    ]);
  });

  it('can be removed and linked again', async () => {
    const removed = await t.junior.client.del(`/api/sessions/${sessionId}/psa-ticket`);
    expect(removed.body).toMatchObject({ link: null });
    const again = await t.junior.client.put(`/api/sessions/${sessionId}/psa-ticket`, { ticketId: 4711 });
    expect(again.body.link.ticketId).toBe(4711);
  });

  it('answers 409 without a connection, and a PSA that is down is a 502 in plain words', async () => {
    const other = await makeTeam(h, 'Unconnected');
    const s = await other.junior.client.post('/api/sessions', { title: 'x', problem: 'y' });
    const r = await other.junior.client.put(`/api/sessions/${s.body.session.id}/psa-ticket`, {
      ticketId: 4711,
    });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('psa_not_connected');
    cw.setDown(true);
    try {
      const c = h.client();
      c.allow5xx = true;
      c.cookie = t.junior.client.cookie;
      const down = await c.put(`/api/sessions/${sessionId}/psa-ticket`, { ticketId: 4711 });
      expect(down.status).toBe(502);
      expect(down.body.error.code).toBe('psa_unavailable');
      expect(down.body.error.message).toMatch(/could not be reached/);
    } finally {
      cw.setDown(false);
    }
  });
});

describe('secrets', () => {
  it('no key appears in any answer or log line', () => {
    expect(answers.length).toBeGreaterThan(5);
    const all = answers.join('\n');
    const logs = lines.join('');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [cw.privateKey, cw.publicKey]) {
      expect(all).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    // Nor the Basic credentials built from them.
    const basic = Buffer.from(`${cw.companyId}+${cw.publicKey}:${cw.privateKey}`).toString('base64');
    expect(logs).not.toContain(basic);
    expect(cw.violations).toEqual([]);
  });
});
