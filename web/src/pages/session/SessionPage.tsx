import type { TSessionDetail } from '@rf/contracts';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { isApiError } from '../../api/client';
import { useHandoff } from '../../api/handoffs';
import { useLiveEvent } from '../../api/live';
import { useSession } from '../../api/sessions';
import { Icon } from '../../components/Icon';
import { ReconnectingNotice } from '../../components/Reconnecting';
import { ErrorState, Skeleton } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { Where } from '../../components/Where';
import { useCurrentUser } from '../../layout/RequireAuth';
import { useDraft, useJsonDraft } from '../../lib/drafts';
import { formatRelative } from '../../lib/format';
import { isEngineerOrAdmin } from '../../lib/roles';
import { useTitle } from '../../lib/useTitle';
import { NotFoundPage } from '../NotFoundPage';
import { AssistantPanel } from './AssistantPanel';
import { EscalateDialog } from './EscalateDialog';
import { ResolveDialog } from './ResolveDialog';
import { StepForm } from './StepForm';
import { TicketNotes } from './TicketNotes';
import { TicketPanel } from './TicketPanel';
import { Timeline } from './Timeline';
import './session.css';

/** Navigation state that carries the handoff's "Start here" into the session's step form. */
export interface StartHereState {
  startHere?: { sessionId: string; action: string; why: string };
}

export function SessionPage() {
  const { id = '' } = useParams();
  // Keyed by id: moving from one session to another mounts a fresh view, so no composer
  // text, prefill or dialog state of one session can survive into the next.
  return <SessionScreen key={id} id={id} />;
}

function SessionScreen({ id }: { id: string }) {
  const session = useSession(id);
  useTitle(session.data?.title ?? 'Session');

  if (session.isPending) return <SessionSkeleton />;
  if (session.data === undefined) {
    if (isApiError(session.error, 404)) return <NotFoundPage what="session" />;
    return (
      <div className="page">
        <ErrorState
          error={session.error}
          onRetry={() => void session.refetch()}
          title="This session could not be loaded"
        />
      </div>
    );
  }
  return (
    <SessionView session={session.data} notice={<ReconnectingNotice query={session} what="this session" />} />
  );
}

