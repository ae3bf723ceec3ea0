import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend } from '../../test/db.js';
import { type Harness, makeTeam, startApp, type Team } from '../../test/harness.js';
import { newId } from '../auth/tokens.js';
import { recordEvent } from '../live/events.js';
import * as repo from './repo.js';

let h: Harness;
let t: Team;
beforeAll(async () => {
  h = await startApp();
  t = await makeTeam(h, 'Cache Co');
});
afterAll(() => h.close());

const url = '/api/analytics/flowpilot/escalations?period=30d';
const read = async () => {
  const res = await t.senior.client.get(url);
  expect(res.status).toBe(200);
  return res.body;
};

async function openEscalation() {
  const s = await t.junior.client.post('/api/sessions', { title: 'Mail stuck', problem: 'Outbox full' });
  const e = await t.junior.client.post(`/api/sessions/${s.body.session.id}/handoffs`, {
    intent: 'escalate',
    reason: 'stuck',
    urgency: 'normal',
  });
  expect(e.status).toBe(201);
  return { sessionId: s.body.session.id as string, handoffId: e.body.handoff.id as string };
}

describe('the analytics cache under concurrent commits', () => {
  it('a commit that lands late still changes the answer: the version is the commit-ordered event number', async () => {
    const esc = await openEscalation();
    const before = await read();
    expect(before.open).toBe(1);

    // A business transaction (a baseline recorded, as the service does) that has taken its event
    // number and is still open when a second change (a claim, through HTTP) starts.
    let release!: () => void;
    const mayCommit = new Promise<void>((r) => {
      release = r;
    });
    let numbered!: () => void;
    const hasNumber = new Promise<void>((r) => {
      numbered = r;
    });
    const slow = h.db.db.transaction(async (tx) => {
      await repo.insertBaseline(tx, {
        id: newId(),
        accountId: t.accountId,
        durationSeconds: 600,
        measuredAt: new Date('2026-01-01T00:00:00Z'),
        recordedById: t.admin.id,
      });
      const seq = await recordEvent(tx, t.accountId, 'baseline.changed', {});
      numbered();
      await mayCommit;
      return seq;
    });
    await hasNumber;
    const claim = t.senior.client.post(`/api/handoffs/${esc.handoffId}/claim`);

    if (backend === 'postgres') {
      // A reader on its own connection sees neither change, and caches that answer. (On PGlite,
      // one connection, a read would queue behind the open transaction.)
      await new Promise((r) => setTimeout(r, 200));
      const during = await read();
      expect(during.baseline.n).toBe(0);
      expect(during.claimed).toBe(0);
      expect(during.open).toBe(1);
    }
    release();
    const seq = await slow;
    expect((await claim).status).toBe(200);
    // The claim had to wait for the baseline's commit: its event number is the next one.
    expect(await repo.analyticsVersion(h.db.db, t.accountId)).toBe(seq + 1);

    const after = await read();
    expect(after.baseline.n).toBe(1);
    expect(after.claimed).toBe(1);
    expect(after.open).toBe(0);
  });

  it('after a burst of concurrent claims, first actions and reads, the reused answer equals a fresh one', async () => {
    const n = 8;
    const escalations = [];
    for (let i = 0; i < n; i++) escalations.push(await openEscalation());
    await read(); // warm the cache
    const reads: Promise<unknown>[] = [];
    await Promise.all(
      escalations.map(async (e, i) => {
        reads.push(read());
        expect((await t.senior.client.post(`/api/handoffs/${e.handoffId}/claim`)).status).toBe(200);
        reads.push(read());
        if (i % 2 === 0)
          await t.senior.client.post(`/api/sessions/${e.sessionId}/steps`, {
            action: 'Looked',
            outcome: 'info',
          });
        reads.push(read());
      }),
    );
    await Promise.all(reads);
    const cached = await read();
    // compare=true is another cache key, never asked before: computed now, from the database.
    const fresh = (await t.senior.client.get(`${url}&compare=true`)).body;
    const { previous: _previous, ...freshFigures } = fresh;
    expect(cached).toEqual(freshFigures);
    expect(cached.claimed).toBe(n + 1);
    expect(cached.timeToFirstAction.n).toBe(n / 2);
    expect(cached.open).toBe(0);
  });

  it('a baseline deleted in another process is seen at once (the version lives in the database)', async () => {
    const before = await read();
    const rows = await repo.listBaselines(h.db.db, t.accountId);
    // As another process would: delete and record the event in one transaction, not through
    // this process's service.
    await h.db.db.transaction(async (tx) => {
      await repo.deleteBaseline(tx, t.accountId, rows[0]!.b.id);
      await recordEvent(tx, t.accountId, 'baseline.changed', {});
    });
    const after = await read();
    expect(after.baseline.n).toBe(before.baseline.n - 1);
  });
});
