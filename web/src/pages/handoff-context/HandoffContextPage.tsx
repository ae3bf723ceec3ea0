import type { THandoffWithContext } from '@rf/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { errorMessage, isApiError } from '../../api/client';
import {
  claimedByName,
  useCancelHandoff,
  useClaimHandoff,
  useHandoff,
  useReleaseHandoff,
} from '../../api/handoffs';
import { useLiveEvent } from '../../api/live';
import { useSessionNotes } from '../../api/notes';
import { sessionQuery } from '../../api/sessions';
import { CopyButton } from '../../components/CopyButton';
import { Icon } from '../../components/Icon';
import { LongText } from '../../components/LongText';
import { OutcomeBadge } from '../../components/OutcomeBadge';
import { ReconnectingNotice } from '../../components/Reconnecting';
import { RichText } from '../../components/RichText';
import { ErrorState, Skeleton } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { UrgencyLabel } from '../../components/UrgencyLabel';
import { Where } from '../../components/Where';
import { useCurrentUser } from '../../layout/RequireAuth';
import { formatDateTime, formatElapsed, formatTime } from '../../lib/format';
import { isAdmin } from '../../lib/roles';
import { useTitle } from '../../lib/useTitle';
import { NotFoundPage } from '../NotFoundPage';
import type { StartHereState } from '../session/SessionPage';
import { DeliveryPanel } from './DeliveryPanel';
import './handoff.css';

const AUDIT_LABEL: Record<THandoffWithContext['audit'][number]['action'], string> = {
  created: 'escalated',
  claimed: 'picked up',
  released: 'released back to the queue',
  cancelled: 'cancelled',
  first_action: 'took the first action',
  resolved: 'resolved',
};

export function HandoffContextPage() {
  const { id = '' } = useParams();
  const handoff = useHandoff(id);
  useTitle(handoff.data ? `Handoff: ${handoff.data.session.title}` : 'Handoff');

  if (handoff.isPending) return <HandoffSkeleton />;
  if (handoff.data === undefined) {
    if (isApiError(handoff.error, 404)) return <NotFoundPage what="handoff" />;
    return (
      <div className="page">
        <ErrorState
          error={handoff.error}
          onRetry={() => void handoff.refetch()}
          title="This handoff could not be loaded"
        />
      </div>
    );
  }
  return (
    <HandoffContext
      handoff={handoff.data}
      notice={<ReconnectingNotice query={handoff} what="this handoff" />}
    />
  );
}

function prefersReducedMotion() {
  return typeof window !== 'undefined' && window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
}

