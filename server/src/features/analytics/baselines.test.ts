import { ZBaselineResponse, ZBaselinesResponse } from '@rf/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeTeam, startApp, type Team } from '../../test/harness.js';

let h: Harness;
let t: Team;
let other: Team;

beforeAll(async () => {
  h = await startApp();
  t = await makeTeam(h, 'Stopwatch Co');
  other = await makeTeam(h, 'Other MSP');
});
afterAll(() => h.close());

const body = (over: Record<string, unknown> = {}) => ({
  durationSeconds: 512.4,
  measuredAt: '2026-01-10T09:00:00Z',
  ...over,
});

async function escalationOf(team: Team) {
  const s = await team.junior.client.post('/api/sessions', {
    title: 'Printer offline',
    problem: 'No jobs print',
  });
  const e = await team.junior.client.post(`/api/sessions/${s.body.session.id}/handoffs`, {
    intent: 'escalate',
    reason: 'stuck',
    urgency: 'normal',
  });
  return e.body.handoff.id as string;
}

describe('baselines: who may do what', () => {
  it('admins and owners record; engineers and viewers may not', async () => {
    expect((await t.admin.client.post('/api/analytics/baselines', body())).status).toBe(201);
    expect((await t.owner.client.post('/api/analytics/baselines', body())).status).toBe(201);
    for (const who of [t.senior, t.junior, t.viewer]) {
      const res = await who.client.post('/api/analytics/baselines', body());
      expect(res.status, who.role).toBe(403);
    }
    expect((await h.client().post('/api/analytics/baselines', body())).status).toBe(401);
  });

  it('engineers and admins read the list, newest measurement first; viewers do not', async () => {
    await t.admin.client.post(
      '/api/analytics/baselines',
      body({ measuredAt: '2026-02-01T09:00:00Z', note: 'newest' }),
    );
    const res = await t.junior.client.get('/api/analytics/baselines');
    expect(res.status).toBe(200);
    const list = ZBaselinesResponse.parse(res.body).baselines;
    expect(list[0]!.note).toBe('newest');
    expect(list[0]!.recordedBy.name).toBe('Ada Admin');
    expect((await t.viewer.client.get('/api/analytics/baselines')).status).toBe(403);
  });

  it('only admins delete; an engineer cannot', async () => {
    const made = ZBaselineResponse.parse(
      (await t.admin.client.post('/api/analytics/baselines', body())).body,
    );
    expect((await t.senior.client.del(`/api/analytics/baselines/${made.baseline.id}`)).status).toBe(403);
    expect((await t.owner.client.del(`/api/analytics/baselines/${made.baseline.id}`)).status).toBe(204);
    expect((await t.owner.client.del(`/api/analytics/baselines/${made.baseline.id}`)).status).toBe(404);
  });
});

describe('baselines: tenancy', () => {
  it("another account's baselines are invisible and cannot be deleted (404)", async () => {
    const mine = (await t.admin.client.post('/api/analytics/baselines', body({ note: 'ours only' }))).body
      .baseline;
    const theirs = (await other.admin.client.get('/api/analytics/baselines')).body.baselines;
    expect(theirs.some((b: { id: string }) => b.id === mine.id)).toBe(false);
    const del = await other.admin.client.del(`/api/analytics/baselines/${mine.id}`);
    expect(del.status).toBe(404);
    const still = (await t.admin.client.get('/api/analytics/baselines')).body.baselines;
    expect(still.some((b: { id: string }) => b.id === mine.id)).toBe(true);
  });

  it("a baseline links to an escalation of the account, never another account's (400 naming handoffId)", async () => {
    const ours = await escalationOf(t);
    const theirs = await escalationOf(other);
    const ok = await t.admin.client.post('/api/analytics/baselines', body({ handoffId: ours }));
    expect(ok.status).toBe(201);
    expect(ok.body.baseline.handoffId).toBe(ours);
    const bad = await t.admin.client.post('/api/analytics/baselines', body({ handoffId: theirs }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('handoffId');
  });

  it("the other account's analytics do not count these baselines", async () => {
    const mineN = (await t.senior.client.get('/api/analytics/flowpilot/escalations')).body.baseline.n;
    const theirsN = (await other.senior.client.get('/api/analytics/flowpilot/escalations')).body.baseline.n;
    expect(mineN).toBeGreaterThan(3);
    expect(theirsN).toBe(0);
  });
});

describe('baselines: input', () => {
  it('answers 400 naming the field for bad input', async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const cases: [Record<string, unknown>, string][] = [
      [body({ durationSeconds: 0 }), 'durationSeconds'],
      [body({ durationSeconds: -5 }), 'durationSeconds'],
      [body({ durationSeconds: 90_000 }), 'durationSeconds'],
      [body({ durationSeconds: '600' }), 'durationSeconds'],
      [body({ measuredAt: '0000-01-01T00:00:00Z' }), 'measuredAt'],
      [body({ measuredAt: '9999-12-31T00:00:00Z' }), 'measuredAt'],
      [body({ measuredAt: '2026-01-10' }), 'measuredAt'],
      [body({ measuredAt: future }), 'measuredAt'],
      [body({ note: 'x'.repeat(501) }), 'note'],
      [body({ handoffId: '' }), 'handoffId'],
      [{ measuredAt: '2026-01-10T09:00:00Z' }, 'durationSeconds'],
    ];
    for (const [b, field] of cases) {
      const res = await t.admin.client.post('/api/analytics/baselines', b);
      expect(res.status, JSON.stringify(b)).toBe(400);
      expect(res.body.error.field, JSON.stringify(b)).toBe(field);
    }
  });

  it('keeps fractional seconds and trims the note; an empty note is no note', async () => {
    const a = (await t.admin.client.post('/api/analytics/baselines', body({ note: '  Sam rang Jo  ' }))).body
      .baseline;
    expect(a.durationSeconds).toBe(512.4);
    expect(a.note).toBe('Sam rang Jo');
    const b = (await t.admin.client.post('/api/analytics/baselines', body({ note: '   ' }))).body.baseline;
    expect(b.note).toBeNull();
  });
});