function SessionView({ session, notice }: { session: TSessionDetail; notice: ReactNode }) {
  const me = useCurrentUser();
  const location = useLocation();
  const navigate = useNavigate();
  const [stepAction, setStepAction] = useDraft(session.id, 'step-action');
  const [chatDraft, setChatDraft] = useDraft(session.id, 'assistant');
  // Kept as a draft too: a reload keeps the Start here hint along with its pre-filled action.
  const [startHere, setStartHere] = useJsonDraft<{ action: string; why: string }>(session.id, 'start-here');
  const [stepFocusTick, setStepFocusTick] = useState(0);
  const [chatFocusTick, setChatFocusTick] = useState(0);
  const [dialog, setDialog] = useState<'resolve' | 'escalate' | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const [liveNote, setLiveNote] = useState<string | null>(null);
  const appliedStartHere = useRef(false);

  // The escalator watching this session learns the moment a teammate picks it up (or hands it back).
  useLiveEvent(({ type, event }) => {
    const h = event.handoff;
    if (!h || h.sessionId !== session.id) return;
    if (type === 'handoff.claimed' && h.claimedBy && h.claimedBy.id !== me.user.id) {
      setLiveNote(`${h.claimedBy.name} picked this up`);
    } else if (type === 'handoff.released') {
      setLiveNote('The escalation went back to the queue');
    }
  });

  // "Start here" from the handoff screen: fill the step form once, only for this session.
  useEffect(() => {
    if (appliedStartHere.current) return;
    const state = location.state as StartHereState | null;
    const sh = state?.startHere;
    if (sh && sh.sessionId === session.id) {
      appliedStartHere.current = true;
      setStepAction(sh.action);
      setStartHere({ action: sh.action, why: sh.why });
      setStepFocusTick((t) => t + 1);
      // Drop the state so a reload or Back does not apply it again.
      navigate(location.pathname, { replace: true, state: null });
    }
  }, [location.state, location.pathname, navigate, session.id, setStepAction, setStartHere]);

  // What the caller may do comes from the server (session.can); the page never re-derives it.
  const resolved = session.status === 'resolved';
  const canEdit = session.can.write;
  const mayAct = canEdit;

  // A writer who may not escalate: the session already has an open or claimed escalation.
  const escalateBlocked = session.can.escalate ? null : 'This session already has an open escalation.';

  const where = Boolean(session.customer || session.asset);

  return (
    <div className="page session-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/sessions">
          <Icon name="arrowLeft" size={14} /> Sessions
        </Link>
      </nav>
      {notice}
      <header className="session-header">
        <div className="session-header-main">
          <div className="session-title-row">
            <h1 dir="auto">{session.title}</h1>
            <StatusBadge status={session.status} />
          </div>
          <div className="meta-line">
            {where ? <Where customer={session.customer} asset={session.asset} /> : null}
            {session.category ? <span className={where ? 'dot-sep' : ''}>{session.category}</span> : null}
            <span className={where || session.category ? 'dot-sep' : ''}>Owner {session.owner.name}</span>
            <span className="dot-sep">Started {formatRelative(session.createdAt)}</span>
          </div>
        </div>
        {mayAct ? (
          <div className="session-actions">
            {!resolved ? (
              <button type="button" className="btn" onClick={() => setDialog('resolve')}>
                <Icon name="check2" size={16} />
                Resolve
              </button>
            ) : null}
            <button
              type="button"
              className="btn btn-escalate"
              aria-disabled={escalateBlocked ? true : undefined}
              aria-describedby={escalateBlocked ? 'escalate-blocked' : undefined}
              onClick={() => {
                if (!escalateBlocked) setDialog('escalate');
              }}
            >
              <Icon name="flag" size={16} />
              Escalate
            </button>
            {escalateBlocked ? (
              <span id="escalate-blocked" className="field-hint escalate-blocked">
                {escalateBlocked}
              </span>
            ) : null}
          </div>
        ) : null}
      </header>

      <p className="problem-statement" dir="auto">
        {session.problem}
      </p>

      <div role="status" data-testid="session-live-note">
        {liveNote ? (
          <p className="inline-alert inline-alert-info session-flash live-note">
            <Icon name="hand" size={16} /> {liveNote}
          </p>
        ) : null}
      </div>
      {session.activeHandoffId ? <HandoffBanner handoffId={session.activeHandoffId} /> : null}
      {resolved && session.resolution ? (
        <div className="resolution-banner" role="note">
          <Icon name="check2" size={18} />
          <div>
            <strong>Resolved{session.resolvedAt ? ` ${formatRelative(session.resolvedAt)}` : ''}.</strong>{' '}
            <span dir="auto">{session.resolution}</span>
          </div>
        </div>
      ) : null}
      {flash ? (
        <div className="inline-alert inline-alert-success session-flash" role="status">
          {flash}
        </div>
      ) : null}
      {!mayAct && !resolved ? (
        <p className="inline-alert readonly-note">
          {isEngineerOrAdmin(me.user.role)
            ? `${session.owner.name} owns this session. Only the owner or an admin can log steps.`
            : 'You have read-only access to this session.'}
        </p>
      ) : null}

      <TicketPanel sessionId={session.id} />
      <TicketNotes sessionId={session.id} />

      <div className="session-grid">
        <section className="session-main" aria-labelledby="timeline-title">
          <h2 id="timeline-title" className="section-title">
            Timeline
          </h2>
          <Timeline
            entries={session.timeline}
            canAsk={canEdit}
            onAsk={(text) => {
              setChatDraft(text);
              setChatFocusTick((t) => t + 1);
            }}
          />
          {canEdit ? (
            <StepForm
              sessionId={session.id}
              action={stepAction}
              onActionChange={setStepAction}
              focusTick={stepFocusTick}
              startHere={startHere}
              onLogged={() => setStartHere(null)}
            />
          ) : null}
        </section>
        <AssistantPanel
          session={session}
          canEdit={canEdit}
          draft={chatDraft}
          onDraftChange={setChatDraft}
          focusTick={chatFocusTick}
          onUseSuggestion={(action) => {
            setStepAction(action);
            setStartHere(null);
            setStepFocusTick((t) => t + 1);
          }}
        />
      </div>

      <ResolveDialog
        sessionId={session.id}
        open={dialog === 'resolve'}
        onClose={() => setDialog(null)}
        onDone={() => setFlash('Session resolved.')}
      />
      <EscalateDialog
        session={session}
        open={dialog === 'escalate'}
        onClose={() => setDialog(null)}
        onDone={() => setFlash('Escalated. Your teammates see it in the queue now.')}
      />
    </div>
  );
}

function HandoffBanner({ handoffId }: { handoffId: string }) {
  const handoff = useHandoff(handoffId);
  const h = handoff.data;
  return (
    <div className="handoff-banner" role="note">
      <Icon name="flag" size={18} />
      <div className="handoff-banner-text">
        {h ? (
          h.status === 'claimed' && h.claimedBy ? (
            <>
              <strong>Escalated, picked up by {h.claimedBy.name}.</strong>{' '}
              <span className="muted" dir="auto">
                “{h.reason}”
              </span>
            </>
          ) : (
            <>
              <strong>Escalated by {h.createdBy.name}, waiting in the queue.</strong>{' '}
              <span className="muted" dir="auto">
                “{h.reason}”
              </span>
            </>
          )
        ) : (
          <strong>This session is escalated.</strong>
        )}
      </div>
      <Link to={`/handoffs/${handoffId}`} className="btn btn-sm">
        View handoff
      </Link>
    </div>
  );
}

function SessionSkeleton() {
  return (
    <div className="page session-page" role="status" aria-label="Loading session">
      <Skeleton width={90} height={14} />
      <div style={{ height: 16 }} />
      <Skeleton width="45%" height={28} />
      <div style={{ height: 8 }} />
      <Skeleton width="30%" height={14} />
      <div style={{ height: 24 }} />
      <div className="session-grid">
        <div className="loading-rows">
          <Skeleton height={64} />
          <Skeleton height={64} />
          <Skeleton height={64} />
          <Skeleton height={140} />
        </div>
        <div className="loading-rows">
          <Skeleton height={220} />
        </div>
      </div>
    </div>
  );
}
