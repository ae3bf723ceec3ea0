import type { THandoff } from '@rf/contracts';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useEscalationAnalytics } from '../../api/analytics';
import { isApiError } from '../../api/client';
import { type PickUpState, usePrefetchHandoff, useQueue } from '../../api/handoffs';
import { EscalationMetricCard } from '../../components/EscalationMetricCard';
import { Icon } from '../../components/Icon';
import { ReconnectingNotice } from '../../components/Reconnecting';
import { EmptyState, ErrorState, LoadingRows, Skeleton } from '../../components/States';
import { UrgencyLabel } from '../../components/UrgencyLabel';
import { WaitingTimer } from '../../components/WaitingTimer';
import { Where } from '../../components/Where';
import { useCurrentUser } from '../../layout/RequireAuth';
import { formatRelative } from '../../lib/format';
import { isEngineerOrAdmin } from '../../lib/roles';
import { useTitle } from '../../lib/useTitle';
import './queue.css';

export function QueuePage() {
  useTitle('Queue');
  const me = useCurrentUser();
  const seesMetrics = isEngineerOrAdmin(me.user.role);
  // Live events (LiveProvider in the app shell) keep the queue and its metric card fresh; the shell
  // also announces arrivals and flashes the tab title.
  const queue = useQueue();
  const analytics = useEscalationAnalytics({ period: '30d' }, { enabled: seesMetrics });
  const navigate = useNavigate();
  const prefetch = usePrefetchHandoff();
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const seen = useRef<Set<string> | null>(null);

  // Tell newly arrived cards (live, or found by the refetch after a reconnect) apart from the ones
  // already on screen: they slide in.
  useEffect(() => {
    if (!queue.data) return;
    const ids = queue.data.map((h) => h.id);
    if (seen.current === null) {
      seen.current = new Set(ids);
      return;
    }
    const arrived = queue.data.filter((h) => h.status === 'open' && !seen.current?.has(h.id));
    for (const id of ids) seen.current.add(id);
    if (arrived.length === 0) return;
    setFresh(new Set(arrived.map((h) => h.id)));
  }, [queue.data]);

  // Pick Up opens the handoff at once, painted from the context the card prefetched; the handoff
  // screen sends the claim and shows its answer (who got it, if someone was faster): decision 022.
  // The navigation renders in the click's own task (flushSync), not as a transition a busy main
  // thread may postpone.
  const pickUp = (h: THandoff) => {
    const state: PickUpState = { pickUp: true };
    navigate(`/handoffs/${h.id}`, { state, flushSync: true });
  };

  const open = queue.data?.filter((h) => h.status === 'open') ?? [];
  const claimed = queue.data?.filter((h) => h.status === 'claimed') ?? [];
  const showMetrics = seesMetrics && !isApiError(analytics.error, 403);

  return (
    <div className="page queue-page">
      <div className="page-header">
        <div>
          <h1>Escalation queue</h1>
          <p>Oldest first. Pick one up to see everything that was tried and where to start.</p>
        </div>
      </div>

      {showMetrics ? (
        <div className="queue-metrics">
          {analytics.isPending ? (
            <Skeleton height={104} />
          ) : analytics.isError ? (
            <ErrorState
              error={analytics.error}
              onRetry={() => void analytics.refetch()}
              title="Escalation metrics could not be loaded"
            />
          ) : (
            <EscalationMetricCard
              timeToFirstAction={analytics.data.timeToFirstAction}
              timeToClaim={analytics.data.timeToClaim}
              open={queue.data ? open.length : analytics.data.open}
              periodLabel="last 30 days"
            />
          )}
        </div>
      ) : null}

      <ReconnectingNotice query={queue} what="the queue" />
      {queue.isPending ? (
        <LoadingRows rows={3} height={96} label="Loading the queue" />
      ) : queue.data === undefined ? (
        <ErrorState
          error={queue.error}
          onRetry={() => void queue.refetch()}
          title="The queue could not be loaded"
        />
      ) : (
        <>
          <section aria-labelledby="waiting-title" className="queue-section">
            <h2 id="waiting-title" className="queue-section-title">
              Waiting for pickup <span className="count tabular">{open.length}</span>
            </h2>
            {open.length === 0 ? (
              <div className="panel">
                <EmptyState icon="check2" title="No one is stuck right now">
                  <p>New escalations appear here as they happen.</p>
                </EmptyState>
              </div>
            ) : (
              <ul className="queue-list">
                {open.map((h) => (
                  <QueueCard
                    key={h.id}
                    handoff={h}
                    fetchedAt={queue.dataUpdatedAt}
                    isNew={fresh.has(h.id)}
                    canClaim={h.can.claim}
                    permissionsPending={'permissionsPending' in h}
                    isMine={h.createdBy.id === me.user.id}
                    onPrefetch={prefetch}
                    onPickUp={() => pickUp(h)}
                  />
                ))}
              </ul>
            )}
          </section>
          {claimed.length > 0 ? (
            <section aria-labelledby="claimed-title" className="queue-section">
              <h2 id="claimed-title" className="queue-section-title">
                Picked up <span className="count tabular">{claimed.length}</span>
              </h2>
              <ul className="queue-list">
                {claimed.map((h) => (
                  <ClaimedRow key={h.id} handoff={h} />
                ))}
              </ul>
            </section>
          ) : null}
        </>
      )}
    </div>
  );
}

