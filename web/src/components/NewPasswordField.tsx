import { PASSWORD_MIN, PASSWORD_MIN_DISTINCT } from '@rf/contracts';
import type { ChangeEventHandler } from 'react';
import { Field } from './Field';

/** The rules for a new password, as the server checks them (contracts' ZNewPassword). */
export const NEW_PASSWORD_HINT = `At least ${PASSWORD_MIN} characters, with ${PASSWORD_MIN_DISTINCT} different ones; not a common password.`;

/** A new password's field: its rules beside it, and `new-password` for password managers. */
export function NewPasswordField({
  label = 'Password',
  name = 'password',
  value,
  onChange,
  error,
  maxLength,
}: {
  label?: string;
  name?: string;
  value: string;
  onChange: ChangeEventHandler<HTMLInputElement>;
  error?: string | null;
  maxLength?: number;
}) {
  return (
    <Field label={label} hint={NEW_PASSWORD_HINT} error={error} maxLength={maxLength}>
      {(ctl) => (
        <input
          {...ctl}
          className="input"
          type="password"
          name={name}
          autoComplete="new-password"
          value={value}
          onChange={onChange}
        />
      )}
    </Field>
  );
}
