import { type ReactNode, useId } from 'react';
import { fieldSentence } from '../lib/forms';

export interface FieldControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean;
  maxLength?: number;
}

/**
 * A labelled control with hint, error and (where the contract sets a limit) a character
 * counter, wired through aria-describedby. `children` receives the props to spread on the
 * control, `maxLength` included, so the input cannot take more than the server allows.
 * `error` is a fragment in plain words ("is required"); it is shown as a sentence.
 */
export function Field({
  label,
  hint,
  error,
  maxLength,
  length,
  children,
  className = '',
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  /** The contract's limit for this field (see lib/forms maxLengthOf). */
  maxLength?: number;
  /** The current length, for the counter. */
  length?: number;
  className?: string;
  children: (ctl: FieldControlProps) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const counterId = `${id}-counter`;
  const counter = maxLength !== undefined && length !== undefined;
  const describedBy =
    [hint ? hintId : null, error ? errorId : null, counter ? counterId : null].filter(Boolean).join(' ') ||
    undefined;
  return (
    <div className={`field ${className}`}>
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        'aria-describedby': describedBy,
        'aria-invalid': error ? true : undefined,
        ...(maxLength !== undefined ? { maxLength } : {}),
      })}
      {hint || counter ? (
        <div className="field-foot">
          {hint ? (
            <span id={hintId} className="field-hint">
              {hint}
            </span>
          ) : null}
          {counter ? <CharCounter id={counterId} length={length} max={maxLength} /> : null}
        </div>
      ) : null}
      {error ? (
        <span id={errorId} className="field-error">
          {fieldSentence(label, error)}
        </span>
      ) : null}
    </div>
  );
}

/** "120 / 200": quiet until the limit is near. */
export function CharCounter({ id, length, max }: { id?: string; length: number; max: number }) {
  const near = length >= max * 0.9;
  return (
    <span id={id} className={`char-counter tabular${near ? ' is-near' : ''}`}>
      {length} / {max}
      <span className="visually-hidden"> characters</span>
    </span>
  );
}
