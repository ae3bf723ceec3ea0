import { z } from 'zod';
import { ZDateOrDateTime, ZDateTime, ZId, ZOptionalText } from './common.js';

export const ZAnalyticsQuery = z
  .object({
    period: z.enum(['7d', '30d', '90d']).optional(),
    from: ZDateOrDateTime.optional(),
    to: ZDateOrDateTime.optional(),
    /** `true` adds `previous`: the same figures for the window of equal length just before. */
    compare: z
      .enum(['true', 'false'], { message: 'must be true or false' })
      .optional()
      .transform((v) => v === 'true'),
  })
  .refine((q) => !(q.period && (q.from || q.to)), {
    message: 'Use a period or a start and end date, not both',
    path: ['period'],
  });

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

export const ZBaselineBody = z.object({
  durationSeconds: z
    .number()
    .positive('must be a positive number of seconds')
    .max(24 * 3600),
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
  recordedBy: z.object({ id: ZId, name: z.string() }),
  createdAt: z.string(),
});
export type TBaseline = z.infer<typeof ZBaseline>;
export const ZBaselinesResponse = z.object({ baselines: z.array(ZBaseline) });
export const ZBaselineResponse = z.object({ baseline: ZBaseline });
