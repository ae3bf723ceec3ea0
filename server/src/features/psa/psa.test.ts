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
    worker: { backoffBaseMs: 50, backoffCapMs: 400, pollMs: 100, maxAttempts: 6, webhookTimeoutMs: 1500 },
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

  it('never sends the saved keys to another site or company: both keys are required again', async () => {
    // Another host (a second stand-in with keys of its own) that records every request it gets.
    const other = await startConnectWiseStandin({ publicKey: 'OTHERpub1234', privateKey: 'OTHERpriv5678' });
    const carriedSavedKey = () =>
      other.requests.some((r) =>
        Buffer.from(String(r.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
          .toString('utf8')
          .includes(cw.privateKey),
      );
    try {
      const api = t.admin.client;
      // Test connection and Save with a new site or company and no keys: 400 naming the key.
      for (const [path, method, body, field] of [
        ['/test', 'post', { siteUrl: other.url }, 'publicKey'],
        ['/test', 'post', { siteUrl: other.url, companyId: cw.companyId }, 'publicKey'],
        ['/test', 'post', { siteUrl: other.url, publicKey: 'OTHERpub1234' }, 'privateKey'],
        ['/test', 'post', { companyId: 'otherco' }, 'publicKey'],
        ['', 'put', { siteUrl: other.url, companyId: cw.companyId }, 'publicKey'],
        ['', 'put', { siteUrl: other.url, companyId: cw.companyId, privateKey: 'x' }, 'publicKey'],
        ['', 'put', { siteUrl: cw.url, companyId: 'otherco' }, 'publicKey'],
      ] as const) {
        const r = remember(await api[method](`/api/integrations/connectwise${path}`, body));
        expect(r.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
        expect(r.body.error.field).toBe(field);
        expect(r.body.error.message).toMatch(/saved keys are only used with the site and company/);
      }
      expect(other.requests).toEqual([]);
      // The saved connection is untouched, and still works where it was saved.
      expect((await api.get('/api/integrations/connectwise')).body).toMatchObject({
        siteUrl: cw.url,
        companyId: cw.companyId,
      });
      expect((await api.post('/api/integrations/connectwise/test', {})).body.ok).toBe(true);
      expect((await api.post('/api/integrations/connectwise/test', { siteUrl: cw.url })).body.ok).toBe(true);

      // A site changed behind the server's back (in the database) does not get them either: the keys
      // are sealed with the site and company they were saved for.
      await h.db.db.execute(
        sql`update psa_connections set site_url = ${other.url} where account_id = ${t.accountId}`,
      );
      try {
        const tested = await api.post('/api/integrations/connectwise/test', {});
        expect(tested.body).toMatchObject({ ok: false, problem: 'not_configured' });
        const c = h.client();
        c.allow5xx = true;
        c.cookie = api.cookie;
        const members = await c.get('/api/integrations/connectwise/members');
        expect(members.status).toBe(502);
        expect(members.body.error.message).toMatch(/belong to another site or company/);
      } finally {
        await h.db.db.execute(
          sql`update psa_connections set site_url = ${cw.url} where account_id = ${t.accountId}`,
        );
      }
      expect(other.requests).toEqual([]);

      // With both keys typed again, another site is fine (and gets those keys, not the saved ones).
      const moved = await api.put('/api/integrations/connectwise', {
        siteUrl: other.url,
        companyId: cw.companyId,
        publicKey: 'OTHERpub1234',
        privateKey: 'OTHERpriv5678',
      });
      expect(moved.status).toBe(200);
      expect((await api.post('/api/integrations/connectwise/test', {})).body.ok).toBe(true);
      expect(other.requests.length).toBeGreaterThan(0);
      expect(carriedSavedKey()).toBe(false);
    } finally {
      expect((await t.admin.client.put('/api/integrations/connectwise', connection())).status).toBe(200);
      await other.close();
    }
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

/** Waits (bounded) until the session's posts satisfy `done`. */
async function postsUntil(sessionId: string, done: (posts: any[]) => boolean, ms = 15_000) {
  const until = Date.now() + ms;
  for (;;) {
    const r = remember(await t.junior.client.get(`/api/sessions/${sessionId}/psa-posts`));
    if (done(r.body.posts)) return r.body.posts as any[];
    if (Date.now() > until) throw new Error(`posts never got there: ${JSON.stringify(r.body.posts)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const allSent = (posts: any[]) => posts.length > 0 && posts.every((p) => p.status === 'sent');
const notesWith = (ticketId: number, text: string) =>
  (cw.notes.get(ticketId) ?? []).filter((n) => String(n.text).startsWith(text));

async function linkedSession(title: string, ticketId = 4711) {
  const s = await t.junior.client.post('/api/sessions', { title, problem: `${title}: the problem` });
  const id = s.body.session.id as string;
  expect((await t.junior.client.put(`/api/sessions/${id}/psa-ticket`, { ticketId })).status).toBe(200);
  return id;
}

describe('posting to the linked ticket', () => {
  it('resolve posts the note as an internal note, moves the status and adds a time entry, once', async () => {
    const id = await linkedSession('Resolve posts');
    const text = `Re-created the Outlook profile ${Date.now()}; the stale credential was the cause.`;
    const r = remember(
      await t.junior.client.post(`/api/sessions/${id}/resolve`, {
        resolution: 'Re-created the Outlook profile',
        // The note as the technician reviewed and edited it, and the time worked.
        note: { text, minutesWorked: 45 },
        psa: { post: true, statusId: 14, statusName: 'Resolved', timeEntry: true },
      }),
    );
    expect(r.status).toBe(200);
    const posts = await postsUntil(id, allSent);
    expect(posts.map((p) => p.kind)).toEqual(['note', 'status', 'time_entry']);
    expect(posts[2].label).toBe('Time entry 0.75 h (45 min)');
    expect(posts.every((p) => p.ticketId === 4711 && p.noteKind === 'resolution')).toBe(true);
    const notes = notesWith(4711, text);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      internalAnalysisFlag: true,
      detailDescriptionFlag: false,
      resolutionFlag: false,
    });
    // Exactly the text as saved, then a blank line and the marker line.
    const posted = String(notes[0]!.text);
    expect(posted.slice(0, text.length + 2)).toBe(`${text}\n\n`);
    // The marker names the saved note (features/notes): one note, one marker.
    const saved = (await t.junior.client.get(`/api/sessions/${id}/notes`)).body.notes;
    expect(saved).toHaveLength(1);
    expect(saved[0].body).toBe(text);
    expect(posted.slice(text.length + 2)).toBe(`[ResolutionFlow ref rf-note-${saved[0].id}]`);
    // Attributed to the junior's member, found by e-mail.
    expect(notes[0]!.member).toEqual({ id: 31 });
    expect(cw.tickets.get(4711)!.status.name).toBe('Resolved');
    const time = cw.timeEntries.at(-1)!;
    expect(time).toMatchObject({
      chargeToId: 4711,
      chargeToType: 'ServiceTicket',
      member: { id: 31 },
      actualHours: 0.75,
    });
    expect(String(time.notes)).toMatch(/\[ResolutionFlow ref rf-time-[\w-]+\]$/);
    expect(cw.violations).toEqual([]);
  });

  it('escalate posts the escalation note; without `psa.post` nothing is sent', async () => {
    const id = await linkedSession('Escalate posts');
    const reason = `Stuck on the mailbox permissions ${Date.now()}`;
    const e = await t.junior.client.post(`/api/sessions/${id}/handoffs`, {
      intent: 'escalate',
      reason,
      urgency: 'high',
      note: { text: `Escalation note: ${reason}` },
      psa: { post: true, statusId: 13, statusName: 'Escalated to Tier 2' },
    });
    expect(e.status).toBe(201);
    const posts = await postsUntil(id, allSent);
    expect(posts.map((p) => [p.kind, p.noteKind])).toEqual([
      ['note', 'escalation'],
      ['status', 'escalation'],
    ]);
    expect(notesWith(4711, `Escalation note: ${reason}\n\n[ResolutionFlow ref rf-note-`)).toHaveLength(1);
    expect(cw.tickets.get(4711)!.status.name).toBe('Escalated to Tier 2');

    const quiet = await linkedSession('Not posted');
    const before = cw.calls('postServiceTicketsByParentIdNotes').length;
    await t.junior.client.post(`/api/sessions/${quiet}/resolve`, {
      resolution: 'fixed',
      psa: { post: false },
    });
    expect((await t.junior.client.get(`/api/sessions/${quiet}/psa-posts`)).body.posts).toEqual([]);
    expect(cw.calls('postServiceTicketsByParentIdNotes').length).toBe(before);
  });

  it('without an edited note, the note the session wrote is posted, exactly as saved', async () => {
    const id = await linkedSession('Generated note');
    await t.junior.client.post(`/api/sessions/${id}/steps`, {
      action: 'Flushed the DNS cache',
      outcome: 'failed',
    });
    await t.junior.client.post(`/api/sessions/${id}/resolve`, { resolution: 'Replaced the DHCP lease' });
    await postsUntil(id, allSent);
    const saved = (await t.junior.client.get(`/api/sessions/${id}/notes`)).body.notes[0];
    expect(saved.body).toContain('Flushed the DNS cache');
    expect(notesWith(4711, `${saved.body}\n\n[ResolutionFlow ref rf-note-${saved.id}]`)).toHaveLength(1);
  });

  it("an admin's member choice attributes the note, read when it is sent", async () => {
    const set = await t.admin.client.put('/api/integrations/connectwise/members', {
      userId: t.junior.id,
      memberId: 32,
    });
    expect(set.status).toBe(200);
    try {
      const id = await linkedSession('Override');
      const text = `Attributed by hand ${Date.now()}`;
      await t.junior.client.post(`/api/sessions/${id}/resolve`, {
        resolution: 'fixed',
        note: { text, minutesWorked: 5 },
      });
      await postsUntil(id, allSent);
      expect(notesWith(4711, text)[0]!.member).toEqual({ id: 32 });
    } finally {
      await t.admin.client.put('/api/integrations/connectwise/members', {
        userId: t.junior.id,
        memberId: null,
      });
    }
  });

  it('a PSA that is down never blocks resolve; the note goes out once it is back, exactly once', async () => {
    const id = await linkedSession('Down then back');
    cw.setDown(true);
    const text = `Replaced the switch port ${Date.now()}`;
    const started = Date.now();
    const r = await t.junior.client.post(`/api/sessions/${id}/resolve`, {
      resolution: 'fixed',
      note: { text, minutesWorked: 5 },
    });
    expect(r.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3000);
    const failing = await postsUntil(
      id,
      (p) => p.length === 1 && p[0].attempts >= 2 && p[0].status === 'pending',
    );
    expect(failing[0].lastError).toMatch(/could not be reached/);
    cw.setDown(false);
    await postsUntil(id, allSent);
    expect(notesWith(4711, text)).toHaveLength(1);
  });

  it('an answer lost after the note was stored is not posted again (the marker is looked up first)', async () => {
    const id = await linkedSession('Lost answer');
    cw.swallowAnswer('postServiceTicketsByParentIdNotes');
    const text = `Cleared the print spooler ${Date.now()}`;
    await t.junior.client.post(`/api/sessions/${id}/resolve`, {
      resolution: 'fixed',
      note: { text, minutesWorked: 5 },
    });
    const posts = await postsUntil(id, allSent, 30_000);
    expect(posts[0].attempts).toBeGreaterThanOrEqual(2);
    expect(notesWith(4711, text)).toHaveLength(1);
    expect(cw.calls('getServiceTicketsByParentIdNotes').length).toBeGreaterThan(0);
  });

  it('honours 429 Retry-After', async () => {
    const id = await linkedSession('Rate limited');
    cw.rateLimit('postServiceTicketsByParentIdNotes', 2);
    const text = `Renewed the certificate ${Date.now()}`;
    await t.junior.client.post(`/api/sessions/${id}/resolve`, {
      resolution: 'fixed',
      note: { text, minutesWorked: 5 },
    });
    await postsUntil(id, allSent);
    const calls = cw
      .calls('postServiceTicketsByParentIdNotes')
      .filter((c) => String((c.body as { text?: string }).text).startsWith(text));
    expect(calls.map((c) => c.status)).toEqual([429, 201]);
    // The worker's own backoff is 50 ms here: only Retry-After explains the wait.
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(2000);
    expect(notesWith(4711, text)).toHaveLength(1);
  });

  it('fails after bounded attempts with the last error kept; Retry sends it again', async () => {
    const id = await linkedSession('Fails then retried');
    cw.fail('postServiceTicketsByParentIdNotes', 503, 6);
    const text = `Rebuilt the search index ${Date.now()}`;
    await t.junior.client.post(`/api/sessions/${id}/resolve`, {
      resolution: 'fixed',
      note: { text, minutesWorked: 5 },
    });
    const failed = await postsUntil(id, (p) => p[0]?.status === 'failed', 20_000);
    expect(failed[0]).toMatchObject({ attempts: 6, lastError: expect.stringMatching(/HTTP 503/) });
    expect(
      (await t.viewer.client.post(`/api/sessions/${id}/psa-posts/retry`, { postId: failed[0].id })).status,
    ).toBe(403);
    const retried = await t.junior.client.post(`/api/sessions/${id}/psa-posts/retry`, {
      postId: failed[0].id,
    });
    expect(retried.status).toBe(200);
    await postsUntil(id, allSent);
    expect(notesWith(4711, text)).toHaveLength(1);
    const again = await t.junior.client.post(`/api/sessions/${id}/psa-posts/retry`, { postId: failed[0].id });
    expect(again.status).toBe(409);
  });
});

describe('the operations of one note go out in order: note, time entry, status last', () => {
  const sendOps = ['postServiceTicketsByParentIdNotes', 'postTimeEntries', 'patchServiceTicketsById'];
  /** The note, time and status requests that reached the stand-in since `from`, in arrival order. */
  const sentSince = (from: number) =>
    cw.requests
      .slice(from)
      .filter((r) => sendOps.includes(r.operationId))
      .map((r) => `${r.operationId}:${r.status}`);

  it('sends the status change only after the note and the time entry are on the ticket', async () => {
    for (let run = 0; run < 3; run++) {
      const id = await linkedSession(`In order ${run}`);
      cw.tickets.get(4711)!.status = { id: 11, name: 'New' };
      const from = cw.requests.length;
      const r = await t.junior.client.post(`/api/sessions/${id}/resolve`, {
        resolution: 'fixed',
        note: { text: `In order ${run} ${Date.now()}`, minutesWorked: 30 },
        psa: { post: true, statusId: 14, statusName: 'Resolved', timeEntry: true },
      });
      expect(r.status).toBe(200);
      await postsUntil(id, allSent);
      expect(sentSince(from)).toEqual([
        'postServiceTicketsByParentIdNotes:201',
        'postTimeEntries:201',
        'patchServiceTicketsById:200',
      ]);
      expect(cw.tickets.get(4711)!.status.name).toBe('Resolved');
    }
  });

  it('a note that failed keeps the status change (and time entry) back; Retry of the note sends them after it', async () => {
    const id = await linkedSession('Note refused');
    cw.tickets.get(4711)!.status = { id: 11, name: 'New' };
    const from = cw.requests.length;
    cw.fail('postServiceTicketsByParentIdNotes', 400, 1);
    const text = `Refused first ${Date.now()}`;
    await t.junior.client.post(`/api/sessions/${id}/resolve`, {
      resolution: 'fixed',
      note: { text, minutesWorked: 20 },
      psa: { post: true, statusId: 14, statusName: 'Resolved', timeEntry: true },
    });
    const failed = await postsUntil(id, (p) => p[0]?.status === 'failed');
    // Long enough for the worker (polling every 100 ms here) to have sent anything that was due.
    await new Promise((r) => setTimeout(r, 800));
    const held = (await t.junior.client.get(`/api/sessions/${id}/psa-posts`)).body.posts;
    expect(held.map((p: any) => [p.kind, p.status, p.attempts])).toEqual([
      ['note', 'failed', 1],
      ['status', 'pending', 0],
      ['time_entry', 'pending', 0],
    ]);
    expect(held[1].label).toBe('Status → Resolved (waits for the time entry)');
    expect(held[2].label).toBe('Time entry 0.33 h (20 min) (waits for the note)');
    expect(sentSince(from)).toEqual(['postServiceTicketsByParentIdNotes:400']);
    expect(cw.tickets.get(4711)!.status.name).toBe('New');

    const retried = await t.junior.client.post(`/api/sessions/${id}/psa-posts/retry`, {
      postId: failed[0].id,
    });
    expect(retried.status).toBe(200);
    await postsUntil(id, allSent);
    expect(sentSince(from)).toEqual([
      'postServiceTicketsByParentIdNotes:400',
      'postServiceTicketsByParentIdNotes:201',
      'postTimeEntries:201',
      'patchServiceTicketsById:200',
    ]);
    expect(notesWith(4711, text)).toHaveLength(1);
    expect(cw.tickets.get(4711)!.status.name).toBe('Resolved');
  });

  it('a time entry ConnectWise refuses does not hold the status back, which still goes after it', async () => {
    const id = await linkedSession('Time refused');
    const from = cw.requests.length;
    cw.fail('postTimeEntries', 400, 1);
    await t.junior.client.post(`/api/sessions/${id}/resolve`, {
      resolution: 'fixed',
      note: { text: `Time refused ${Date.now()}`, minutesWorked: 10 },
      psa: { post: true, statusId: 14, statusName: 'Resolved', timeEntry: true },
    });
    const posts = await postsUntil(id, (p) => p.length === 3 && p.every((x) => x.status !== 'pending'));
    expect(posts.map((p) => [p.kind, p.status])).toEqual([
      ['note', 'sent'],
      ['status', 'sent'],
      ['time_entry', 'failed'],
    ]);
    expect(sentSince(from)).toEqual([
      'postServiceTicketsByParentIdNotes:201',
      'postTimeEntries:400',
      'patchServiceTicketsById:200',
    ]);
  });

  it('without a time entry the status waits for the note alone', async () => {
    const id = await linkedSession('Status only');
    const from = cw.requests.length;
    cw.fail('postServiceTicketsByParentIdNotes', 503, 2);
    await t.junior.client.post(`/api/sessions/${id}/resolve`, {
      resolution: 'fixed',
      note: { text: `Status only ${Date.now()}`, minutesWorked: 10 },
      psa: { post: true, statusId: 14, statusName: 'Resolved' },
    });
    await postsUntil(id, allSent);
    expect(sentSince(from)).toEqual([
      'postServiceTicketsByParentIdNotes:503',
      'postServiceTicketsByParentIdNotes:503',
      'postServiceTicketsByParentIdNotes:201',
      'patchServiceTicketsById:200',
    ]);
  });
});

describe('a late status change never undoes a later one', () => {
  it("an escalation's status retried after the resolve is skipped: the ticket keeps the resolve's status", async () => {
    const id = await linkedSession('Late status');
    cw.fail('patchServiceTicketsById', 400, 1);
    const e = await t.junior.client.post(`/api/sessions/${id}/handoffs`, {
      intent: 'escalate',
      reason: `Needs a second look ${Date.now()}`,
      urgency: 'normal',
      note: { text: `Escalation ${Date.now()}` },
      psa: { post: true, statusId: 13, statusName: 'Escalated to Tier 2' },
    });
    expect(e.status).toBe(201);
    const escalated = await postsUntil(id, (p) => p.length === 2 && p[1].status === 'failed');
    expect((await t.junior.client.post(`/api/handoffs/${e.body.handoff.id}/cancel`, {})).status).toBe(200);
    const r = await t.junior.client.post(`/api/sessions/${id}/resolve`, {
      resolution: 'fixed',
      note: { text: `Resolved after all ${Date.now()}`, minutesWorked: 5 },
      psa: { post: true, statusId: 14, statusName: 'Resolved' },
    });
    expect(r.status).toBe(200);
    await postsUntil(id, (p) => p.length === 4 && p[2].status === 'sent' && p[3].status === 'sent');
    expect(cw.tickets.get(4711)!.status.name).toBe('Resolved');
    const patches = cw.calls('patchServiceTicketsById').length;
    const retried = await t.junior.client.post(`/api/sessions/${id}/psa-posts/retry`, {
      postId: escalated[1].id,
    });
    expect(retried.status).toBe(200);
    const posts = await postsUntil(id, (p) => p[1].status === 'skipped');
    expect(posts[1].lastError).toBe('A later status change (Resolved) for this ticket replaces it');
    expect(cw.calls('patchServiceTicketsById').length).toBe(patches);
    expect(cw.tickets.get(4711)!.status.name).toBe('Resolved');
  });
});

describe('unexpected answers from ConnectWise are a 502 in plain words, never a 500', () => {
  const tolerant = (member: { client: { cookie: string | null } }) => {
    const c = h.client();
    c.allow5xx = true;
    c.cookie = member.client.cookie;
    return c;
  };
  const base = {
    summary: 'Printer offline',
    company: { id: 19, identifier: 'Contoso', name: 'Contoso Dental' },
    board: { id: 1, name: 'Service Desk' },
    status: { id: 11, name: 'New' },
  };

  it('a ticket of the wrong shape cannot be linked', async () => {
    const s = await t.junior.client.post('/api/sessions', { title: 'Odd ticket', problem: 'p' });
    const id = s.body.session.id;
    const odd: [number, Record<string, unknown>][] = [
      [90001, { ...base, id: 99_999_999_999 }],
      [90002, { ...base, id: 'abc' }],
      [90003, { ...base, id: 90003, summary: 12345 }],
      [90004, { ...base, id: 90005 }],
      [90006, { ...base, id: 90006, company: 'Contoso' }],
    ];
    for (const [n, ticket] of odd) {
      cw.tickets.set(n, ticket as never);
      const r = await tolerant(t.junior).put(`/api/sessions/${id}/psa-ticket`, { ticketId: n });
      expect(r.status, JSON.stringify(ticket)).toBe(502);
      expect(r.body.error.code).toBe('psa_unavailable');
      expect(r.body.error.message).toMatch(/ConnectWise at 127\.0\.0\.1:\d+ answered/);
    }
    expect((await t.junior.client.get(`/api/sessions/${id}/psa-ticket`)).body.link).toBeNull();
    // A long summary is kept, clipped; the ticket number stored is the one asked for.
    cw.tickets.set(90007, { ...base, id: 90007, summary: 'x'.repeat(5000) } as never);
    const ok = await t.junior.client.put(`/api/sessions/${id}/psa-ticket`, { ticketId: 90007 });
    expect(ok.status).toBe(200);
    expect(ok.body.link.ticketId).toBe(90007);
    expect(ok.body.link.summary).toHaveLength(1000);
  });

  it("a board's statuses of the wrong shape", async () => {
    const s = await t.junior.client.post('/api/sessions', { title: 'Odd statuses', problem: 'p' });
    const id = s.body.session.id;
    cw.statuses.set(77, [{ id: 3, name: { en: 'Closed' } } as never]);
    cw.tickets.set(90010, { ...base, id: 90010, board: { id: 77, name: 'Odd board' } } as never);
    expect((await t.junior.client.put(`/api/sessions/${id}/psa-ticket`, { ticketId: 90010 })).status).toBe(
      200,
    );
    const r = await tolerant(t.junior).get(`/api/sessions/${id}/psa-ticket/statuses`);
    expect(r.status).toBe(502);
    expect(r.body.error.code).toBe('psa_unavailable');
  });

  it('members of the wrong shape', async () => {
    cw.members.push({ id: 90, identifier: 42 } as never);
    try {
      const list = await tolerant(t.admin).get('/api/integrations/connectwise/members');
      // The page still lists the team; the problem says what ConnectWise answered.
      expect(list.status).toBe(200);
      expect(list.body.members).toEqual([]);
      expect(list.body.problem).toMatch(/answered GET \/system\/members with data/);
      const set = await tolerant(t.admin).put('/api/integrations/connectwise/members', {
        userId: t.admin.id,
        memberId: 90,
      });
      expect(set.status).toBe(502);
      expect(set.body.error.code).toBe('psa_unavailable');
    } finally {
      cw.members.splice(
        cw.members.findIndex((m) => m.id === 90),
        1,
      );
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
