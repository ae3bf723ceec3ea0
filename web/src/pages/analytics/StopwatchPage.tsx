import { MIN_BASELINES, type TBaseline } from '@rf/contracts';
import { useEffect, useId, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useBaselines, useDeleteBaseline, useEscalationRows, useRecordBaseline } from '../../api/analytics';
import { isApiError } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { EmptyState, ErrorState, FormError, LoadingRows } from '../../components/States';
import { useCurrentUser } from '../../layout/RequireAuth';
import { formatDateTime, formatDuration } from '../../lib/format';
import { apiErrors } from '../../lib/forms';
import { isAdmin, isEngineerOrAdmin } from '../../lib/roles';
import { useTitle } from '../../lib/useTitle';
import { AnalyticsTabs } from './AnalyticsTabs';
import { formatStopwatch } from './format';
import { useStopwatch } from './useStopwatch';
import './analytics.css';

const NOTE_MAX = 500;

/** Space toggles the stopwatch unless the key belongs to a control (typing, pressing a button). */
function isControl(target: EventTarget | null) {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    ['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON', 'A', 'SUMMARY'].includes(target.tagName) ||
    target.closest('dialog[open]') !== null
  );
}

export function StopwatchPage() {
  useTitle('Stopwatch');
  const me = useCurrentUser();
  const canRead = isEngineerOrAdmin(me.user.role);
  const canWrite = isAdmin(me.user.role);
  const baselines = useBaselines(canRead);

  if (!canRead || isApiError(baselines.error, 403)) {
    return (
      <div className="page analytics-page">
        <h1>Stopwatch</h1>
        <p className="inline-alert inline-alert-info" style={{ marginTop: 'var(--space-4)' }}>
          Stopwatch baselines are available to engineers and admins.
        </p>
      </div>
    );
  }

  return (
    <div className="page analytics-page">
      <div className="page-header">
        <div>
          <h1>Stopwatch</h1>
          <p>
            Time the old way of handing over: from picking up a stuck colleague's ticket to your first action,
            including the "tell me what you tried" call.
          </p>
        </div>
        <AnalyticsTabs />
      </div>
      {canWrite ? (
        <Timer userId={me.user.id} />
      ) : (
        <p className="inline-alert inline-alert-info stopwatch-readonly">
          Admins time and record baselines. You can read them here.
        </p>
      )}
      <BaselineList query={baselines} canDelete={canWrite} />
    </div>
  );
}

