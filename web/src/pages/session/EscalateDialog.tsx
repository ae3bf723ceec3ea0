import { type TSessionDetail, type TUrgency, ZCreateHandoffBody } from '@rf/contracts';
import { useId, useState } from 'react';
import { isApiError } from '../../api/client';
import { useEscalate } from '../../api/handoffs';
import { useNotePreview } from '../../api/notes';
import { useTeammates } from '../../api/team';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { FormError } from '../../components/States';
import { URGENCIES, URGENCY_LABEL } from '../../components/UrgencyLabel';
import { useCurrentUser } from '../../layout/RequireAuth';
import { useDraft } from '../../lib/drafts';
import { limitsOf, useFieldErrors } from '../../lib/forms';
import { NotePreviewField } from './NotePreviewField';
import { INITIAL_PSA_CHOICE, PsaPostFields, psaBody, useLinkedTicket } from './PsaPostFields';

const LIMITS = limitsOf(ZCreateHandoffBody, ['reason'] as const);

const URGENCY_HINT: Record<TUrgency, string> = {
  low: 'Whenever someone is free',
  normal: 'Within the hour',
  high: 'User blocked',
  critical: 'Many users or a site down',
};

export function EscalateDialog({
  session,
  open,
  onClose,
  onDone,
}: {
  session: TSessionDetail;
  open: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const me = useCurrentUser();
  const escalate = useEscalate(session.id);
  const users = useTeammates(open);
  const [reason, setReason] = useDraft(session.id, 'escalate-reason');
  const [urgency, setUrgency] = useState<TUrgency>('normal');
  const [target, setTarget] = useState('');
  const urgencyName = useId();
  const linked = useLinkedTicket(session.id);
  const [psa, setPsa] = useState(INITIAL_PSA_CHOICE);
  /** The ticket note as edited; null while it follows the preview. */
  const [edited, setEdited] = useState<string | null>(null);
  const [targetKind, targetValue] = target.split(':');
  const preview = useNotePreview(
    session.id,
    {
      kind: 'escalation',
      reason: reason.trim() || undefined,
      urgency,
      targetTier: targetKind === 'tier' ? Number(targetValue) : null,
      targetUserId: targetKind === 'user' ? (targetValue ?? null) : null,
    },
    open,
  );
  const noteText = edited ?? preview.data?.text ?? '';

  const teammates = (users.data ?? []).filter((u) => u.id !== me.user.id);
  const check = useFieldErrors(ZCreateHandoffBody);
  const err = check.merged(escalate.error);
  const conflict = isApiError(escalate.error, 409);

  const close = () => {
    escalate.reset();
    check.reset();
    onClose();
  };

  const submit = () => {
    const [kind, value] = target.split(':');
    const body = {
      intent: 'escalate' as const,
      reason: reason.trim(),
      urgency,
      targetTier: kind === 'tier' ? Number(value) : null,
      targetUserId: kind === 'user' ? (value ?? null) : null,
      // Without a preview (it failed to load) and no edit, the server writes the note itself.
      note: edited !== null || preview.data ? { text: noteText.trim() } : undefined,
      // The note as saved goes to the linked ConnectWise ticket (issue 15, decision 025).
      psa: psaBody(!!linked, psa),
    };
    if (!check.validate(body, document.querySelector('dialog[open]'))) return;
    escalate.mutate(body, {
      onSuccess: () => {
        setReason('');
        setTarget('');
        setUrgency('normal');
        setEdited(null);
        setPsa(INITIAL_PSA_CHOICE);
        onDone();
        onClose();
      },
    });
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title="Escalate this session"
      description="Your teammates get a handoff with everything you tried, an assessment and where to start."
      onSubmit={submit}
      wide
      footer={
        <>
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={escalate.isPending}>
            {escalate.isPending ? 'Escalating…' : 'Escalate'}
          </button>
        </>
      }
    >
      <div className="note-dialog-grid">
        <div className="form-stack note-dialog-fields">
          <Field
            label="Why are you stuck?"
            hint="One line. It is the first thing the senior reads."
            error={err.fields.reason}
            maxLength={LIMITS.reason}
            length={reason.length}
          >
            {(ctl) => (
              <input
                {...ctl}
                className="input"
                name="reason"
                autoComplete="off"
                placeholder="DNS looks fine but the VPN still drops every 10 minutes"
                value={reason}
                onChange={(e) => {
                  check.clear('reason');
                  setReason(e.target.value);
                }}
              />
            )}
          </Field>
          <fieldset className="urgency-picker">
            <legend className="field-label">Urgency</legend>
            <div className="urgency-options">
              {URGENCIES.map((u) => (
                <label key={u} className={`urgency-option urgency-${u}`}>
                  <input
                    type="radio"
                    name={urgencyName}
                    value={u}
                    checked={urgency === u}
                    onChange={() => setUrgency(u)}
                  />
                  <span className="urgency-option-label">{URGENCY_LABEL[u]}</span>
                  <span className="urgency-option-hint">{URGENCY_HINT[u]}</span>
                </label>
              ))}
            </div>
          </fieldset>
          <Field
            label="Send to (optional)"
            hint="A tier includes everyone at that tier and above."
            error={err.fields.targetUserId ?? err.fields.targetTier}
          >
            {(ctl) => (
              <select
                {...ctl}
                className="select"
                name="target"
                value={target}
                onChange={(e) => setTarget(e.target.value)}
              >
                <option value="">Anyone on the team</option>
                <optgroup label="Tier">
                  <option value="tier:2">Tier 2 and up</option>
                  <option value="tier:3">Tier 3</option>
                </optgroup>
                {teammates.length > 0 ? (
                  <optgroup label="Teammate">
                    {teammates.map((u) => (
                      <option key={u.id} value={`user:${u.id}`}>
                        {u.name} · Tier {u.tier}
                      </option>
                    ))}
                  </optgroup>
                ) : null}
              </select>
            )}
          </Field>
          <PsaPostFields
            sessionId={session.id}
            open={open}
            value={psa}
            onChange={setPsa}
            timeLabel={
              preview.data?.minutesWorked
                ? `Add a time entry for the ${preview.data.minutesWorked} min worked so far`
                : null
            }
          />
        </div>
        <NotePreviewField
          label="Escalation note for the ticket"
          preview={preview}
          value={noteText}
          edited={edited !== null}
          error={err.fields['note.text']}
          onChange={(text) => {
            check.clear('note.text');
            setEdited(text);
          }}
          onReset={() => setEdited(null)}
        />
      </div>
      <FormError message={conflict ? 'This session already has an open escalation.' : err.general} />
    </Dialog>
  );
}
