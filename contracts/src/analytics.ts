import { z } from 'zod';
import { ZDateOrDateTime, ZDateTime, ZId, ZOptionalText, ZUserRef } from './common.js';
import { ZHandoffStatus, ZUrgency } from './handoffs.js';

/** Minutes recovered is shown only with at least this many stopwatch baselines. */
export const MIN_BASELINES = 5;
/** The longest window the analytics answer for (a custom range, a CSV, the pilot scorecard). */
export const MAX_RANGE_DAYS = 400;

const DAY_MS = 86_400_000;

export const isDateOnly = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);

/** The instant a `from` names: a date is the start of that UTC day. NaN when unreadable. */
export function rangeStart(from: string): number {
  return Date.parse(isDateOnly(from) ? `${from}T00:00:00Z` : from);
}

/** The (exclusive) instant a `to` names: a date-only `to` includes that whole UTC day. */
export function rangeEnd(to: string): number {
  return isDateOnly(to) ? Date.parse(`${to}T00:00:00Z`) + DAY_MS : Date.parse(to);
}

// Which dates a window may name is the one rule of common.ts (ZDateOrDateTime: 2000-01-01 to a
// year from today, decision 012); what is checked here is only what makes a window: one way to
// ask, from before to, at most MAX_RANGE_DAYS.
const rangeShape = {
  period: z.enum(['7d', '30d', '90d'], { error: 'must be 7d, 30d or 90d' }).optional(),
  from: ZDateOrDateTime.optional(),
  to: ZDateOrDateTime.optional(),
};

/**
 * The one rule for a resolved window [start, end) in epoch ms: readable, start before end, at most
 * MAX_RANGE_DAYS. The contract applies it to a from/to pair; the server applies it again once it
 * has completed a lone `from` or `to` with its own clock. `message` is a predicate for the field's
 * label (or a whole sentence when it starts with a capital), as `describeIssues` expects.
 */
export function windowProblem(start: number, end: number): { field: 'from' | 'to'; message: string } | null {
  if (Number.isNaN(start)) return { field: 'from', message: 'is not a valid date' };
  if (Number.isNaN(end)) return { field: 'to', message: 'is not a valid date' };
  if (start >= end) return { field: 'from', message: 'must be before the end date' };
  if (end - start > MAX_RANGE_DAYS * DAY_MS)
    return { field: 'from', message: `The period can span at most ${MAX_RANGE_DAYS} days` };
  return null;
}

/** Checks shared by every query that takes a window: one way to ask, and a pair that makes a window. */
function checkRange(q: { period?: string; from?: string; to?: string }, ctx: z.RefinementCtx) {
  if (q.period && (q.from || q.to)) {
    ctx.addIssue({
      code: 'custom',
      message: 'Use a period or a start and end date, not both',
      path: ['period'],
    });
    return;
  }
  if (!q.from || !q.to) return;
  const problem = windowProblem(rangeStart(q.from), rangeEnd(q.to));
  if (problem) ctx.addIssue({ code: 'custom', message: problem.message, path: [problem.field] });
}

/** A window: `period` (the last 7/30/90 days) or `from`/`to`; nothing means the last 30 days. */
export const ZAnalyticsRangeQuery = z.object(rangeShape).superRefine(checkRange);
export type TAnalyticsRangeQuery = z.input<typeof ZAnalyticsRangeQuery>;

export const ZAnalyticsQuery = z
  .object({
    ...rangeShape,
    /** `true` adds `previous`: the same figures for the window of equal length just before. */
    compare: z
      .enum(['true', 'false'], { message: 'must be true or false' })
      .optional()
      .transform((v) => v === 'true'),
  })
  .superRefine(checkRange);

const ZMedianP90 = z.object({ median: z.number().nullable(), p90: z.number().nullable() });
export const ZEscalationAnalytics = z.object({
  period: z.object({ from: z.string(), to: z.string() }),
  escalations: z.number().int(),
  claimed: z.number().int(),
  open: z.number().int(),
  claimRate: z.number().nullable(),
  timeToClaim: ZMedianP90,
  timeToFirstAction: ZMedianP90.extend({ n: z.number().int() }),
  series: z.array(
    z.object({
      date: z.string(),
      escalations: z.number().int(),
      claimed: z.number().int(),
      medianTimeToFirstAction: z.number().nullable(),
    }),
  ),
  baseline: z.object({ n: z.number().int(), medianSeconds: z.number().nullable() }),
  minutesRecovered: z.object({ perEscalation: z.number(), hoursPerWeek: z.number() }).nullable(),
  minutesRecoveredNote: z.string().nullable(),
  /** Present when the request asked for `compare=true`. */
  previous: z
    .object({
      escalations: z.number().int(),
      claimRate: z.number().nullable(),
      timeToFirstActionMedian: z.number().nullable(),
      timeToClaimMedian: z.number().nullable(),
    })
    .optional(),
});
export type TEscalationAnalytics = z.infer<typeof ZEscalationAnalytics>;

/** One escalation of the period, as the analytics table and its CSV show it. */
export const ZEscalationRow = z.object({
  id: ZId,
  sessionId: ZId,
  createdAt: z.string(),
  customer: z.string().nullable(),
  title: z.string(),
  urgency: ZUrgency,
  status: ZHandoffStatus,
  escalatedBy: ZUserRef,
  claimedBy: ZUserRef.nullable(),
  /** Escalated → claimed, in seconds; null while nobody has picked it up. */
  timeToClaimSeconds: z.number().nullable(),
  /** Claimed → the claimer's first action, in seconds. */
  timeToFirstActionSeconds: z.number().nullable(),
});
export type TEscalationRow = z.infer<typeof ZEscalationRow>;

/** The newest escalations of the period (at most `limit`); `total` counts them all. */
export const ZEscalationRowsResponse = z.object({
  period: z.object({ from: z.string(), to: z.string() }),
  total: z.number().int(),
  limit: z.number().int(),
  escalations: z.array(ZEscalationRow),
});
export type TEscalationRowsResponse = z.infer<typeof ZEscalationRowsResponse>;
/** `GET …/escalations/rows.csv`: the same rows as RFC 4180 text (`text/csv; charset=utf-8`). */
export const ZEscalationsCsv = z.string();

export const ZBaselineBody = z.object({
  durationSeconds: z
    .number({ error: 'must be a number of seconds' })
    .positive('must be a positive number of seconds')
    .max(24 * 3600, 'must be at most 24 hours'),
  measuredAt: ZDateTime,
  handoffId: ZId.nullish(),
  note: ZOptionalText(500).nullable(),
});
export type TBaselineBody = z.input<typeof ZBaselineBody>;
export const ZBaseline = z.object({
  id: ZId,
  durationSeconds: z.number(),
  measuredAt: z.string(),
  handoffId: ZId.nullable(),
  note: z.string().nullable(),
  recordedBy: ZUserRef,
  createdAt: z.string(),
});
export type TBaseline = z.infer<typeof ZBaseline>;
export const ZBaselineResponse = z.object({ baseline: ZBaseline });
export const ZBaselinesResponse = z.object({ baselines: z.array(ZBaseline) });
