import { MINUTES_WORKED_MAX, ZResolveBody } from '@rf/contracts';
import { useState } from 'react';
import { useNotePreview } from '../../api/notes';
import { useResolveSession } from '../../api/sessions';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { FormError } from '../../components/States';
import { limitsOf, useFieldErrors } from '../../lib/forms';
import { NotePreviewField } from './NotePreviewField';
import { INITIAL_PSA_CHOICE, PsaPostFields, psaBody, useLinkedTicket } from './PsaPostFields';

const LIMITS = limitsOf(ZResolveBody, ['resolution', 'rootCause'] as const);

export function ResolveDialog({
  sessionId,
  open,
  onClose,
  onDone,
}: {
  sessionId: string;
  open: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const resolve = useResolveSession(sessionId);
  const [resolution, setResolution] = useState('');
  const [rootCause, setRootCause] = useState('');
  /** Time worked as typed; empty until the technician changes it (the preview's count is used). */
  const [minutes, setMinutes] = useState('');
  /** The note as edited; null while it follows the preview. */
  const [edited, setEdited] = useState<string | null>(null);
  const linked = useLinkedTicket(sessionId);
  const [psa, setPsa] = useState(INITIAL_PSA_CHOICE);
  const minutesValue = minutes.trim() === '' ? undefined : Number(minutes);
  const minutesValid =
    minutesValue === undefined ||
    (Number.isInteger(minutesValue) && minutesValue >= 0 && minutesValue <= MINUTES_WORKED_MAX);
  const preview = useNotePreview(
    sessionId,
    {
      kind: 'resolution',
      resolution: resolution.trim() || undefined,
      rootCause: rootCause.trim() || undefined,
      minutesWorked: minutesValid ? minutesValue : undefined,
    },
    open,
  );
  const noteText = edited ?? preview.data?.text ?? '';
  const minutesWorked = minutesValid ? (minutesValue ?? preview.data?.minutesWorked) : undefined;
  const check = useFieldErrors(ZResolveBody);
  const err = check.merged(resolve.error);
  const close = () => {
    resolve.reset();
    check.reset();
    onClose();
  };
  const body = () => ({
    resolution: resolution.trim(),
    rootCause: rootCause.trim() || undefined,
    // Without a preview (it failed to load) and no edit, the server writes the note itself. An
    // emptied note is sent as it is: the contract refuses it and the field says so.
    note:
      (edited !== null || preview.data) && minutesWorked !== undefined
        ? { text: noteText.trim(), minutesWorked }
        : undefined,
    // The note as saved goes to the linked ConnectWise ticket (issue 15, decision 025).
    psa: psaBody(!!linked, psa),
  });
  return (
    <Dialog
      open={open}
      onClose={close}
      wide
      title="Resolve session"
      description="Record what fixed it. The ticket note is written from this session: check it, edit it, then resolve."
      onSubmit={() => {
        const b = body();
        if (!check.validate(b, document.querySelector('dialog[open]'))) return;
        resolve.mutate(b, {
          onSuccess: () => {
            setResolution('');
            setRootCause('');
            setMinutes('');
            setEdited(null);
            setPsa(INITIAL_PSA_CHOICE);
            onDone();
            onClose();
          },
        });
      }}
      footer={
        <>
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button
            type="submit"
            className="btn btn-primary"
            disabled={resolve.isPending || !resolution.trim() || !minutesValid}
          >
            {resolve.isPending ? 'Resolving…' : 'Resolve'}
          </button>
        </>
      }
    >
      <div className="note-dialog-grid">
        <div className="form-stack note-dialog-fields">
          <Field
            label="Resolution"
            error={err.fields.resolution}
            maxLength={LIMITS.resolution}
            length={resolution.length}
          >
            {(ctl) => (
              <textarea
                {...ctl}
                className="textarea"
                name="resolution"
                rows={3}
                placeholder="Re-created the Outlook profile and signed the user in again."
                value={resolution}
                onChange={(e) => {
                  check.clear('resolution');
                  setResolution(e.target.value);
                }}
              />
            )}
          </Field>
          <Field
            label="Root cause (optional)"
            hint="What caused it, as far as you know."
            error={err.fields.rootCause}
            maxLength={LIMITS.rootCause}
            length={rootCause.length}
          >
            {(ctl) => (
              <textarea
                {...ctl}
                className="textarea"
                name="rootCause"
                rows={2}
                placeholder="A stale credential in Credential Manager after the password change."
                value={rootCause}
                onChange={(e) => {
                  check.clear('rootCause');
                  setRootCause(e.target.value);
                }}
              />
            )}
          </Field>
          <Field
            label="Time worked (minutes)"
            hint={
              minutes.trim() === '' && preview.data
                ? `Counted from the session's start: ${preview.data.minutesWorked} min.`
                : 'Whole minutes, up to one week.'
            }
            error={
              minutesValid
                ? err.fields['note.minutesWorked']
                : 'Time worked must be whole minutes, 0 to 10080.'
            }
            className="field-narrow"
          >
            {(ctl) => (
              <input
                {...ctl}
                className="input"
                name="minutesWorked"
                type="number"
                inputMode="numeric"
                min={0}
                max={MINUTES_WORKED_MAX}
                step={1}
                placeholder={preview.data ? String(preview.data.minutesWorked) : ''}
                value={minutes}
                onChange={(e) => setMinutes(e.target.value)}
              />
            )}
          </Field>
          <PsaPostFields
            sessionId={sessionId}
            open={open}
            value={psa}
            onChange={setPsa}
            timeLabel={minutesWorked ? `Add a time entry for the ${minutesWorked} min worked` : null}
          />
        </div>
        <NotePreviewField
          label="Ticket note"
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
      <FormError message={err.general} />
    </Dialog>
  );
}
