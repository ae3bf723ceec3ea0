import { ZResolveBody } from '@rf/contracts';
import { useState } from 'react';
import { useResolveSession } from '../../api/sessions';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { FormError } from '../../components/States';
import { limitsOf, useFieldErrors } from '../../lib/forms';
import { INITIAL_PSA_CHOICE, PsaPostFields, psaBody, useLinkedTicket } from './PsaPostFields';

const LIMITS = limitsOf(ZResolveBody, ['resolution'] as const);

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
  const linked = useLinkedTicket(sessionId);
  const [psa, setPsa] = useState(INITIAL_PSA_CHOICE);
  const check = useFieldErrors(ZResolveBody);
  const err = check.merged(resolve.error);
  const close = () => {
    resolve.reset();
    check.reset();
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Resolve session"
      description="Record what fixed it. The next technician with this problem will thank you."
      onSubmit={() => {
        if (!check.validate({ resolution })) return;
        resolve.mutate(
          { resolution: resolution.trim(), psa: psaBody(!!linked, psa) },
          {
            onSuccess: () => {
              onDone();
              onClose();
            },
          },
        );
      }}
      footer={
        <>
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button
            type="submit"
            className="btn btn-primary"
            disabled={resolve.isPending || !resolution.trim()}
          >
            {resolve.isPending ? 'Resolving…' : 'Resolve'}
          </button>
        </>
      }
    >
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
            rows={4}
            placeholder="Re-created the Outlook profile; the stale credential in Credential Manager was the cause."
            value={resolution}
            onChange={(e) => {
              check.clear('resolution');
              setResolution(e.target.value);
            }}
          />
        )}
      </Field>
      <PsaPostFields
        sessionId={sessionId}
        open={open}
        value={psa}
        onChange={setPsa}
        timeLabel="Add a time entry for the time worked on this session"
      />
      <FormError message={err.general} />
    </Dialog>
  );
}
