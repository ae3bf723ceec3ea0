import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../seed.js';
import { type Harness, makeTeam, startApp, type Team } from '../../test/harness.js';
import { buildScorecard, formatScorecard, judge, type Scorecard } from './scorecard.js';

let h: Harness;
// The window the scorecard is asked for: the week before `now`.
const now = new Date('2026-03-09T00:00:00Z');
const teams: Record<string, Team> = {};

/** `claimed` escalations in the window, each claimed 2 min after it was raised and acted on `ttfa` s later. */
async function escalations(t: Team, o: { claimed: number; ttfa: number | null; unclaimed?: number }) {
  for (let i = 0; i < o.claimed + (o.unclaimed ?? 0); i++) {
    const created = new Date(Date.UTC(2026, 2, 2 + (i % 6), 9 + Math.floor(i / 6)));
    h.setNow(created);
    const s = await t.junior.client.post('/api/sessions', { title: `Case ${i}`, problem: 'Broken' });
    const e = await t.junior.client.post(`/api/sessions/${s.body.session.id}/handoffs`, {
      intent: 'escalate',
      reason: 'stuck',
      urgency: 'normal',
    });
    if (i < o.claimed) {
      h.setNow(new Date(created.getTime() + 120_000));
      expect((await t.senior.client.post(`/api/handoffs/${e.body.handoff.id}/claim`)).status).toBe(200);
      if (o.ttfa !== null) {
        h.setNow(new Date(created.getTime() + 120_000 + o.ttfa * 1000));
        await t.senior.client.post(`/api/sessions/${s.body.session.id}/steps`, {
          action: 'Checked',
          outcome: 'info',
        });
      }
    }
  }
  h.setNow(null);
}

async function baselines(t: Team, seconds: number[]) {
  for (const s of seconds)
    expect(
      (
        await t.admin.client.post('/api/analytics/baselines', {
          durationSeconds: s,
          measuredAt: '2026-01-05T10:00:00Z',
        })
      ).status,
    ).toBe(201);
}

beforeAll(async () => {
  h = await startApp();
  // The demo account, seeded as of the same day: shown, never counted.
  await seedDemo({ db: h.db, clock: () => now });
  // Passes: median baseline 600 s − median first action 60 s = 9 min, 7 claimed a week → 1.05 h.
  teams.passes = await makeTeam(h, 'Alpine Passes');
  await baselines(teams.passes, [600, 600, 540, 660, 600]);
  await escalations(teams.passes, { claimed: 7, ttfa: 60, unclaimed: 1 });
  // Below: (300 − 120) s = 3 min × 2 a week / 60 = 0.1 h.
  teams.below = await makeTeam(h, 'Bravo Below');
  await baselines(teams.below, [300, 300, 300, 300, 300]);
  await escalations(teams.below, { claimed: 2, ttfa: 120 });
  // Not verifiable: 4 baselines only, however good the figures.
  teams.few = await makeTeam(h, 'Charlie Few Baselines');
  await baselines(teams.few, [900, 900, 900, 900]);
  await escalations(teams.few, { claimed: 8, ttfa: 30 });
  // Not verifiable: claimed, but nobody has acted yet.
  teams.idle = await makeTeam(h, 'Delta No First Action');
  await baselines(teams.idle, [600, 600, 600, 600, 600]);
  await escalations(teams.idle, { claimed: 3, ttfa: null });
}, 180_000);
afterAll(() => h.close());