function HandoffContext({ handoff: h, notice }: { handoff: THandoffWithContext; notice: ReactNode }) {
  const me = useCurrentUser();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const claim = useClaimHandoff();
  const release = useReleaseHandoff();
  const cancel = useCancelHandoff();
  const [leaving, setLeaving] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [liveNote, setLiveNote] = useState<string | null>(null);
  const { problemSummary: p, tried, assessment, startHere } = h.context;

  // Someone else acting on the handoff being read: say so, while the screen updates itself (the
  // live layer refetches the handoff, and with it what the caller may do now, \`h.can\`).
  useLiveEvent(({ type, event }) => {
    const e = event.handoff;
    if (!e || e.id !== h.id) return;
    if (type === 'handoff.claimed' && e.claimedBy && e.claimedBy.id !== me.user.id) {
      setLiveNote(`${e.claimedBy.name} picked this up`);
    } else if (type === 'handoff.cancelled' && e.createdBy.id !== me.user.id) {
      setLiveNote(`${e.createdBy.name} cancelled this escalation`);
    } else if (type === 'handoff.released') {
      setLiveNote('This escalation went back to the queue');
    }
  });

  // What the caller may do comes from the server (h.can); the page never re-derives it.
  const mine = h.createdBy.id === me.user.id;
  const claimedByMe = h.claimedBy?.id === me.user.id;
  const { claim: canClaim, release: canRelease, cancel: canCancel } = h.can;
  // "Start here" is for the one who picked it up, once they may work the session.
  const canWork = h.can.write && claimedByMe;

  /** Dissolve into the session view with "Start here" ready in the step form. */
  const openSession = async (withStartHere: boolean) => {
    setLeaving(true);
    // Load the session first so the cross-fade lands on content, not a skeleton.
    await qc.prefetchQuery(sessionQuery(h.sessionId));
    const state: StartHereState | undefined = withStartHere
      ? { startHere: { sessionId: h.sessionId, action: startHere.action, why: startHere.why } }
      : undefined;
    navigate(`/sessions/${h.sessionId}`, { state, viewTransition: !prefersReducedMotion() });
  };

  const actionError = claim.error ?? release.error ?? cancel.error;
  const actionErrorText = actionError
    ? (claimedByName(actionError) && `${claimedByName(actionError)} picked this up`) ||
      errorMessage(actionError)
    : null;

  return (
    <div className="page handoff-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/queue">
          <Icon name="arrowLeft" size={14} /> Queue
        </Link>
      </nav>
      {notice}

      <header className="handoff-header">
        <div className="handoff-header-main">
          <div className="handoff-badges">
            <UrgencyLabel urgency={h.urgency} />
            <StatusBadge status={h.status} />
            <span className="muted handoff-engine">
              Assessment by {assessment.engine === 'llm' ? 'LLM' : 'built-in playbooks'}
            </span>
          </div>
          <h1 dir="auto" ref={headingRef} tabIndex={-1}>
            {p.title}
          </h1>
          <p className="handoff-oneliner" dir="auto">
            {p.problem}
          </p>
        </div>
        <div className="handoff-header-actions">
          {canClaim ? (
            <button
              type="button"
              className="btn btn-primary"
              disabled={claim.isPending}
              onClick={() =>
                // The Pick Up button goes away with the claim: put focus on the heading, not <body>.
                claim.mutate(h.id, {
                  onSuccess: () => requestAnimationFrame(() => headingRef.current?.focus()),
                })
              }
            >
              <Icon name="hand" size={16} />
              {claim.isPending ? 'Picking up…' : 'Pick Up'}
            </button>
          ) : null}
          {canRelease ? (
            <button
              type="button"
              className="btn"
              disabled={release.isPending}
              onClick={() => release.mutate(h.id)}
            >
              Release to queue
            </button>
          ) : null}
          {canCancel ? (
            <button
              type="button"
              className="btn btn-danger"
              disabled={cancel.isPending}
              onClick={() => cancel.mutate(h.id)}
            >
              Cancel escalation
            </button>
          ) : null}
          <button type="button" className="btn" onClick={() => void openSession(canWork)} disabled={leaving}>
            Open session
          </button>
          <EscalationNoteCopy sessionId={h.sessionId} handoffId={h.id} />
        </div>
      </header>
      {actionErrorText ? (
        <div className="inline-alert inline-alert-error handoff-alert" role="alert">
          {actionErrorText}
        </div>
      ) : null}
      <div role="status" data-testid="handoff-live-note">
        {liveNote && !actionErrorText ? (
          <p className="inline-alert inline-alert-info handoff-alert live-note">
            <Icon name="hand" size={16} /> {liveNote}
          </p>
        ) : null}
      </div>

      <div className="handoff-grid">
        <div className="handoff-col">
          <section className="handoff-section panel" aria-labelledby="sec-summary">
            <h2 id="sec-summary" className="handoff-section-title">
              Problem summary
            </h2>
            <dl className="summary-list">
              <div>
                <dt>Customer · asset</dt>
                <dd>{p.customer || p.asset ? <Where customer={p.customer} asset={p.asset} /> : '—'}</dd>
              </div>
              <div>
                <dt>Urgency</dt>
                <dd>
                  <UrgencyLabel urgency={p.urgency} />
                </dd>
              </div>
              <div>
                <dt>Worked on</dt>
                <dd className="tabular">
                  {p.workedMinutes < 1 ? 'Under a minute' : formatElapsed(p.workedMinutes * 60)} by{' '}
                  {h.createdBy.name}
                </dd>
              </div>
              <div>
                <dt>{h.claimedAt ? 'Waited' : 'Waiting'}</dt>
                <dd className="tabular">
                  {h.claimedAt && h.claimedBy
                    ? `${formatElapsed(h.waitingSeconds)}, until ${h.claimedBy.name} picked it up at ${formatTime(h.claimedAt)}`
                    : `${formatElapsed(h.waitingSeconds)} since ${formatTime(h.createdAt)}`}
                </dd>
              </div>
            </dl>
            <blockquote className="reason-quote">
              <span className="reason-label">Why {h.createdBy.name.split(' ')[0]} is stuck</span>
              <span dir="auto">{p.reason}</span>
            </blockquote>
          </section>

          <section className="handoff-section panel" aria-labelledby="sec-tried">
            <h2 id="sec-tried" className="handoff-section-title">
              What's been tried <span className="count tabular">{tried.length}</span>
            </h2>
            {tried.length === 0 ? (
              <p className="muted">Nothing was logged before escalating.</p>
            ) : (
              <TriedList tried={tried} />
            )}
          </section>
        </div>

        <div className="handoff-col">
          <section className="handoff-section start-here panel" aria-labelledby="sec-start">
            <h2 id="sec-start" className="handoff-section-title">
              Start here
            </h2>
            <p className="start-here-action">
              <RichText text={startHere.action} />
            </p>
            <p className="start-here-why">
              <RichText text={startHere.why} />
            </p>
            {canWork ? (
              <button
                type="button"
                className="btn btn-primary btn-lg btn-block"
                disabled={leaving}
                onClick={() => void openSession(true)}
              >
                Start here
                <Icon name="arrowRight" size={16} />
              </button>
            ) : (
              <p className="field-hint">
                {h.status === 'open'
                  ? canClaim
                    ? 'Pick this up to start working on it.'
                    : mine
                      ? 'A teammate will pick this up.'
                      : 'Waiting for an engineer to pick this up.'
                  : h.claimedBy
                    ? `${h.claimedBy.name} is working on this.`
                    : `This handoff is ${h.status}.`}
              </p>
            )}
          </section>

          <section className="handoff-section panel" aria-labelledby="sec-ai">
            <h2 id="sec-ai" className="handoff-section-title">
              AI assessment
            </h2>
            <h3 className="section-title">Likely causes</h3>
            {assessment.likelyCauses.length === 0 ? (
              <p className="muted">No likely cause stands out yet.</p>
            ) : (
              <ol className="cause-list">
                {assessment.likelyCauses.map((c) => (
                  <li key={c.cause} className="cause">
                    <div className="cause-head">
                      <span className="cause-name">
                        <RichText text={c.cause} />
                      </span>
                      <span className="cause-pct tabular">{Math.round(c.confidence * 100)}%</span>
                    </div>
                    {/* biome-ignore lint/a11y/useSemanticElements: a styled bar; <meter> cannot take the token colours reliably */}
                    <div
                      className="confidence-bar"
                      role="meter"
                      aria-valuemin={0}
                      aria-valuemax={100}
                      aria-valuenow={Math.round(c.confidence * 100)}
                      aria-label={`Confidence for ${c.cause}`}
                    >
                      <span style={{ width: `${Math.max(2, Math.round(c.confidence * 100))}%` }} />
                    </div>
                    {c.evidence.length > 0 ? (
                      <ul className="evidence">
                        {c.evidence.map((e) => (
                          <li key={e}>
                            <RichText text={e} />
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </li>
                ))}
              </ol>
            )}
            {assessment.ruledOut.length > 0 ? (
              <>
                <h3 className="section-title">Ruled out</h3>
                <ul className="ruled-out">
                  {assessment.ruledOut.map((r) => (
                    <li key={r.cause}>
                      <Icon name="x" size={12} strokeWidth={2.4} />
                      <span>
                        <s>{r.cause}</s> —{' '}
                        <span className="muted">
                          <RichText text={r.why} />
                        </span>
                      </span>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            {assessment.gaps.length > 0 ? (
              <>
                <h3 className="section-title">Gaps — nobody has checked</h3>
                <ul className="gaps">
                  {assessment.gaps.map((g) => (
                    <li key={g}>
                      <RichText text={g} />
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </section>

          <section className="handoff-section panel" aria-labelledby="sec-audit">
            <h2 id="sec-audit" className="handoff-section-title">
              Audit trail
            </h2>
            <ol className="audit">
              {h.audit.map((a) => (
                <li key={a.id}>
                  <time className="tabular" dateTime={a.at}>
                    {formatDateTime(a.at)}
                  </time>
                  <span>
                    <strong>{a.actor?.name ?? 'System'}</strong> {AUDIT_LABEL[a.action]}
                  </span>
                </li>
              ))}
            </ol>
          </section>
          {/* A read-only section of an admin-only endpoint: the role gates what is shown (005). */}
          {isAdmin(me.user.role) ? <DeliveryPanel handoffId={h.id} /> : null}
        </div>
      </div>
    </div>
  );
}

type TriedItem = THandoffWithContext['context']['tried'][number];

/** Long sessions show the most recent entries; the rest is one click away. */
const TRIED_COLLAPSED = 8;

function TriedList({ tried }: { tried: TriedItem[] }) {
  const [all, setAll] = useState(false);
  const hidden = all ? 0 : Math.max(0, tried.length - TRIED_COLLAPSED);
  return (
    <>
      {hidden > 0 ? (
        <button type="button" className="link-button show-more tried-show-all" onClick={() => setAll(true)}>
          Show all {tried.length} ({hidden} earlier)
        </button>
      ) : null}
      <ol className="tried-list" start={hidden + 1} data-testid="tried-list">
        {tried.slice(hidden).map((t, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the snapshot is immutable and has no ids
          <li key={hidden + i} className={`tried-item tried-${t.kind}`}>
            <span className="tried-outcome">
              {t.kind === 'step' && t.outcome ? (
                <OutcomeBadge outcome={t.outcome} />
              ) : t.kind === 'note' ? (
                <span className="badge">Note</span>
              ) : (
                <span className="badge">{t.followed ? 'Suggested · followed' : 'Suggested'}</span>
              )}
              {t.kind === 'step' && t.followed ? (
                <span className="badge badge-followed" title="Logged from an assistant suggestion">
                  From a suggestion
                </span>
              ) : null}
            </span>
            <div className="tried-text">
              <LongText text={t.text} />
              {t.detail ? (
                <span className="tried-detail" dir="auto">
                  {t.detail}
                </span>
              ) : null}
            </div>
            <time className="tried-time tabular" dateTime={t.at} title={formatDateTime(t.at)}>
              {formatTime(t.at)}
            </time>
          </li>
        ))}
      </ol>
    </>
  );
}

function HandoffSkeleton() {
  return (
    <div className="page handoff-page" role="status" aria-label="Loading handoff">
      <Skeleton width={80} height={14} />
      <div style={{ height: 16 }} />
      <Skeleton width="50%" height={28} />
      <div style={{ height: 24 }} />
      <div className="handoff-grid">
        <div className="loading-rows">
          <Skeleton height={160} />
          <Skeleton height={240} />
        </div>
        <div className="loading-rows">
          <Skeleton height={140} />
          <Skeleton height={260} />
        </div>
      </div>
    </div>
  );
}

/**
 * "Copy for ticket" of the escalation note saved with this handoff (plain text). Escalations made
 * before ticket notes existed have none: then there is no button.
 */
function EscalationNoteCopy({ sessionId, handoffId }: { sessionId: string; handoffId: string }) {
  const notes = useSessionNotes(sessionId);
  if (notes.isPending) return <CopyButton text="" className="btn" disabled />;
  const note = notes.data?.find((n) => n.kind === 'escalation' && n.handoffId === handoffId);
  if (!note) return null;
  return <CopyButton text={note.body} className="btn" />;
}