function Timer({ userId }: { userId: string }) {
  const watch = useStopwatch(`rf.stopwatch.${userId}`);
  const [params] = useSearchParams();
  const [handoffId, setHandoffId] = useState(params.get('handoff') ?? '');
  const [note, setNote] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const [announce, setAnnounce] = useState('');
  const record = useRecordBaseline();
  const recent = useEscalationRows({ period: '30d' });
  const err = apiErrors(record.error);
  // Fields without a control of their own (the duration, the time) are said under the form.
  const otherField = Object.entries(err.fields).find(([f]) => f !== 'handoffId' && f !== 'note')?.[1] ?? null;
  const hintId = useId();
  const { toggle, running, elapsedMs } = watch;

  // Say what happened, once per start or stop (not every tenth of a second).
  const flip = useRef(() => {});
  flip.current = () => {
    setAnnounce(running ? `Stopped at ${formatStopwatch(elapsedMs)}` : 'Stopwatch running');
    toggle();
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.code !== 'Space' && e.key !== ' ') return;
      if (e.repeat || e.altKey || e.ctrlKey || e.metaKey || isControl(e.target)) return;
      e.preventDefault();
      flip.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const seconds = Math.round(elapsedMs / 100) / 10;
  const canSave = !running && seconds >= 1 && !record.isPending;

  const save = () => {
    if (!canSave) return;
    setSaved(null);
    record.mutate(
      {
        durationSeconds: seconds,
        measuredAt: new Date(watch.stoppedAt ?? Date.now()).toISOString(),
        handoffId: handoffId || null,
        note: note.trim() || null,
      },
      {
        onSuccess: (b) => {
          setSaved(`Saved ${formatDuration(b.durationSeconds)} as a baseline.`);
          watch.reset();
          setNote('');
          setHandoffId('');
        },
      },
    );
  };

  const linkable = recent.data?.escalations ?? [];
  return (
    <section className="panel stopwatch-panel" aria-labelledby="stopwatch-title">
      <div className="panel-header">
        <h2 id="stopwatch-title">Time a handoff</h2>
        <span className="muted stopwatch-keys" id={hintId}>
          <kbd>Space</kbd> starts and stops
        </span>
      </div>
      <div className="panel-body stopwatch-body">
        <div className="stopwatch-clock">
          <div
            className={`stopwatch-time tabular${running ? ' is-running' : ''}`}
            data-testid="stopwatch-time"
            aria-hidden="true"
          >
            {formatStopwatch(elapsedMs)}
          </div>
          <span className="visually-hidden" aria-live="polite">
            {announce}
          </span>
          <div className="stopwatch-controls">
            <button
              type="button"
              className="btn btn-primary btn-lg stopwatch-toggle"
              onClick={() => flip.current()}
              aria-describedby={hintId}
            >
              {running ? 'Stop' : elapsedMs > 0 ? 'Resume' : 'Start'}
            </button>
            <button
              type="button"
              className="btn btn-lg"
              onClick={() => {
                watch.reset();
                setSaved(null);
              }}
              disabled={elapsedMs === 0 && !running}
            >
              Reset
            </button>
          </div>
          <p className="muted stopwatch-help">It keeps running if you reload or leave this page.</p>
        </div>

        <form
          className="form-stack stopwatch-form"
          onSubmit={(e) => {
            e.preventDefault();
            save();
          }}
        >
          <Field
            label="Escalation (optional)"
            hint="The escalation you timed, from the last 30 days."
            error={err.fields.handoffId ?? null}
          >
            {(ctl) => (
              <select
                {...ctl}
                className="select"
                value={handoffId}
                onChange={(e) => setHandoffId(e.target.value)}
              >
                <option value="">None</option>
                {handoffId && !linkable.some((r) => r.id === handoffId) ? (
                  <option value={handoffId}>Escalation {handoffId.slice(0, 8)}</option>
                ) : null}
                {linkable.map((r) => (
                  <option key={r.id} value={r.id}>
                    {`${new Date(r.createdAt).toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} · ${r.customer ? `${r.customer} · ` : ''}${r.title}`}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label="Note (optional)"
            hint={`${note.length} / ${NOTE_MAX}`}
            error={err.fields.note ?? null}
          >
            {(ctl) => (
              <input
                {...ctl}
                className="input"
                dir="auto"
                value={note}
                maxLength={NOTE_MAX}
                placeholder="Who handed over to whom, anything unusual"
                onChange={(e) => setNote(e.target.value)}
              />
            )}
          </Field>
          <FormError message={err.general ?? otherField} />
          <div className="form-actions stopwatch-save">
            <button type="submit" className="btn btn-primary" disabled={!canSave}>
              {record.isPending ? 'Saving…' : 'Save as baseline'}
            </button>
            <span className="muted">
              {running
                ? 'Stop the stopwatch to save.'
                : seconds < 1
                  ? 'Start the stopwatch when you pick up the ticket.'
                  : `Saves ${formatDuration(seconds)}.`}
            </span>
          </div>
          {saved ? (
            <p className="inline-alert inline-alert-success" role="status">
              {saved}
            </p>
          ) : null}
        </form>
      </div>
    </section>
  );
}

function BaselineList({ query, canDelete }: { query: ReturnType<typeof useBaselines>; canDelete: boolean }) {
  const [confirm, setConfirm] = useState<TBaseline | null>(null);
  const remove = useDeleteBaseline();
  const list = query.data ?? [];
  const sorted = list.map((b) => b.durationSeconds).sort((a, b) => a - b);
  const median =
    sorted.length === 0
      ? null
      : sorted.length % 2
        ? sorted[(sorted.length - 1) / 2]!
        : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  const more = Math.max(0, MIN_BASELINES - list.length);

  return (
    <section className="panel baselines-panel" aria-labelledby="baselines-title">
      <div className="panel-header">
        <h2 id="baselines-title">Baselines</h2>
        {list.length ? (
          <span className="muted tabular" data-testid="baseline-summary">
            {list.length} recorded · median {formatDuration(median)}
          </span>
        ) : null}
      </div>
      <div className="panel-body">
        {query.isPending ? (
          <LoadingRows rows={3} height={36} label="Loading baselines" />
        ) : query.isError ? (
          <ErrorState
            error={query.error}
            onRetry={() => void query.refetch()}
            title="Baselines could not be loaded"
          />
        ) : (
          <>
            <p
              className={`inline-alert ${more ? 'inline-alert-info' : 'inline-alert-success'} baselines-rule`}
            >
              {more ? (
                <>
                  Record {more} more {more === 1 ? 'baseline' : 'baselines'} to see minutes recovered on the
                  analytics page (it needs {MIN_BASELINES}).
                </>
              ) : (
                <>
                  Minutes recovered is on the <Link to="/analytics/escalations">analytics page</Link>: median
                  baseline minus the median time to first action.
                </>
              )}
            </p>
            {list.length === 0 ? (
              <EmptyState icon="clock" title="No baselines yet">
                Time a few real handoffs the old way (a call, a chat) with the stopwatch above.
              </EmptyState>
            ) : (
              <ul className="baseline-list">
                {list.map((b) => (
                  <li key={b.id} className="baseline-row">
                    <span className="baseline-duration tabular">{formatDuration(b.durationSeconds)}</span>
                    <span className="baseline-meta">
                      <span>{formatDateTime(b.measuredAt)}</span>
                      <span className="muted"> · {b.recordedBy.name}</span>
                      {b.handoffId ? (
                        <>
                          {' · '}
                          <Link to={`/handoffs/${encodeURIComponent(b.handoffId)}`}>the escalation</Link>
                        </>
                      ) : null}
                      {b.note ? (
                        <span className="baseline-note" dir="auto">
                          {b.note}
                        </span>
                      ) : null}
                    </span>
                    {canDelete ? (
                      <button
                        type="button"
                        className="btn btn-sm btn-ghost btn-danger"
                        onClick={() => setConfirm(b)}
                        aria-label={`Delete the ${formatDuration(b.durationSeconds)} baseline of ${formatDateTime(b.measuredAt)}`}
                      >
                        Delete
                      </button>
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </div>
      <Dialog
        open={confirm !== null}
        onClose={() => {
          setConfirm(null);
          remove.reset();
        }}
        title="Delete this baseline?"
        description={
          confirm
            ? `${formatDuration(confirm.durationSeconds)}, measured ${formatDateTime(confirm.measuredAt)}. Minutes recovered is recomputed without it.`
            : undefined
        }
        onSubmit={() => {
          if (!confirm || remove.isPending) return;
          remove.mutate(confirm.id, { onSuccess: () => setConfirm(null) });
        }}
        footer={
          <>
            <button type="button" className="btn" onClick={() => setConfirm(null)}>
              Keep it
            </button>
            <button type="submit" className="btn btn-primary" disabled={remove.isPending}>
              {remove.isPending ? 'Deleting…' : 'Delete baseline'}
            </button>
          </>
        }
      >
        <FormError message={remove.error ? remove.error.message : null} />
      </Dialog>
    </section>
  );
}