describe('the pilot scorecard on fixtures', () => {
  let card: Scorecard;
  beforeAll(async () => {
    card = await buildScorecard(h.db.db, { weeks: 1, now });
  });
  const row = (prefix: string) => card.accounts.find((a) => a.name.startsWith(prefix))!;

  it('computes each account by the two-metric rule', () => {
    expect(card.window).toEqual({
      from: '2026-03-02T00:00:00.000Z',
      to: '2026-03-09T00:00:00.000Z',
      weeks: 1,
    });
    expect(row('Alpine')).toMatchObject({
      escalations: 8,
      claimed: 7,
      claimedPerWeek: 7,
      baseline: { n: 5, medianSeconds: 600 },
      timeToFirstActionMedianSeconds: 60,
      minutesRecoveredPerEscalation: 9,
      verdict: 'passes',
    });
    expect(row('Alpine').hoursSavedPerWeek).toBeCloseTo((9 * 7) / 60, 10);
    expect(row('Bravo')).toMatchObject({ minutesRecoveredPerEscalation: 3, verdict: 'below' });
    expect(row('Bravo').hoursSavedPerWeek).toBeCloseTo(0.1, 10);
    expect(row('Charlie')).toMatchObject({
      hoursSavedPerWeek: null,
      verdict: 'not_verifiable',
      reason: '1 more baseline needed',
    });
    expect(row('Delta')).toMatchObject({
      claimed: 3,
      hoursSavedPerWeek: null,
      verdict: 'not_verifiable',
      reason: 'no first action in the window',
    });
  });

  it('counts pilot accounts, not the demo, and the pilot needs three passing', () => {
    const demo = card.accounts.find((a) => a.demo)!;
    expect(demo.name).toBe('Northwind IT');
    expect(demo.escalations).toBeGreaterThan(5);
    expect(card.counted).toBe(4);
    expect(card.passing).toBe(1);
    expect(card.required).toBe(3);
    expect(card.pilotPasses).toBe(false);
  });

  it('prints a table, the count line and the verdict', () => {
    const text = formatScorecard(card);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Pilot scorecard: the last 1 week (2026-03-02 00:00 to 2026-03-09 00:00 UTC)');
    expect(lines[2]).toMatch(
      /^account\s+escalations\s+claimed\/wk\s+baselines\s+median baseline\s+TTFA median\s+min recovered\s+h saved\/wk\s+verdict$/,
    );
    const alpine = lines.find((l) => l.startsWith('Alpine Passes'))!;
    expect(alpine.split(/\s{2,}/)).toEqual([
      'Alpine Passes 1',
      '8',
      '7.0',
      '5',
      '10m 00s',
      '1m 00s',
      '9.0',
      '1.05',
      'passes',
    ]);
    expect(lines.find((l) => l.startsWith('Bravo'))).toMatch(/0\.10\s+below \(not above 1\.0 h\/week\)$/);
    expect(lines.find((l) => l.startsWith('Charlie'))).toMatch(
      /—\s+—\s+not verifiable \(1 more baseline needed\)$/,
    );
    expect(lines.find((l) => l.startsWith('Northwind IT (demo)'))).toBeDefined();
    expect(text).toContain('\n1 of 4 pilot accounts above 1.0 hours saved per week\n');
    expect(text).toContain(
      'The pilot does not pass yet: it needs at least 3 accounts above 1.0 hours saved per week (2 more).',
    );
    expect(text).toContain('The demo account is shown for reference and not counted.');
    // Every column lines up: the table's lines are as wide as their header.
    const table = lines.slice(2, 2 + 2 + card.accounts.length);
    const verdictAt = lines[2]!.indexOf('verdict');
    for (const l of table.slice(2)) expect(l.lastIndexOf('  ', verdictAt)).toBe(verdictAt - 2);
  });

  it('says the pilot passes once three accounts do', () => {
    const passing = { ...card, passing: 3, pilotPasses: true };
    expect(formatScorecard(passing)).toContain(
      'The pilot passes: at least 3 accounts are above 1.0 hours saved per week.',
    );
  });

  it('judges exactly above 1.0 hour, and only when verifiable', () => {
    expect(judge(5, 60, 1.0).verdict).toBe('below');
    expect(judge(5, 60, 1.0001).verdict).toBe('passes');
    expect(judge(4, 60, 5).verdict).toBe('not_verifiable');
    expect(judge(5, null, null).verdict).toBe('not_verifiable');
    expect(judge(0, 60, 5).reason).toBe('5 more baselines needed');
  });

  it('--weeks widens the window and changes the per-week rate', async () => {
    const two = await buildScorecard(h.db.db, { weeks: 2, now });
    const alpine = two.accounts.find((a) => a.name.startsWith('Alpine'))!;
    expect(alpine.claimedPerWeek).toBe(3.5);
    expect(alpine.hoursSavedPerWeek).toBeCloseTo((9 * 3.5) / 60, 10);
    expect(alpine.verdict).toBe('below');
  });
});
