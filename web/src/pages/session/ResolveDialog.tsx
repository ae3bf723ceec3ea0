import { useState } from 'react';
import { useResolveSession } from '../../api/sessions';
import { Dialog } from '../../components/Dialog';
import { Field, splitFieldError } from '../../components/Field';

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
  const err = splitFieldError(resolve.error);
  const close = () => {
    resolve.reset();
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Resolve session"
      description="Record what fixed it. The next technician with this problem will thank you."
      onSubmit={() => {
        if (!resolution.trim()) return;
        resolve.mutate(resolution.trim(), {
          onSuccess: () => {
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
            disabled={resolve.isPending || !resolution.trim()}
          >
            {resolve.isPending ? 'Resolving…' : 'Resolve'}
          </button>
        </>
      }
    >
      <Field label="Resolution" error={err.fieldMessage ?? err.general}>
        {(ctl) => (
          <textarea
            {...ctl}
            className="textarea"
            rows={4}
            placeholder="Re-created the Outlook profile; the stale credential in Credential Manager was the cause."
            value={resolution}
            onChange={(e) => setResolution(e.target.value)}
          />
        )}
      </Field>
    </Dialog>
  );
}
