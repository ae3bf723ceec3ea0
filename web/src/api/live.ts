import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { keys } from './keys';

/**
 * How fresh the queue is kept. Today: the queue (and open handoff screens) are
 * re-fetched on an interval. The Server-Sent Events issue replaces the body of this
 * hook with an EventSource on /api/events; callers do not change.
 */
export type LiveMode = 'polling';

export const QUEUE_REFRESH_MS = 5_000;

export function useLiveEvents(opts: { enabled?: boolean } = {}): { mode: LiveMode } {
  const qc = useQueryClient();
  const enabled = opts.enabled ?? true;

  useEffect(() => {
    if (!enabled) return;
    const timer = window.setInterval(() => {
      void qc.invalidateQueries({ queryKey: keys.handoffs.all });
    }, QUEUE_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [qc, enabled]);

  return { mode: 'polling' };
}
