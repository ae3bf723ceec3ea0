import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ZHandoffBase, ZLiveEvent, ZLiveReady, ZSessionSummary } from '@rf/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authSessions } from '../../db/schema.js';
import { createLogger } from '../../logging.js';
import { type Harness, makeTeam, startApp, type Team } from '../../test/harness.js';
import { SseReader } from '../../test/sse.js';
import { FASTIFY_RESPONSE_LISTENER } from './connection.js';
import { recordEvent } from './events.js';

let h: Harness;
let a: Team;
let b: Team;
beforeAll(async () => {
  // A short heartbeat so that the heartbeat test does not wait 15 s.
  h = await startApp({ live: { heartbeatMs: 150 } });
  [a, b] = await Promise.all([makeTeam(h, 'Live A'), makeTeam(h, 'Live B')]);
});
afterAll(() => h.close());

async function newSession(who: Team['junior'], title = 'Printer offline on floor 3') {
  const s = await who.client.post('/api/sessions', {
    title,
    problem: 'The printer shows offline for everyone.',
  });
  expect(s.status).toBe(201);
  return s.body.session.id as string;
}

async function escalateSession(who: Team['junior'], sessionId: string) {
  const res = await who.client.post(`/api/sessions/${sessionId}/handoffs`, {
    intent: 'escalate',
    reason: 'Tried the spooler, still offline',
    urgency: 'high',
  });
  expect(res.status).toBe(201);
  return { sessionId, handoffId: res.body.handoff.id as string };
}

/** A new session (one `session.created` event), escalated (one `handoff.created`). */
async function escalate(who: Team['junior'], title?: string) {
  return escalateSession(who, await newSession(who, title));
}

const handoffsOf = (r: SseReader) => r.changes.filter((e) => e.event === 'handoff.created');

const open = (who: { client: { cookie: string | null } }, opts: Parameters<typeof SseReader.open>[1] = {}) =>
  SseReader.open(h.url, { cookie: who.client.cookie, ...opts });

const seqs = (r: SseReader) => r.changes.map((e) => Number(e.id));

