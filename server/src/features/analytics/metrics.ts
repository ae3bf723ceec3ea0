import {
  fieldLabel,
  MAX_RANGE_DAYS,
  MIN_BASELINES,
  rangeEnd,
  rangeStart,
  windowProblem,
} from '@rf/contracts';

/** The pure maths of the escalation metrics: kept apart so it can be checked by hand. */

export { MIN_BASELINES };

export interface MinutesRecoveredInput {
  baselineN: number;
  baselineMedianSeconds: number | null;
  timeToFirstActionMedianSeconds: number | null;
  claimed: number;
  periodDays: number;
}

/**
 * Minutes recovered per escalation = median(manual baseline) − median(time-to-first-action), in
 * minutes. Hours saved per week = that × claimed escalations per week / 60. Never computed from
 * the in-product metric alone: without 5 baselines the answer is null with a note saying why.
 */
export function minutesRecovered(i: MinutesRecoveredInput): {
  value: { perEscalation: number; hoursPerWeek: number } | null;
  note: string | null;
} {
  if (i.baselineN < MIN_BASELINES || i.baselineMedianSeconds === null) {
    const more = MIN_BASELINES - i.baselineN;
    return {
      value: null,
      note: `${more} more baseline measurement${more === 1 ? '' : 's'} needed (${i.baselineN} of ${MIN_BASELINES} recorded)`,
    };
  }
  if (i.timeToFirstActionMedianSeconds === null) {
    return { value: null, note: 'No claimed escalation with a first action in this period yet' };
  }
  const perEscalation = (i.baselineMedianSeconds - i.timeToFirstActionMedianSeconds) / 60;
  const claimedPerWeek = i.claimed / (i.periodDays / 7);
  return { value: { perEscalation, hoursPerWeek: (perEscalation * claimedPerWeek) / 60 }, note: null };
}

export type PeriodQuery = { period?: '7d' | '30d' | '90d'; from?: string; to?: string };

const DAY = 86_400_000;
const MINUTE = 60_000;

/**
 * Resolves `period` or `from`/`to` into a half-open UTC window [from, to). The contract already
 * refused unreadable dates, years out of range and a from/to pair out of order; a lone `from` or
 * `to` is completed here (with now, or 30 days), so the same checks run once more on the result.
 */
export function resolvePeriod(
  q: PeriodQuery,
  now: Date,
): { from: Date; to: Date } | { error: string; field: string } {
  if (q.period || (!q.from && !q.to)) {
    const days = Number((q.period ?? '30d').replace('d', ''));
    // "The last N days" ends at the next whole minute: everything up to now is inside, and
    // repeated requests within a minute ask the same question (so they can share one answer).
    const to = new Date(Math.ceil(now.getTime() / MINUTE) * MINUTE);
    return { from: new Date(to.getTime() - days * DAY), to };
  }
  const to = new Date(q.to ? rangeEnd(q.to) : now.getTime());
  const from = new Date(q.from ? rangeStart(q.from) : to.getTime() - 30 * DAY);
  const problem = windowProblem(from.getTime(), to.getTime());
  if (problem) {
    const { field, message } = problem;
    return { error: /^[A-Z]/.test(message) ? message : `${fieldLabel(field)} ${message}`, field };
  }
  return { from, to };
}

/** Every UTC day touched by [from, to), as YYYY-MM-DD. */
export function daysBetween(from: Date, to: Date): string[] {
  const out: string[] = [];
  const start = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  for (let t = start; t < to.getTime() && out.length <= MAX_RANGE_DAYS + 1; t += DAY)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}
