import { type TOutcome, ZNoteBody, ZStepBody } from '@rf/contracts';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useAddNote, useLogStep } from '../../api/sessions';
import { CharCounter } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { OUTCOME_META, OUTCOMES } from '../../components/OutcomeBadge';
import { FormError } from '../../components/States';
import { useDraft } from '../../lib/drafts';
import { apiErrors, fieldSentence, limitsOf } from '../../lib/forms';

const STEP_LIMITS = limitsOf(ZStepBody, ['action', 'detail'] as const);
const NOTE_LIMITS = limitsOf(ZNoteBody, ['text'] as const);

/**
 * Log a step in one motion: write what you did, optionally what it showed, then press
 * the outcome. Or switch to a free-form note.
 */
export function StepForm({
  sessionId,
  action,
  onActionChange,
  focusTick,
  startHere,
  onLogged,
}: {
  sessionId: string;
  action: string;
  onActionChange: (v: string) => void;
  focusTick: number;
  startHere: { action: string; why: string } | null;
  onLogged: () => void;
}) {
  const [mode, setMode] = useState<'step' | 'note'>('step');
  const [detail, setDetail] = useDraft(sessionId, 'step-detail');
  const [note, setNote] = useDraft(sessionId, 'note');
  const [missing, setMissing] = useState(false);
  const logStep = useLogStep(sessionId);
  const addNote = useAddNote(sessionId);
  const actionRef = useRef<HTMLTextAreaElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const actionId = useId();
  const detailId = useId();
  const noteId = useId();

  useEffect(() => {
    if (focusTick === 0) return;
    setMode('step');
    // Wait a frame so the step input exists after a mode switch.
    requestAnimationFrame(() => {
      formRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
      actionRef.current?.focus();
    });
  }, [focusTick]);

  const submitStep = (outcome: TOutcome) => {
    if (!action.trim()) {
      setMissing(true);
      actionRef.current?.focus();
      return;
    }
    setMissing(false);
    logStep.mutate(
      { action: action.trim(), outcome, detail: detail.trim() || undefined },
      {
        onSuccess: () => {
          onActionChange('');
          setDetail('');
          onLogged();
          actionRef.current?.focus();
        },
      },
    );
  };

  const submitNote = (e: FormEvent) => {
    e.preventDefault();
    if (!note.trim()) return;
    addNote.mutate(note.trim(), { onSuccess: () => setNote('') });
  };

  const stepErr = apiErrors(logStep.error);
  const noteErr = apiErrors(addNote.error);
  const detailErr = stepErr.fields.detail;
  const actionErr = missing ? null : stepErr.fields.action;

  return (
    <div className="step-form panel">
      <div className="panel-header">
        <h3>{mode === 'step' ? 'Log a step' : 'Add a note'}</h3>
        <fieldset className="segmented">
          <legend className="visually-hidden">Entry type</legend>
          <button type="button" aria-pressed={mode === 'step'} onClick={() => setMode('step')}>
            Step
          </button>
          <button type="button" aria-pressed={mode === 'note'} onClick={() => setMode('note')}>
            Note
          </button>
        </fieldset>
      </div>
      {mode === 'step' ? (
        <form
          ref={formRef}
          className="panel-body form-stack"
          aria-label="Log a step"
          onSubmit={(e) => {
            // Enter in the action field: nothing is assumed; ask for the outcome.
            e.preventDefault();
            if (!action.trim()) setMissing(true);
          }}
        >
          {startHere ? (
            <div className="start-here-hint" role="note">
              <Icon name="arrowRight" size={14} />
              <span>
                <strong>Start here</strong> from the handoff: {startHere.why}
              </span>
            </div>
          ) : null}
          <div className="field">
            <label htmlFor={actionId}>What did you do?</label>
            <textarea
              ref={actionRef}
              id={actionId}
              className="textarea action-input"
              rows={2}
              name="action"
              placeholder="e.g. Flushed DNS cache and re-ran nslookup"
              maxLength={STEP_LIMITS.action}
              autoComplete="off"
              dir="auto"
              value={action}
              aria-invalid={missing || actionErr ? true : undefined}
              aria-describedby={`${actionId}-counter`}
              onKeyDown={(e) => {
                // A step is one line: Enter does not add a newline.
                if (e.key === 'Enter' && !e.shiftKey) e.preventDefault();
              }}
              onChange={(e) => {
                onActionChange(e.target.value);
                if (missing) setMissing(false);
              }}
            />
            {STEP_LIMITS.action ? (
              <div className="field-foot">
                <CharCounter id={`${actionId}-counter`} length={action.length} max={STEP_LIMITS.action} />
              </div>
            ) : null}
            {missing ? (
              <span className="field-error">Describe the step first, then pick its outcome.</span>
            ) : actionErr ? (
              <span className="field-error">{fieldSentence('This', actionErr)}</span>
            ) : null}
          </div>
          <div className="field">
            <label htmlFor={detailId}>What did it show? (optional)</label>
            <textarea
              id={detailId}
              className="textarea mono-soft"
              name="detail"
              rows={2}
              placeholder="Command output, error text, what changed"
              maxLength={STEP_LIMITS.detail}
              dir="auto"
              value={detail}
              aria-invalid={detailErr ? true : undefined}
              onChange={(e) => setDetail(e.target.value)}
            />
            {detailErr ? <span className="field-error">{fieldSentence('This', detailErr)}</span> : null}
          </div>
          <fieldset className="outcome-row">
            <legend className="field-label">Outcome — pressing one logs the step</legend>
            <div className="outcome-buttons">
              {OUTCOMES.map((o) => (
                <button
                  key={o}
                  type="button"
                  className={`btn outcome-button outcome-button-${o}`}
                  disabled={logStep.isPending}
                  title={OUTCOME_META[o].description}
                  onClick={() => submitStep(o)}
                >
                  <Icon name={OUTCOME_META[o].icon} size={14} strokeWidth={2.4} />
                  {OUTCOME_META[o].label}
                </button>
              ))}
            </div>
          </fieldset>
          <FormError message={stepErr.general} />
        </form>
      ) : (
        <form className="panel-body form-stack" aria-label="Add a note" onSubmit={submitNote}>
          <div className="field">
            <label htmlFor={noteId}>Note</label>
            <textarea
              id={noteId}
              className="textarea"
              rows={3}
              placeholder="Context for whoever picks this up: what the user said, what you noticed"
              maxLength={NOTE_LIMITS.text}
              dir="auto"
              value={note}
              aria-invalid={noteErr.fields.text ? true : undefined}
              onChange={(e) => setNote(e.target.value)}
            />
            {NOTE_LIMITS.text ? (
              <div className="field-foot">
                <CharCounter length={note.length} max={NOTE_LIMITS.text} />
              </div>
            ) : null}
            {noteErr.fields.text ? (
              <span className="field-error">{fieldSentence('This', noteErr.fields.text)}</span>
            ) : null}
          </div>
          <FormError message={noteErr.general} />
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={addNote.isPending || !note.trim()}>
              Add note
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
