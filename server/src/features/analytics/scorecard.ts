/**
 * The pilot scorecard, for the people who run ResolutionFlow: per account, the two-metric rule
 * over the last N weeks (PRODUCT.md "Metrics"), the verdict, and whether the pilot passes.
 * Read-only, in one snapshot: every account's figures see the same commits.
 */
import { MAX_RANGE_DAYS } from '@rf/contracts';
import type { Db } from '../../db/client.js';
import { MIN_BASELINES, minutesRecovered } from './metrics.js';
import * as repo from './repo.js';

/** An account passes above this many hours saved per week (strictly above). */
export const PASS_HOURS_PER_WEEK = 1.0;
/** The pilot passes when at least this many accounts pass. */
export const PILOT_ACCOUNTS_REQUIRED = 3;
export const MAX_WEEKS = Math.floor(MAX_RANGE_DAYS / 7);

export type Verdict = 'passes' | 'below' | 'not_verifiable';

export interface ScorecardRow {
  accountId: string;
  name: string;
  /** The demo seed's account: shown, never counted as a pilot. */
  demo: boolean;
  escalations: number;
  claimed: number;
  claimedPerWeek: number;
  baseline: { n: number; medianSeconds: number | null };
  timeToFirstActionMedianSeconds: number | null;
  minutesRecoveredPerEscalation: number | null;
  hoursSavedPerWeek: number | null;
  verdict: Verdict;
  /** Why, in words: "3 more baselines needed", "no first action in the window", ... */
  reason: string;
}

export interface Scorecard {
  window: { from: string; to: string; weeks: number };
  accounts: ScorecardRow[];
  /** Pilot accounts (every account but the demo). */
  counted: number;
  passing: number;
  required: number;
  pilotPasses: boolean;
}

export function judge(
  baselineN: number,
  ttfaMedian: number | null,
  hours: number | null,
): { verdict: Verdict; reason: string } {
  if (baselineN < MIN_BASELINES) {
    const more = MIN_BASELINES - baselineN;
    return { verdict: 'not_verifiable', reason: `${more} more baseline${more === 1 ? '' : 's'} needed` };
  }
  if (ttfaMedian === null || hours === null)
    return { verdict: 'not_verifiable', reason: 'no first action in the window' };
  return hours > PASS_HOURS_PER_WEEK
    ? { verdict: 'passes', reason: `above ${PASS_HOURS_PER_WEEK.toFixed(1)} h/week` }
    : { verdict: 'below', reason: `not above ${PASS_HOURS_PER_WEEK.toFixed(1)} h/week` };
}

export async function buildScorecard(db: Db, opts: { weeks: number; now: Date }): Promise<Scorecard> {
  const to = opts.now;
  const from = new Date(to.getTime() - opts.weeks * 7 * 86_400_000);
  const rows = await db.transaction(
    async (tx) => {
      const out: ScorecardRow[] = [];
      for (const a of await repo.listAccounts(tx)) {
        const s = await repo.periodSummary(tx, a.id, from, to);
        const b = (await repo.accountState(tx, a.id)).baseline;
        const r = minutesRecovered({
          baselineN: b.n,
          baselineMedianSeconds: b.medianSeconds,
          timeToFirstActionMedianSeconds: s.ttfaMedian,
          claimed: s.claimed,
          periodDays: opts.weeks * 7,
        });
        const hours = r.value?.hoursPerWeek ?? null;
        out.push({
          accountId: a.id,
          name: a.name,
          demo: a.isDemo,
          escalations: s.escalations,
          claimed: s.claimed,
          claimedPerWeek: s.claimed / opts.weeks,
          baseline: b,
          timeToFirstActionMedianSeconds: s.ttfaMedian,
          minutesRecoveredPerEscalation: r.value?.perEscalation ?? null,
          hoursSavedPerWeek: hours,
          ...judge(b.n, s.ttfaMedian, hours),
        });
      }
      return out;
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  const pilots = rows.filter((r) => !r.demo);
  const passing = pilots.filter((r) => r.verdict === 'passes').length;
  return {
    window: { from: from.toISOString(), to: to.toISOString(), weeks: opts.weeks },
    accounts: rows,
    counted: pilots.length,
    passing,
    required: PILOT_ACCOUNTS_REQUIRED,
    pilotPasses: passing >= PILOT_ACCOUNTS_REQUIRED,
  };
}

const dash = '—';
const duration = (s: number | null) => {
  if (s === null) return dash;
  const total = Math.round(s);
  const m = Math.floor(total / 60);
  return m ? `${m}m ${String(total % 60).padStart(2, '0')}s` : `${total}s`;
};
const fixed = (v: number | null, digits: number) => (v === null ? dash : v.toFixed(digits));
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The scorecard as a plain-text table, then the count and the pilot's verdict. */
export function formatScorecard(card: Scorecard): string {
  const day = (iso: string) => iso.slice(0, 16).replace('T', ' ');
  const header = [
    'account',
    'escalations',
    'claimed/wk',
    'baselines',
    'median baseline',
    'TTFA median',
    'min recovered',
    'h saved/wk',
    'verdict',
  ];
  const body = card.accounts.map((r) => [
    clip(r.name, 28) + (r.demo ? ' (demo)' : ''),
    String(r.escalations),
    r.claimedPerWeek.toFixed(1),
    String(r.baseline.n),
    duration(r.baseline.medianSeconds),
    duration(r.timeToFirstActionMedianSeconds),
    fixed(r.minutesRecoveredPerEscalation, 1),
    fixed(r.hoursSavedPerWeek, 2),
    r.verdict === 'passes'
      ? 'passes'
      : r.verdict === 'below'
        ? `below (${r.reason})`
        : `not verifiable (${r.reason})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  // Text columns align left, figures right.
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [
    `Pilot scorecard: the last ${card.window.weeks} week${card.window.weeks === 1 ? '' : 's'} (${day(card.window.from)} to ${day(card.window.to)} UTC)`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...(body.length ? body.map(line) : ['(no accounts)']),
    '',
    `${card.passing} of ${card.counted} pilot account${card.counted === 1 ? '' : 's'} above ${PASS_HOURS_PER_WEEK.toFixed(1)} hours saved per week`,
    card.pilotPasses
      ? `The pilot passes: at least ${card.required} accounts are above ${PASS_HOURS_PER_WEEK.toFixed(1)} hours saved per week.`
      : `The pilot does not pass yet: it needs at least ${card.required} accounts above ${PASS_HOURS_PER_WEEK.toFixed(1)} hours saved per week (${card.required - card.passing} more).`,
  ];
  if (card.accounts.some((r) => r.demo)) out.push('The demo account is shown for reference and not counted.');
  out.push(
    'A verdict needs at least 5 stopwatch baselines and one first action in the window; minutes recovered = median baseline − median time to first action.',
  );
  return `${out.join('\n')}\n`;
}