function QueueCard({
  handoff: h,
  fetchedAt,
  isNew,
  canClaim,
  permissionsPending,
  isMine,
  onPrefetch,
  onPickUp,
}: {
  handoff: THandoff;
  fetchedAt: number;
  isNew: boolean;
  canClaim: boolean;
  /** A card the live stream brought before this caller's permissions: it offers no action yet. */
  permissionsPending: boolean;
  isMine: boolean;
  onPrefetch: (id: string) => void;
  onPickUp: () => void;
}) {
  const ref = useRef<HTMLLIElement>(null);
  // While the card is on screen, its handoff (the four sections) is read into the cache: a senior
  // may read it before claiming, and Pick Up then paints it without waiting (decision 022). Cards
  // scrolled out of view are not fetched; hovering or focusing a card refreshes a stale copy.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (typeof IntersectionObserver === 'undefined') {
      onPrefetch(h.id);
      return;
    }
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        io.disconnect();
        onPrefetch(h.id);
      }
    });
    io.observe(el);
    return () => io.disconnect();
  }, [h.id, onPrefetch]);
  const where = Boolean(h.session.customer || h.session.asset);
  const target = h.targetTier ? `Tier ${h.targetTier}+` : h.targetUserId ? 'Named teammate' : null;
  return (
    <li
      ref={ref}
      className={`queue-card card urgency-${h.urgency}${isNew ? ' is-new' : ''}`}
      data-testid="queue-card"
      data-handoff-id={h.id}
      onPointerEnter={() => onPrefetch(h.id)}
      onFocus={() => onPrefetch(h.id)}
    >
      <div className="queue-card-main">
        <div className="queue-card-top">
          <UrgencyLabel urgency={h.urgency} />
          <h3 className="queue-card-title" dir="auto">
            <Link to={`/handoffs/${h.id}`}>{h.session.title}</Link>
          </h3>
        </div>
        <div className="meta-line">
          {where ? <Where customer={h.session.customer} asset={h.session.asset} /> : null}
          <span className={where ? 'dot-sep' : ''}>Escalated by {isMine ? 'you' : h.createdBy.name}</span>
          {target ? <span className="dot-sep">For {target}</span> : null}
        </div>
        <p className="queue-card-reason" title={h.reason} dir="auto">
          “{h.reason}”
        </p>
      </div>
      <div className="queue-card-side">
        <span className="queue-card-wait">
          <Icon name="clock" size={14} />
          <WaitingTimer waitingSeconds={h.waitingSeconds} fetchedAt={fetchedAt} />
        </span>
        {isMine ? (
          <span className="queue-card-mine">You escalated this</span>
        ) : permissionsPending ? (
          // Arrived by the live stream a moment before this caller's permissions: no action yet.
          <span className="queue-card-action-pending" aria-hidden="true" />
        ) : canClaim ? (
          <button type="button" className="btn btn-primary" onClick={onPickUp}>
            <Icon name="hand" size={16} />
            Pick Up
          </button>
        ) : (
          <Link to={`/handoffs/${h.id}`} className="btn btn-sm">
            View
          </Link>
        )}
      </div>
    </li>
  );
}

function ClaimedRow({ handoff: h }: { handoff: THandoff }) {
  return (
    <li className={`queue-card queue-card-claimed card urgency-${h.urgency}`} data-testid="claimed-card">
      <div className="queue-card-main">
        <div className="queue-card-top">
          <UrgencyLabel urgency={h.urgency} />
          <h3 className="queue-card-title" dir="auto">
            <Link to={`/handoffs/${h.id}`}>{h.session.title}</Link>
          </h3>
        </div>
        <div className="meta-line">
          <span>
            Picked up by <strong>{h.claimedBy?.name ?? 'a teammate'}</strong>
            {h.claimedAt ? ` ${formatRelative(h.claimedAt)}` : ''}
          </span>
          <span className="dot-sep">Escalated by {h.createdBy.name}</span>
          {h.firstActionAt ? <span className="dot-sep">Working on it</span> : null}
        </div>
      </div>
    </li>
  );
}
