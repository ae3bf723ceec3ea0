import type { UseQueryResult } from '@tanstack/react-query';
import { isApiError } from '../api/client';
import { type LiveStatus, useLiveStatus } from '../api/live';
import { formatTime } from '../lib/format';

/**
 * True while a query that already has data cannot refresh it because the server is out of
 * reach (network failure or 5xx, while retrying or after giving up), or while the tab's live
 * stream, which keeps that data fresh, is down (the top bar then says Reconnecting or Offline
 * too). The screen keeps the last good data and says so, instead of swapping it for an error
 * while other parts still show it.
 */
type QueryState = Pick<UseQueryResult, 'data' | 'error' | 'failureCount' | 'failureReason'>;

const unreachable = (err: unknown) =>
  Boolean(err) && !(isApiError(err) && err.status >= 400 && err.status < 500);

export function isReconnecting(q: QueryState, live: LiveStatus = 'live'): boolean {
  if (q.data === undefined) return false;
  if (live === 'reconnecting' || live === 'offline') return true;
  // `failureReason` covers a refresh that is failing and retrying; `error` stays set while the
  // next refresh runs (the failure count starts again at 0), so the notice does not flicker.
  return (q.failureCount > 0 && unreachable(q.failureReason)) || unreachable(q.error);
}

/** "Reconnecting…" above content that is kept from the last good answer. */
export function ReconnectingNotice({
  query,
  what = 'this page',
}: {
  query: QueryState & Pick<UseQueryResult, 'dataUpdatedAt'>;
  what?: string;
}) {
  const live = useLiveStatus();
  if (!isReconnecting(query, live)) return null;
  return (
    <div className="inline-alert reconnecting-notice" role="status" data-testid="reconnecting">
      <span className="reconnecting-dot" aria-hidden="true" />
      <span>
        <strong>Reconnecting…</strong> Showing {what} as of{' '}
        {formatTime(new Date(query.dataUpdatedAt).toISOString())}.
      </span>
    </div>
  );
}
