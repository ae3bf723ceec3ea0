import { ZEscalationAnalytics } from '@rf/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeTeam, startApp, type Team } from '../../test/harness.js';
import { minutesRecovered, resolvePeriod } from './metrics.js';

let h: Harness;
let t: Team;
const at = (hhmm: string, day = '2026-03-02') => new Date(`${day}T${hhmm}:00Z`);

/** One escalation driven through HTTP at fixed clock times. */
async function escalation(
  created: string,
  claimed: string | null,
  firstAction: string | null,
  day = '2026-03-02',
) {
  h.setNow(new Date(at(created, day).getTime() - 10 * 60_000));
  const s = await t.junior.client.post('/api/sessions', {
    title: `Case ${created}`,
    problem: 'VPN drops every hour',
  });
  h.setNow(at(created, day));
  const e = await t.junior.client.post(`/api/sessions/${s.body.session.id}/handoffs`, {
    intent: 'escalate',
    reason: 'stuck',
    urgency: 'normal',
  });
  expect(e.status).toBe(201);
  if (claimed) {
    h.setNow(at(claimed, day));
    expect((await t.senior.client.post(`/api/handoffs/${e.body.handoff.id}/claim`)).status).toBe(200);
  }
  if (firstAction) {
    h.setNow(at(firstAction, day));
    await t.senior.client.post(`/api/sessions/${s.body.session.id}/steps`, {
      action: 'Checked the VPN logs',
      outcome: 'info',
    });
  }
  h.setNow(null);
}

beforeAll(async () => {
  h = await startApp();
  t = await makeTeam(h, 'Metrics Co');
  //           created  claimed  first action   → ttc, ttfa (seconds)
  await escalation('10:00', '10:02', '10:03'); // 120, 60
  await escalation('11:00', '11:10', '11:12'); // 600, 120
  await escalation('12:00', '12:01', '12:06'); // 60, 300
  await escalation('13:00', '13:05', null); //    300, —
  await escalation('14:00', null, null); //       open
  await escalation('09:00', '09:30', '09:40', '2026-02-20'); // before the window: must not count
});
afterAll(() => h.close());

const window = '/api/analytics/flowpilot/escalations?from=2026-03-01T00:00:00Z&to=2026-03-08T00:00:00Z';