describe('GET /api/events', () => {
  it('answers 401 without a sign-in and 400 naming a bad position', async () => {
    const anon = await SseReader.open(h.url);
    expect(anon.status).toBe(401);
    expect(JSON.parse(anon.body).error.code).toBe('unauthenticated');

    const badQuery = await open(a.senior, { query: '?lastEventId=abc' });
    expect(badQuery.status).toBe(400);
    expect(JSON.parse(badQuery.body).error.field).toBe('lastEventId');

    const badHeader = await open(a.senior, { lastEventId: '-3' });
    expect(badHeader.status).toBe(400);
    expect(JSON.parse(badHeader.body).error.field).toBe('last-event-id');

    // Hostile positions in the header (the query is fuzzed with every route, http/hostile-input).
    for (const bad of ['abc', '1.5', '1e400', '9'.repeat(400), '9007199254740993', '%00', '[]', '1,2']) {
      const r = await open(a.senior, { lastEventId: bad });
      expect(r.status, bad).toBe(400);
      const e = JSON.parse(r.body).error;
      expect([e.code, e.field, e.fields[0].field], bad).toEqual([
        'invalid_input',
        'last-event-id',
        'last-event-id',
      ]);
    }
  });

  it('is an uncompressed event stream, even when the client accepts gzip', async () => {
    const r = await open(a.viewer, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.headers['cache-control']).toContain('no-cache');
    expect(r.headers['x-accel-buffering']).toBe('no');
    // A stream is not a document: no page policy headers on each of thousands of open responses
    // (they are held per connection), but never sniffed as something else either.
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['content-security-policy']).toBeUndefined();
    await r.ready();
    const { handoffId } = await escalate(a.junior);
    // It arrives as it happens, not when some buffer fills.
    await r.next('handoff.created', (j) => j.handoff.id === handoffId, 2_000);
    r.close();
  });

  it("sends only the caller's account's events, to every role", async () => {
    const streams = await Promise.all([open(a.viewer), open(a.senior), open(b.senior), open(b.owner)]);
    await Promise.all(streams.map((s) => s.ready()));
    const [aViewer, aSenior, bSenior, bOwner] = streams as [SseReader, SseReader, SseReader, SseReader];

    const inA = await escalate(a.junior, 'Account A only');
    const inB = await escalate(b.junior, 'Account B only');
    for (const s of [aViewer, aSenior])
      await s.next('handoff.created', (j) => j.handoff.id === inA.handoffId);
    // B's streams see B's event: by then A's (committed first) would have arrived, if it leaked.
    for (const s of [bSenior, bOwner]) await s.next('handoff.created', (j) => j.handoff.id === inB.handoffId);
    for (const s of [bSenior, bOwner]) {
      expect(s.changes.some((e) => JSON.stringify(e.json).includes(inA.handoffId))).toBe(false);
    }
    for (const s of [aViewer, aSenior]) {
      expect(s.changes.some((e) => JSON.stringify(e.json).includes(inB.handoffId))).toBe(false);
    }
    for (const s of streams) s.close();
  });

  it('carries every transition, in order, with the handoff (no context) or the session summary', async () => {
    const r = await open(a.viewer);
    await r.ready();
    const start = r.changes.length;
    const { sessionId, handoffId } = await escalate(a.junior, 'Full lifecycle');
    expect((await a.senior.client.post(`/api/handoffs/${handoffId}/claim`)).status).toBe(200);
    expect((await a.senior.client.post(`/api/handoffs/${handoffId}/release`)).status).toBe(200);
    expect((await a.senior2.client.post(`/api/handoffs/${handoffId}/claim`)).status).toBe(200);
    const step = await a.senior2.client.post(`/api/sessions/${sessionId}/steps`, {
      action: 'Restarted the print spooler',
      outcome: 'worked',
    });
    expect(step.status).toBe(201);
    const resolved = await a.senior2.client.post(`/api/sessions/${sessionId}/resolve`, {
      resolution: 'Spooler restarted; printing again',
    });
    expect(resolved.status).toBe(200);
    const second = await escalate(a.junior, 'Cancelled one');
    expect((await a.junior.client.post(`/api/handoffs/${second.handoffId}/cancel`)).status).toBe(200);

    await r.until((x) => x.changes.some((e) => e.event === 'handoff.cancelled'), 5_000, 'handoff.cancelled');
    const got = r.changes.slice(start);
    expect(got.map((e) => e.event)).toEqual([
      'session.created',
      'handoff.created',
      'handoff.claimed',
      'handoff.released',
      'handoff.claimed',
      'handoff.first_action',
      'session.updated', // the step
      'handoff.resolved',
      'session.updated', // the resolve
      'session.created',
      'handoff.created',
      'handoff.cancelled',
    ]);
    // One account's ids have no gaps and only grow.
    const ids = got.map((e) => Number(e.id));
    expect(ids).toEqual(ids.map((_, i) => ids[0]! + i));
    for (const e of got) {
      const ev = ZLiveEvent.parse(e.json);
      expect(ev.type).toBe(e.event);
      if (ev.handoff) {
        // Exactly the broadcast shape: no context, no audit, no per-caller `can`.
        ZHandoffBase.strict().parse(ev.handoff);
        expect(ev.handoff).not.toHaveProperty('context');
      }
      if (ev.session) ZSessionSummary.strict().parse(ev.session);
    }
    expect(got[0]!.json.session).toMatchObject({ id: sessionId, status: 'active', title: 'Full lifecycle' });
    expect(got[2]!.json.handoff).toMatchObject({ status: 'claimed', claimedBy: { name: a.senior.name } });
    expect(got[3]!.json.handoff).toMatchObject({ status: 'open', claimedBy: null });
    expect(got[5]!.json.handoff.firstActionAt).not.toBeNull();
    expect(got[6]!.json.session).toMatchObject({ id: sessionId, stepCount: 1 });
    expect(got[7]!.json.handoff).toMatchObject({ id: handoffId, status: 'resolved' });
    expect(got[8]!.json.session).toMatchObject({ id: sessionId, status: 'resolved' });
    r.close();
  });

  it('builds the new card from what the escalation wrote: exactly the handoff as it reads once committed', async () => {
    const r = await open(a.senior);
    await r.ready();
    const sessionId = await newSession(a.junior, 'Card from the write');
    const res = await a.junior.client.post(`/api/sessions/${sessionId}/handoffs`, {
      intent: 'escalate',
      reason: 'Targeted at a tier',
      urgency: 'critical',
      targetTier: 2,
    });
    expect(res.status).toBe(201);
    const ev = await r.next('handoff.created', (j) => j.handoff.id === res.body.handoff.id);
    const shown = (await a.senior.client.get(`/api/handoffs/${res.body.handoff.id}`)).body.handoff;
    const { context: _c, can: _can, audit: _a, llmAssessment: _l, waitingSeconds: _w, ...base } = shown;
    expect(ev.json.handoff).toEqual({ ...base, waitingSeconds: 0 });
    expect(ev.json.handoff).toMatchObject({
      createdBy: { id: a.junior.id, name: a.junior.name },
      session: { title: 'Card from the write' },
      targetTier: 2,
      urgency: 'critical',
    });
    r.close();
  });

  it('replays what a client missed: by Last-Event-ID header, by query, the header winning', async () => {
    const first = await open(a.senior);
    await first.ready();
    const shown = await escalate(a.junior, 'seen live');
    const seen = Number((await first.next('handoff.created', (j) => j.handoff.id === shown.handoffId)).id);
    first.close();

    // Two escalations of new sessions: four events the client misses.
    const missed = [await escalate(a.junior, 'missed 1'), await escalate(a.junior, 'missed 2')];

    const byHeader = await open(a.senior, { lastEventId: seen });
    await byHeader.ready();
    const ready = ZLiveReady.parse(byHeader.events.find((e) => e.event === 'ready')!.json);
    expect(ready.reset).toBe(false);
    expect(ready.replayed).toBe(4);
    expect(seqs(byHeader)).toEqual([seen + 1, seen + 2, seen + 3, seen + 4]);
    expect(handoffsOf(byHeader).map((e) => e.json.handoff.id)).toEqual(missed.map((m) => m.handoffId));
    // `ready` carries the stream's position as its id, so a reconnect after it resumes there.
    expect(Number(byHeader.events.at(-1)!.id)).toBe(seen + 4);

    const byQuery = await open(a.senior, { query: `?lastEventId=${seen + 2}` });
    await byQuery.ready();
    expect(seqs(byQuery)).toEqual([seen + 3, seen + 4]);

    const both = await open(a.senior, { query: `?lastEventId=${seen}`, lastEventId: seen + 3 });
    await both.ready();
    expect(seqs(both)).toEqual([seen + 4]);

    // After the replay the stream is live: nothing twice, nothing skipped.
    const next = await escalate(a.junior, 'live after replay');
    for (const s of [byHeader, byQuery, both]) {
      await s.next('handoff.created', (j) => j.handoff.id === next.handoffId);
      expect(seqs(s)).toEqual([...new Set(seqs(s))].sort((x, y) => x - y));
      expect(seqs(s).at(-1)).toBe(seen + 6);
      s.close();
    }
  });

  it('never skips an event that committed late (one transaction held open while another waits)', async () => {
    const live = await open(a.senior);
    await live.ready();
    const before = ZLiveReady.parse(live.events.find((e) => e.event === 'ready')!.json).seq;
    const payload = (title: string) => ({
      session: {
        ...{ id: 'late', title, problem: 'p', customer: null, asset: null, category: null },
        ...{ status: 'active' as const, owner: { id: a.junior.id, name: a.junior.name } },
        ...{ createdBy: { id: a.junior.id, name: a.junior.name }, createdAt: new Date().toISOString() },
        ...{ updatedAt: new Date().toISOString(), resolvedAt: null, resolution: null, stepCount: 0 },
      },
    });
    let release!: () => void;
    const mayCommit = new Promise<void>((r) => {
      release = r;
    });
    let tookSeq!: () => void;
    const hasSeq = new Promise<void>((r) => {
      tookSeq = r;
    });
    const slow = h.db.db.transaction(async (tx) => {
      const seq = await recordEvent(tx, a.accountId, 'session.updated', payload('slow'));
      tookSeq();
      await mayCommit;
      return seq;
    });
    await hasSeq;
    const fast = h.db.db.transaction((tx) =>
      recordEvent(tx, a.accountId, 'session.updated', payload('fast')),
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(live.changes).toEqual([]); // neither is visible while the first is open
    release();
    const [s1, s2] = await Promise.all([slow, fast]);
    h.deps.afterCommit({ accountIds: [a.accountId], closeStreams: [] });
    expect([s1, s2]).toEqual([before + 1, before + 2]);
    await live.until((x) => x.changes.length === 2);
    expect(live.changes.map((e) => [Number(e.id), e.json.session.title])).toEqual([
      [before + 1, 'slow'],
      [before + 2, 'fast'],
    ]);
    live.close();
    // And a client that had seen only what came before replays both, in the same order.
    const again = await open(a.senior, { lastEventId: before });
    await again.ready();
    expect(again.changes.map((e) => e.json.session.title)).toEqual(['slow', 'fast']);
    again.close();
  });

  it('tells a client whose position it cannot replay to refetch (reset)', async () => {
    const r = await open(a.senior, { lastEventId: 10_000_000 });
    await r.ready();
    const ready = ZLiveReady.parse(r.events[0]!.json);
    expect(ready.reset).toBe(true);
    expect(ready.seq).toBeLessThan(10_000_000);
    r.close();
  });

  it('keeps 24 hours replayable and sweeps older events', async () => {
    const team = await makeTeam(h, 'Sweep Co');
    await escalate(team.junior, 'old one');
    await escalate(team.junior, 'old two');
    // 23 hours later both are still there.
    h.setNow(new Date(Date.now() + 23 * 3_600_000));
    await h.app.live.sweep();
    const within = await open(team.senior, { lastEventId: 0 });
    await within.ready();
    expect(seqs(within)).toEqual([1, 2, 3, 4]);
    expect(handoffsOf(within).map((e) => e.json.handoff.session.title)).toEqual(['old one', 'old two']);
    within.close();
    // Two days later they are gone: a client that was away that long is told to refetch.
    h.setNow(new Date(Date.now() + 48 * 3_600_000));
    expect(await h.app.live.sweep()).toBeGreaterThanOrEqual(4);
    h.setNow(null);
    const late = await open(team.senior, { lastEventId: 0 });
    await late.ready();
    expect(ZLiveReady.parse(late.events[0]!.json)).toMatchObject({ reset: true, seq: 4 });
    late.close();
  });

  it('sends a heartbeat comment on idle streams', async () => {
    const r = await open(a.viewer);
    await r.ready();
    const at = r.comments;
    await r.until((x) => x.comments >= at + 3, 3_000, 'three heartbeats');
    r.close();
  });

  it("hands a commit made here to all streams of an account without reading it; reads another process's once per wake-up", async () => {
    const people = [a.senior2, a.admin, a.owner];
    const streams = await Promise.all(Array.from({ length: 30 }, (_, i) => open(people[i % 3]!)));
    await Promise.all(streams.map((s) => s.ready()));
    const sessionId = await newSession(a.junior, 'fan-out');
    await Promise.all(streams.map((s) => s.next('session.created', (j) => j.session.id === sessionId)));
    const { reads, handedOver } = h.app.live.stats;
    const { handoffId } = await escalateSession(a.junior, sessionId);
    await Promise.all(streams.map((s) => s.next('handoff.created', (j) => j.handoff.id === handoffId)));
    // This process committed it: the rows went straight from the unit of work to the streams.
    expect(h.app.live.stats.reads - reads).toBe(0);
    expect(h.app.live.stats.handedOver - handedOver).toBe(1);

    // Another process's commit arrives as a wake-up alone (its NOTIFY): one read for all 30 streams.
    const seq = await h.db.db.transaction((tx) =>
      recordEvent(tx, a.accountId, 'session.updated', {
        session: { id: sessionId, status: 'escalated' } as never,
      }),
    );
    h.deps.afterCommit({ accountIds: [a.accountId], closeStreams: [] });
    await Promise.all(streams.map((s) => s.until((x) => x.changes.some((e) => Number(e.id) === seq))));
    expect(h.app.live.stats.reads - reads).toBe(1);
    for (const s of streams) s.close();
  });

  it("never hands over past a gap: a commit made here after another process's unread one is read, in order", async () => {
    const team = await makeTeam(h, 'Gap Co');
    const live = await open(team.senior);
    await live.ready();
    // Another process commits (its NOTIFY has not arrived yet) ...
    const other = await h.db.db.transaction((tx) =>
      recordEvent(tx, team.accountId, 'session.updated', {
        session: { id: 'other', status: 'active' } as never,
      }),
    );
    // ... then this process commits the next one and hands it over: it is not the hub's next.
    const { handedOver } = h.app.live.stats;
    const sessionId = await newSession(team.junior, 'after the gap');
    await live.until((x) => x.changes.length === 2);
    expect(live.changes.map((e) => Number(e.id))).toEqual([other, other + 1]);
    expect(live.changes[1]!.json.session.id).toBe(sessionId);
    expect(h.app.live.stats.handedOver - handedOver).toBe(0);
    live.close();
  });

  it('starts a stream of an account it already follows without a query, and that stream misses nothing (40 rounds)', async () => {
    const team = await makeTeam(h, 'Join Co');
    const first = await open(team.senior);
    await first.ready();
    const people = [team.senior, team.senior2, team.admin, team.owner, team.viewer];
    const { positionReads } = h.app.live.stats;
    for (let round = 0; round < 40; round++) {
      // A commit races the opening of a new stream: the stream may start before or after it.
      const [sessionId, late] = await Promise.all([
        newSession(team.junior, `join race ${round}`),
        open(people[round % people.length]!),
      ]);
      await late.ready();
      await first.next('session.created', (j) => j.session.id === sessionId);
      const from = Number(late.events.find((e) => e.event === 'ready')!.id);
      const newest = Math.max(...seqs(first));
      // Whatever side of the commit it started on: every event after its position, once, in order.
      await late.until((x) => newest <= from || seqs(x).at(-1) === newest, 5_000, `round ${round}`);
      const expected = seqs(first).filter((q) => q > from);
      expect(seqs(late), `round ${round}`).toEqual(expected);
      late.close();
    }
    expect(h.app.live.stats.positionReads - positionReads).toBe(0);

    // A client that is behind still gets its replay (that one reads).
    const behind = await open(team.viewer, { lastEventId: String(seqs(first)[0]! - 1) });
    await behind.ready();
    await behind.until((x) => seqs(x).length === seqs(first).length);
    expect(seqs(behind)).toEqual(seqs(first));
    expect(h.app.live.stats.positionReads - positionReads).toBe(1);
    behind.close();
    first.close();
  });

  it("holds neither node:http's nor Fastify's objects once a stream is open, and still sees the client go", async () => {
    // With a logger, as in production: Fastify adds its response listener only then.
    const logged = await startApp({ logger: createLogger({ level: 'silent' }) as never });
    const team = await makeTeam(logged, 'Logged Co');
    const seen: { req: IncomingMessage; res: ServerResponse }[] = [];
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      if (req.url?.startsWith('/api/events')) seen.push({ req, res });
    };
    logged.app.server.on('request', onRequest);
    const live = await SseReader.open(logged.url, { cookie: team.viewer.client.cookie });
    await live.ready();
    logged.app.server.off('request', onRequest);
    expect(live.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(live.headers.connection).toBe('close');
    expect(live.headers['transfer-encoding']).toBeUndefined();
    expect(live.headers['x-content-type-options']).toBe('nosniff');

    const [{ req, res }] = seen as [(typeof seen)[0]];
    const socket = req.socket as Socket & { parser?: unknown };
    // The connection is the stream's: no parser, no response, none of node:http's listeners ...
    expect(socket.parser ?? null).toBeNull();
    expect(res.socket).toBeNull();
    const names = (emitter: NodeJS.EventEmitter, ev: string) =>
      emitter.listeners(ev).map((l) => (l as { name: string }).name);
    for (const ev of ['data', 'end', 'close', 'drain', 'timeout', 'error', 'resume', 'pause']) {
      expect(
        names(socket, ev).filter((n) => /socketOn|onSocket|onServerResponse/.test(n)),
        ev,
      ).toEqual([]);
    }
    // ... and Fastify's "request completed" listener, which held the request, the reply, their
    // logger and the signed-in user, is gone from the response.
    expect(names(res, 'finish')).not.toContain(FASTIFY_RESPONSE_LISTENER);
    expect(names(res, 'error')).not.toContain(FASTIFY_RESPONSE_LISTENER);

    // The stream still carries events.
    const made = await team.junior.client.post('/api/sessions', { title: 'Scanner', problem: 'Scans fail' });
    await live.next('session.created', (j) => j.session.id === made.body.session.id);
    // The client goes: the server notices at once (not at the next heartbeat).
    expect(logged.app.live.streamsOf(team.viewer.id)).toBe(1);
    live.close();
    await expect.poll(() => logged.app.live.streamsOf(team.viewer.id), { timeout: 2_000 }).toBe(0);
    await logged.close();
  });

  it('answers 429 past 20 streams for one user', async () => {
    const team = await makeTeam(h, 'Tabs Co');
    const streams = await Promise.all(Array.from({ length: 20 }, () => open(team.senior)));
    expect(streams.map((s) => s.status)).toEqual(Array(20).fill(200));
    const extra = await open(team.senior);
    expect(extra.status).toBe(429);
    expect(JSON.parse(extra.body).error.code).toBe('too_many_streams');
    // Other people are not affected, and a closed tab frees a place.
    const other = await open(team.junior);
    expect(other.status).toBe(200);
    streams[0]!.close();
    await expect.poll(() => h.app.live.streamsOf(team.senior.id)).toBe(19);
    const again = await open(team.senior);
    expect(again.status).toBe(200);
    for (const s of [...streams, other, again]) s.close();
  });

  it('answers HEAD at once with 405 (Allow: GET), holding no stream slot', async () => {
    const team = await makeTeam(h, 'Probe Co');
    const heads = await Promise.all(
      Array.from({ length: 25 }, () =>
        fetch(`${h.url}/api/events`, {
          method: 'HEAD',
          headers: { cookie: team.senior.client.cookie! },
          signal: AbortSignal.timeout(5_000),
        }),
      ),
    );
    expect(heads.map((r) => r.status)).toEqual(Array(25).fill(405));
    expect(heads[0]!.headers.get('allow')).toBe('GET');
    expect(h.app.live.streamsOf(team.senior.id)).toBe(0);
    const real = await open(team.senior);
    expect(real.status).toBe(200);
    real.close();
  });

  it('ends the stream the moment its user signs out; other sign-ins keep theirs', async () => {
    const team = await makeTeam(h, 'Signout Co');
    const mine = await open(team.junior);
    const other = await open(team.senior);
    await Promise.all([mine.ready(), other.ready()]);
    const t0 = Date.now();
    expect((await team.junior.client.post('/api/auth/logout')).status).toBe(204);
    await mine.done;
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(other.ended).toBe(false);
    other.close();
  });

  it('ends the streams of a user whose role changes', async () => {
    const team = await makeTeam(h, 'Role Co');
    const r = await open(team.senior);
    await r.ready();
    const res = await team.owner.client.patch(`/api/users/${team.senior.id}`, { role: 'viewer' });
    expect(res.status).toBe(200);
    await r.done;
    // Reconnecting works, under the new role.
    const again = await open(team.senior);
    expect(again.status).toBe(200);
    again.close();
  });

  it('revalidation ends a stream whose sign-in is gone even if no NOTIFY said so', async () => {
    const team = await makeTeam(h, 'Revalidate Co');
    const r = await open(team.junior);
    await r.ready();
    const { eq } = await import('drizzle-orm');
    await h.db.db.delete(authSessions).where(eq(authSessions.userId, team.junior.id));
    await h.app.live.revalidate();
    await r.done;
  });
});

