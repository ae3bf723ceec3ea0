/**
 * The owner analytics' data: escalation figures for a window, the period's escalations, and the
 * stopwatch baselines. Every key is under `keys.analytics.all`: the session and handoff writes
 * that move the figures invalidate it (sessions.ts, handoffs.ts), and so do baseline writes here.
 */
import type { TBaselineBody } from '@rf/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, isApiError } from './client';
import { endpoints } from './endpoints';
import { useSingleFlight } from './intent';
import { type AnalyticsRange, keys } from './keys';

export type { AnalyticsRange, Period } from './keys';

// A 403 (viewer) or a 400 (a range the contract refuses) is an answer, not a hiccup.
const retry = (count: number, err: unknown) => !isApiError(err, 403) && !isApiError(err, 400) && count < 2;

/**
 * The figures are cheap to ask again (the server answers an unchanged account from its cache), so
 * they revalidate whenever shown and every minute while open: a claim made by a teammate in
 * another browser shows up without a reload.
 */
const fresh = { staleTime: 0, refetchInterval: 60_000 } as const;

/** `compare` adds the previous period's figures (for deltas); the queue's metric card needs none. */
export function useEscalationAnalytics(
  range: AnalyticsRange,
  opts: { enabled?: boolean; compare?: boolean } = {},
) {
  const compare = opts.compare ?? false;
  return useQuery({
    queryKey: keys.analytics.escalations(range, compare),
    queryFn: () => call(endpoints.escalationAnalytics, { params: { range, compare } }),
    enabled: opts.enabled ?? true,
    retry,
    placeholderData: (prev) => prev,
    ...fresh,
  });
}

export function useEscalationRows(range: AnalyticsRange, opts: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: keys.analytics.rows(range),
    queryFn: () => call(endpoints.escalationRows, { params: { range } }),
    enabled: opts.enabled ?? true,
    retry,
    placeholderData: (prev) => prev,
    ...fresh,
  });
}

/** The CSV of the period's escalations: a plain link, so the browser downloads it with the cookie. */
export const escalationsCsvUrl = (range: AnalyticsRange) => endpoints.escalationsCsv.path({ range });

export function useBaselines(enabled = true) {
  return useQuery({
    queryKey: keys.analytics.baselines,
    queryFn: async () => (await call(endpoints.baselines)).baselines,
    enabled,
    retry,
  });
}

export function useRecordBaseline() {
  const qc = useQueryClient();
  return useSingleFlight(
    useMutation({
      mutationFn: async (body: TBaselineBody) => (await call(endpoints.recordBaseline, { body })).baseline,
      onSuccess: () => qc.invalidateQueries({ queryKey: keys.analytics.all }),
    }),
  );
}

export function useDeleteBaseline() {
  const qc = useQueryClient();
  return useSingleFlight(
    useMutation({
      mutationFn: (id: string) => call(endpoints.deleteBaseline, { params: { id } }),
      onSettled: () => qc.invalidateQueries({ queryKey: keys.analytics.all }),
    }),
  );
}
