import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isApiError } from './client';
import { keys } from './keys';

/**
 * The app's one QueryClient. A 401 from any query or mutation means the session is gone
 * (signed out in another tab, expired, revoked): forget the user, and RequireAuth sends the
 * tab to /signin?from=… and back here after signing in. Nothing waits on a Retry that cannot work.
 */
export function createQueryClient(): QueryClient {
  let qc: QueryClient;
  const onError = (err: unknown) => {
    if (isApiError(err, 401) && qc.getQueryData(keys.me)) qc.setQueryData(keys.me, null);
  };
  qc = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        // 4xx answers are decisions, not hiccups: do not retry them.
        retry: (count, err) => !(isApiError(err) && err.status >= 400 && err.status < 500) && count < 2,
      },
      mutations: { retry: false },
    },
  });
  return qc;
}
