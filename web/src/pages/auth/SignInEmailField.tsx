import type { ChangeEventHandler } from 'react';
import { Field } from '../../components/Field';

/** The address a person signs in with (the sign-in and "forgot password" forms): `username` for password managers. */
export function SignInEmailField({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange: ChangeEventHandler<HTMLInputElement>;
  error?: string | null;
}) {
  return (
    <Field label="Email" error={error}>
      {(ctl) => (
        <input
          {...ctl}
          className="input"
          type="email"
          name="email"
          autoComplete="username"
          required
          value={value}
          onChange={onChange}
        />
      )}
    </Field>
  );
}