describe('escalation analytics (hand-computed)', () => {
  it('counts, claim rate, median and p90 of time-to-claim and time-to-first-action', async () => {
    const res = await t.senior.client.get(window);
    expect(res.status).toBe(200);
    const a = ZEscalationAnalytics.parse(res.body);
    expect(a.period).toEqual({ from: '2026-03-01T00:00:00.000Z', to: '2026-03-08T00:00:00.000Z' });
    expect(a.escalations).toBe(5);
    expect(a.claimed).toBe(4);
    expect(a.claimRate).toBeCloseTo(0.8, 10);
    // time-to-claim [60,120,300,600]: median (120+300)/2 = 210; p90 at rank 2.7 = 300 + 0.7×300 = 510
    expect(a.timeToClaim.median).toBeCloseTo(210, 6);
    expect(a.timeToClaim.p90).toBeCloseTo(510, 6);
    // time-to-first-action [60,120,300]: median 120; p90 at rank 1.8 = 120 + 0.8×180 = 264
    expect(a.timeToFirstAction).toEqual({ median: 120, p90: expect.closeTo(264, 6), n: 3 });
  });

  it('a daily series over every day of the window', async () => {
    const a = (await t.senior.client.get(window)).body;
    expect(a.series).toHaveLength(7);
    expect(a.series[0]).toEqual({
      date: '2026-03-01',
      escalations: 0,
      claimed: 0,
      medianTimeToFirstAction: null,
    });
    expect(a.series[1]).toEqual({
      date: '2026-03-02',
      escalations: 5,
      claimed: 4,
      medianTimeToFirstAction: 120,
    });
  });

  it('minutes recovered needs 5 baselines, then = median baseline − median time-to-first-action', async () => {
    const before = (await t.senior.client.get(window)).body;
    expect(before.baseline).toEqual({ n: 0, medianSeconds: null });
    expect(before.minutesRecovered).toBeNull();
    expect(before.minutesRecoveredNote).toMatch(/^5 more baseline measurements needed/);

    // Baselines describe the old process: measured any time, they all count.
    const ids: string[] = [];
    for (const d of [600, 900, 300, 1200]) {
      const r = await t.admin.client.post('/api/analytics/baselines', {
        durationSeconds: d,
        measuredAt: '2025-11-01T10:00:00Z',
        note: 'stopwatch',
      });
      expect(r.status).toBe(201);
      ids.push(r.body.baseline.id);
    }
    const four = (await t.senior.client.get(window)).body;
    expect(four.baseline).toEqual({ n: 4, medianSeconds: 750 });
    expect(four.minutesRecovered).toBeNull();
    expect(four.minutesRecoveredNote).toMatch(/^1 more baseline measurement needed/);

    const fifth = await t.admin.client.post('/api/analytics/baselines', {
      durationSeconds: 480,
      measuredAt: '2026-03-05T10:00:00Z',
    });
    ids.push(fifth.body.baseline.id);
    const five = (await t.senior.client.get(window)).body;
    // baselines [300,480,600,900,1200] → median 600 s; minus 120 s = 480 s = 8 minutes.
    expect(five.baseline).toEqual({ n: 5, medianSeconds: 600 });
    expect(five.minutesRecoveredNote).toBeNull();
    expect(five.minutesRecovered.perEscalation).toBeCloseTo(8, 10);
    // 4 claimed in a 7-day window = 4 a week → 8 × 4 / 60 hours a week.
    expect(five.minutesRecovered.hoursPerWeek).toBeCloseTo((8 * 4) / 60, 10);

    // Deleting one brings the note back.
    expect((await t.admin.client.del(`/api/analytics/baselines/${fifth.body.baseline.id}`)).status).toBe(204);
    const back = (await t.senior.client.get(window)).body;
    expect(back.minutesRecovered).toBeNull();
    expect(back.minutesRecoveredNote).toMatch(/^1 more baseline measurement needed/);
    // Leave the account as the other tests expect it: without baselines.
    for (const id of ids.slice(0, 4)) await t.admin.client.del(`/api/analytics/baselines/${id}`);
  });

  it('compare=true adds the previous period, for deltas', async () => {
    const base = '/api/analytics/flowpilot/escalations?from=2026-02-22&to=2026-03-07';
    // from/to as dates: [Feb 22, Mar 8).
    expect((await t.senior.client.get(base)).body.previous).toBeUndefined();
    const a = (await t.senior.client.get(`${base}&compare=true`)).body;
    expect(a.period.to).toBe('2026-03-08T00:00:00.000Z');
    expect(a.escalations).toBe(5);
    // The window of equal length just before: [Feb 8, Feb 22) holds nothing, [Feb 22, Mar 8)'s
    // previous is [Feb 8, Feb 22): the Feb 20 escalation, claimed after 30 min, acted on 10 min later.
    expect(a.previous).toEqual({
      escalations: 1,
      claimRate: 1,
      timeToFirstActionMedian: 600,
      timeToClaimMedian: 1800,
    });
    // A custom one-day window compares with the day before.
    const day = (
      await t.senior.client.get(
        '/api/analytics/flowpilot/escalations?from=2026-03-03&to=2026-03-03&compare=true',
      )
    ).body;
    expect(day.previous).toEqual({
      escalations: 5,
      claimRate: 0.8,
      timeToFirstActionMedian: 120,
      timeToClaimMedian: 210,
    });
    expect(day.escalations).toBe(0);
    expect(day.claimRate).toBeNull();
  });

  it('period=7d is relative to now; open counts what waits now', async () => {
    h.setNow(new Date('2026-03-04T00:00:00Z'));
    const a = (await t.senior.client.get('/api/analytics/flowpilot/escalations?period=7d')).body;
    h.setNow(null);
    expect(a.period.from).toBe('2026-02-25T00:00:00.000Z');
    expect(a.escalations).toBe(5);
    expect(a.open).toBe(1);
  });

  it('viewers may not read analytics; engineers read baselines but only admins write them', async () => {
    // Its own account: what it reads does not depend on what other tests recorded.
    const team = await makeTeam(h, 'Baseline Co');
    expect((await team.viewer.client.get(window)).status).toBe(403);
    for (const d of [300, 420]) {
      const r = await team.admin.client.post('/api/analytics/baselines', {
        durationSeconds: d,
        measuredAt: '2026-03-05T10:00:00Z',
      });
      expect(r.status).toBe(201);
    }
    const read = (await team.junior.client.get('/api/analytics/baselines')).body.baselines;
    expect(
      read.map((b: { durationSeconds: number }) => b.durationSeconds).sort((x: number, y: number) => x - y),
    ).toEqual([300, 420]);
    expect((await team.viewer.client.get('/api/analytics/baselines')).status).toBe(403);
    expect(
      (
        await team.senior.client.post('/api/analytics/baselines', {
          durationSeconds: 5,
          measuredAt: '2026-03-05T10:00:00Z',
        })
      ).status,
    ).toBe(403);
  });

  it('viewers may not read analytics; nobody signed out may', async () => {
    expect((await t.viewer.client.get(window)).status).toBe(403);
    expect((await h.client().get(window)).status).toBe(401);
  });
});