describe('a client that stops reading', () => {
  let s: Harness;
  afterAll(() => s?.close());

  it('is dropped once its unsent bytes pass the bound; a reading client gets everything', async () => {
    s = await startApp({ live: { maxBufferedBytes: 64 * 1024 } });
    const team = await makeTeam(s, 'Slow Co');
    const slow = await SseReader.open(s.url, { cookie: team.senior.client.cookie });
    const fast = await SseReader.open(s.url, { cookie: team.junior.client.cookie });
    await Promise.all([slow.ready(), fast.ready()]);
    slow.pause();
    // About 8 MB of events: more than the kernel's socket buffers hold for a reader that stopped.
    const big = 'x'.repeat(16_000);
    const batches = 25;
    for (let i = 0; i < batches && s.app.live.stats.dropped === 0; i++) {
      await s.db.db.transaction(async (tx) => {
        for (let j = 0; j < 20; j++) {
          await recordEvent(tx, team.accountId, 'session.updated', {
            session: { id: big, status: 'active' } as never,
          });
        }
      });
      s.deps.afterCommit({ accountIds: [team.accountId], closeStreams: [] });
      await fast.until((x) => x.changes.length === (i + 1) * 20, 10_000);
    }
    expect(s.app.live.stats.dropped).toBe(1);
    expect(s.app.live.streamsOf(team.senior.id)).toBe(0);
    // The dropped client, reading again, finds a gap-free prefix and then the end of the stream
    // (a browser would reconnect with its last id and replay the rest).
    slow.resume();
    await slow.done;
    expect(seqs(slow).length).toBeLessThan(seqs(fast).length);
    expect(seqs(slow)).toEqual(seqs(fast).slice(0, seqs(slow).length));
    // The reading client was not held back and lost nothing.
    expect(seqs(fast)).toEqual(Array.from({ length: seqs(fast).length }, (_, i) => i + 1));
    fast.close();
  });
});

describe('shutdown', () => {
  it('ends every open stream and closes promptly', async () => {
    const s = await startApp();
    const team = await makeTeam(s, 'Shutdown Co');
    const streams = await Promise.all(
      [team.junior, team.senior, team.senior, team.viewer, team.owner].map((p) =>
        SseReader.open(s.url, { cookie: p.client.cookie }),
      ),
    );
    await Promise.all(streams.map((r) => r.ready()));
    const t0 = Date.now();
    await s.close();
    expect(Date.now() - t0).toBeLessThan(3_000);
    await Promise.all(streams.map((r) => r.done));
    expect(streams.every((r) => r.ended)).toBe(true);
  });
});
