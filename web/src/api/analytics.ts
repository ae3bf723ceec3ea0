/**
 * The owner analytics' data: escalation figures for a window, the period's escalations, and the
 * stopwatch baselines. Every key starts with 'analytics', so one invalidation refreshes them all.
 */
import {
  type TBaselineBody,
  ZBaselineResponse,
  ZBaselinesResponse,
  ZEscalationAnalytics,
  ZEscalationRowsResponse,
} from '@rf/contracts';
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { isApiError, qs, request, requestParsed } from './client';

export type Period = '7d' | '30d' | '90d';
/** A window as the URL keeps it: a relative period, or UTC days (a date-only `to` includes that day). */
export type AnalyticsRange = { period: Period } | { from: string; to: string };

const rangeParams = (r: AnalyticsRange) =>
  'period' in r ? { period: r.period } : { from: r.from, to: r.to };
const rangeKey = (r: AnalyticsRange) => ('period' in r ? r.period : `${r.from}..${r.to}`);

export const analyticsKeys = {
  all: ['analytics'] as const,
  escalations: (r: AnalyticsRange, compare: boolean) =>
    ['analytics', 'escalations', rangeKey(r), compare] as const,
  rows: (r: AnalyticsRange) => ['analytics', 'rows', rangeKey(r)] as const,
  baselines: ['analytics', 'baselines'] as const,
};

// A 403 (viewer) is an answer, not a hiccup.
const retry = (count: number, err: unknown) => !isApiError(err, 403) && !isApiError(err, 400) && count < 2;

/**
 * The figures are cheap to ask again (the server answers an unchanged account from its cache), so
 * the page always revalidates when shown and every minute while open: a claim made by a teammate
 * in another browser shows up without a reload.
 */
const fresh = { staleTime: 0, refetchInterval: 60_000 } as const;

export function useAnalytics(range: AnalyticsRange, opts: { enabled?: boolean; compare?: boolean } = {}) {
  const compare = opts.compare ?? false;
  return useQuery({
    queryKey: analyticsKeys.escalations(range, compare),
    queryFn: () =>
      requestParsed(
        ZEscalationAnalytics,
        'GET',
        `/api/analytics/flowpilot/escalations${qs({ ...rangeParams(range), compare: compare ? 'true' : undefined })}`,
      ),
    enabled: opts.enabled ?? true,
    retry,
    placeholderData: (prev) => prev,
    ...fresh,
  });
}

export function useEscalationRows(range: AnalyticsRange, opts: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: analyticsKeys.rows(range),
    queryFn: () =>
      requestParsed(
        ZEscalationRowsResponse,
        'GET',
        `/api/analytics/flowpilot/escalations/rows${qs(rangeParams(range))}`,
      ),
    enabled: opts.enabled ?? true,
    retry,
    placeholderData: (prev) => prev,
    ...fresh,
  });
}

/** The CSV of the period's escalations: a plain link, so the browser downloads it with the cookie. */
export const escalationsCsvUrl = (range: AnalyticsRange) =>
  `/api/analytics/flowpilot/escalations/rows.csv${qs(rangeParams(range))}`;

export function useBaselines(enabled = true) {
  return useQuery({
    queryKey: analyticsKeys.baselines,
    queryFn: async () =>
      (await requestParsed(ZBaselinesResponse, 'GET', '/api/analytics/baselines')).baselines,
    enabled,
    retry,
  });
}

export function useRecordBaseline() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: TBaselineBody) =>
      (await requestParsed(ZBaselineResponse, 'POST', '/api/analytics/baselines', body)).baseline,
    onSuccess: () => qc.invalidateQueries({ queryKey: analyticsKeys.all }),
  });
}

export function useDeleteBaseline() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => request('DELETE', `/api/analytics/baselines/${encodeURIComponent(id)}`),
    onSettled: () => qc.invalidateQueries({ queryKey: analyticsKeys.all }),
  });
}

/**
 * Any write can move the figures (a claim, a first action, a resolve, an escalation), and the
 * feature hooks that make them do not know about analytics: so every successful mutation marks the
 * analytics stale. Shown figures refetch at once; hidden ones when next shown.
 */
export function followMutations(qc: QueryClient): () => void {
  return qc.getMutationCache().subscribe((event) => {
    if (event.type === 'updated' && event.action.type === 'success')
      void qc.invalidateQueries({ queryKey: analyticsKeys.all });
  });
}

/** Mounted once in the app shell: analytics follow every write made from this tab. */
export function useAnalyticsFollowWrites() {
  const qc = useQueryClient();
  useEffect(() => followMutations(qc), [qc]);
}
