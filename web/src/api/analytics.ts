import { useQuery } from '@tanstack/react-query';
import { call, isApiError } from './client';
import { endpoints } from './endpoints';
import { keys, type Period } from './keys';

export type { Period } from './keys';

/** `compare` adds the previous period's figures (for deltas); the queue's metric card needs none. */
export function useEscalationAnalytics(period: Period, opts: { enabled?: boolean; compare?: boolean } = {}) {
  const compare = opts.compare ?? false;
  return useQuery({
    queryKey: keys.analytics.escalations(period, compare),
    queryFn: () => call(endpoints.escalationAnalytics, { params: { period, compare } }),
    enabled: opts.enabled ?? true,
    retry: (count, err) => !isApiError(err, 403) && count < 2,
  });
}
