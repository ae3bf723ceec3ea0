import { formatWaiting } from '../lib/format';
import { useNow } from '../lib/useNow';

/**
 * "waiting 3m", ticking client-side. The server tells how long the handoff had waited
 * when it was fetched (`waitingSeconds` at `fetchedAt`); the browser clock adds the rest,
 * so a skewed client clock does not distort it.
 */
export function WaitingTimer({ waitingSeconds, fetchedAt }: { waitingSeconds: number; fetchedAt: number }) {
  const now = useNow();
  const seconds = waitingSeconds + Math.max(0, (now - fetchedAt) / 1000);
  return (
    <span className="waiting-timer tabular" data-testid="waiting-timer">
      {formatWaiting(seconds)}
    </span>
  );
}
