import { type ReactNode, useId } from 'react';
import { isApiError } from '../api/client';

/**
 * A labelled control with hint and error wired through aria-describedby.
 * `children` receives the ids to spread on the control.
 */
export function Field({
  label,
  hint,
  error,
  children,
  className = '',
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  className?: string;
  children: (ctl: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field ${className}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined })}
      {hint ? (
        <span id={hintId} className="field-hint">
          {hint}
        </span>
      ) : null}
      {error ? (
        <span id={errorId} className="field-error">
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** Splits a mutation error into the message for one named field and a general one. */
export function splitFieldError(err: unknown): {
  field: string | null;
  fieldMessage: string | null;
  general: string | null;
} {
  if (!err) return { field: null, fieldMessage: null, general: null };
  if (isApiError(err) && err.status === 400 && err.field) {
    return { field: err.field, fieldMessage: err.message, general: null };
  }
  return {
    field: null,
    fieldMessage: null,
    general: err instanceof Error ? err.message : 'Something went wrong.',
  };
}
