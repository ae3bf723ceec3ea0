import { NOTE_MAX, type TNotePreview } from '@rf/contracts';
import type { UseQueryResult } from '@tanstack/react-query';
import { errorMessage } from '../../api/client';
import { Field } from '../../components/Field';

/**
 * The ticket note a resolve or an escalation will save: written by the server from the session
 * (refreshed as the fields above change), editable here. Once edited it stops following the
 * fields; "Use the generated note" goes back.
 */
export function NotePreviewField({
  label,
  preview,
  value,
  edited,
  error,
  onChange,
  onReset,
}: {
  label: string;
  preview: UseQueryResult<TNotePreview>;
  value: string;
  edited: boolean;
  error?: string;
  onChange: (text: string) => void;
  onReset: () => void;
}) {
  const loading = preview.isPending;
  const hint = edited
    ? 'Edited by you: changes above no longer update it.'
    : preview.isFetching && !loading
      ? 'Updating…'
      : 'Written from this session. Plain text, ready to paste into the ticket.';
  return (
    <div className="note-preview">
      <Field label={label} hint={hint} error={error} maxLength={NOTE_MAX} length={value.length}>
        {(ctl) =>
          loading ? (
            <div className="note-preview-loading" aria-busy="true" id={ctl.id}>
              Writing the note from this session…
            </div>
          ) : (
            <textarea
              {...ctl}
              className="textarea note-preview-text"
              name="note"
              rows={12}
              spellCheck
              value={value}
              onChange={(e) => onChange(e.target.value)}
            />
          )
        }
      </Field>
      {preview.isError && !edited ? (
        <p className="field-hint note-preview-error" role="alert">
          The preview could not be loaded ({errorMessage(preview.error)}). A note written from the session is
          still saved.
        </p>
      ) : null}
      {edited ? (
        <button type="button" className="btn btn-sm btn-ghost" onClick={onReset}>
          Use the generated note
        </button>
      ) : null}
    </div>
  );
}