describe('custom ranges', () => {
  const q = (params: string) => t.senior.client.get(`/api/analytics/flowpilot/escalations?${params}`);

  it('take an offset: 11:30 at UTC+01:00 is 10:30 UTC', async () => {
    const a = (await q(`from=${encodeURIComponent('2026-03-02T11:30:00+01:00')}&to=2026-03-02`)).body;
    expect(a.period.from).toBe('2026-03-02T10:30:00.000Z');
    // 11:00, 12:00, 13:00 and 14:00 UTC; not 10:00.
    expect(a.escalations).toBe(4);
    const west = (await q(`from=${encodeURIComponent('2026-03-02T09:00:00-05:00')}&to=2026-03-02`)).body;
    expect(west.period.from).toBe('2026-03-02T14:00:00.000Z');
    expect(west.escalations).toBe(1);
  });

  it('a date-only `to` includes that whole day', async () => {
    const a = (await q('from=2026-03-02&to=2026-03-02')).body;
    expect(a.period).toEqual({ from: '2026-03-02T00:00:00.000Z', to: '2026-03-03T00:00:00.000Z' });
    expect(a.escalations).toBe(5);
    expect(a.series.map((d: { date: string }) => d.date)).toEqual(['2026-03-02']);
    // The same day asked with a time: the last hours are outside.
    expect(
      (await q(`from=2026-03-02&to=${encodeURIComponent('2026-03-02T12:00:00Z')}`)).body.escalations,
    ).toBe(2);
  });

  it('list every day of the window, empty ones as zeros', async () => {
    const a = (await q('from=2026-02-15&to=2026-03-04')).body;
    expect(a.series).toHaveLength(18);
    expect(a.series[0]).toEqual({
      date: '2026-02-15',
      escalations: 0,
      claimed: 0,
      medianTimeToFirstAction: null,
    });
    expect(a.series.find((d: { date: string }) => d.date === '2026-02-20').escalations).toBe(1);
    expect(a.series.at(-1).date).toBe('2026-03-04');
    expect(a.series.reduce((n: number, d: { escalations: number }) => n + d.escalations, 0)).toBe(6);
  });

  it('span at most 400 days', async () => {
    const ok = await q('from=2025-01-30&to=2026-03-05');
    expect(ok.status).toBe(200);
    expect(ok.body.series).toHaveLength(400);
    const long = await q('from=2025-01-29&to=2026-03-05');
    expect(long.status).toBe(400);
    expect(long.body.error.field).toBe('from');
    expect(long.body.error.message).toMatch(/400 days/);
    // A lone `from` runs to now: the same limit holds.
    expect((await q('from=2001-01-01')).body.error.field).toBe('from');
  });

  it('answer 400 naming the field for from after to, unreadable dates and years out of range', async () => {
    const cases: [string, string, RegExp][] = [
      ['from=2026-03-10&to=2026-03-01', 'from', /before the end date/],
      [
        `from=${encodeURIComponent('2026-03-02T12:00:00Z')}&to=${encodeURIComponent('2026-03-02T12:00:00Z')}`,
        'from',
        /before the end date/,
      ],
      ['from=9999-12-01&to=9999-12-31', 'from', /between 2000-01-01 and one year from today/],
      ['to=0001-01-15', 'to', /between/],
      ['from=0000-01-01&to=2026-01-01', 'from', /between/],
      ['from=yesterday', 'from', /must be a date/],
      ['from=2026-02-30', 'from', /must be a date/],
      [`to=${encodeURIComponent('2026-03-02T12:00:00')}`, 'to', /must be a date/],
      ['period=7d&from=2026-03-01', 'period', /not both/],
      ['period=14d', 'period', /7d, 30d or 90d/],
    ];
    for (const [params, field, message] of cases) {
      const res = await q(params);
      expect(res.status, params).toBe(400);
      expect(res.body.error.field, params).toBe(field);
      expect(res.body.error.message, params).toMatch(message);
    }
  });
});

