import type { UseQueryResult } from '@tanstack/react-query';
import { isApiError } from '../api/client';
import { formatTime } from '../lib/format';

/**
 * True while a query that already has data cannot refresh it because the server is out of
 * reach (network failure or 5xx, while retrying or after giving up). The screen keeps the last
 * good data and says so, instead of swapping it for an error while other parts still show it.
 */
export function isReconnecting(q: Pick<UseQueryResult, 'data' | 'failureCount' | 'failureReason'>): boolean {
  if (q.data === undefined || q.failureCount === 0) return false;
  const err = q.failureReason;
  return !(isApiError(err) && err.status >= 400 && err.status < 500);
}

/** "Reconnecting…" above content that is kept from the last good answer. */
export function ReconnectingNotice({
  query,
  what = 'this page',
}: {
  query: Pick<UseQueryResult, 'data' | 'failureCount' | 'failureReason' | 'dataUpdatedAt'>;
  what?: string;
}) {
  if (!isReconnecting(query)) return null;
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