describe('repeated reads', () => {
  it('are answered again after any change: a repeated answer is never stale', async () => {
    const first = (await t.senior.client.get(window)).body;
    expect((await t.senior.client.get(window)).body).toEqual(first);
    await escalation('15:00', '15:04', '15:05');
    const after = (await t.senior.client.get(window)).body;
    expect(after.escalations).toBe(first.escalations + 1);
    expect(after.claimed).toBe(first.claimed + 1);
    expect(after.timeToFirstAction.n).toBe(first.timeToFirstAction.n + 1);
    // A release is a change too.
    const open = (await t.senior.client.get('/api/handoffs?status=claimed')).body.handoffs.at(-1); // the 15:00 one
    await t.senior.client.post(`/api/handoffs/${open.id}/release`);
    expect((await t.senior.client.get(window)).body.claimed).toBe(after.claimed - 1);
  });
});

describe('metric maths', () => {
  it('minutesRecovered is never computed from the in-product metric alone', () => {
    expect(
      minutesRecovered({
        baselineN: 0,
        baselineMedianSeconds: null,
        timeToFirstActionMedianSeconds: 30,
        claimed: 10,
        periodDays: 7,
      }).value,
    ).toBeNull();
    expect(
      minutesRecovered({
        baselineN: 5,
        baselineMedianSeconds: 600,
        timeToFirstActionMedianSeconds: null,
        claimed: 10,
        periodDays: 7,
      }),
    ).toEqual({
      value: null,
      note: 'No claimed escalation with a first action in this period yet',
    });
    // 30-day window, 12 claimed: 2.8 a week; (900 − 300) / 60 = 10 min; 10 × 2.8 / 60 h.
    const r = minutesRecovered({
      baselineN: 9,
      baselineMedianSeconds: 900,
      timeToFirstActionMedianSeconds: 300,
      claimed: 12,
      periodDays: 30,
    });
    expect(r.value!.perEscalation).toBe(10);
    expect(r.value!.hoursPerWeek).toBeCloseTo((10 * (12 / (30 / 7))) / 60, 12);
  });

  it('resolvePeriod', () => {
    const now = new Date('2026-06-15T12:00:00Z');
    expect(resolvePeriod({}, now)).toEqual({ from: new Date('2026-05-16T12:00:00Z'), to: now });
    expect(resolvePeriod({ period: '90d' }, now)).toEqual({
      from: new Date('2026-03-17T12:00:00Z'),
      to: now,
    });
    expect(resolvePeriod({ from: '2026-06-01', to: '2026-06-01' }, now)).toEqual({
      from: new Date('2026-06-01T00:00:00Z'),
      to: new Date('2026-06-02T00:00:00Z'),
    });
    expect(resolvePeriod({ from: '2026-06-10', to: '2026-06-01' }, now)).toMatchObject({ field: 'from' });
    expect(resolvePeriod({ from: '2020-01-01' }, now)).toMatchObject({ field: 'from' });
  });
});
