import { useCallback, useState } from 'react';
import type { z } from 'zod';
import { isApiError } from '../api/client';

export type FieldErrors = Record<string, string>;

type Issue = z.core.$ZodIssue;

/**
 * One issue in plain words, as a fragment that follows the field's name ("is required",
 * "must be at most 200 characters"). The contracts' own messages are already written that way
 * (they start in lower case); zod's defaults ("Too big: expected string to have <=200
 * characters") are rewritten from the issue's data.
 */
export function plainIssue(issue: Issue): string {
  if (/^[a-z]/.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'string'
        ? `must be at most ${issue.maximum} characters`
        : `must be at most ${issue.maximum}`;
    case 'too_small':
      if (issue.origin === 'string')
        return Number(issue.minimum) <= 1 ? 'is required' : `must have at least ${issue.minimum} characters`;
      return `must be at least ${issue.minimum}`;
    case 'invalid_type':
      return issue.input === undefined || issue.input === null ? 'is required' : 'is not valid';
    case 'invalid_format':
      return issue.format === 'email' ? 'must be a valid email address' : 'is not in the right format';
    case 'invalid_value':
      return 'is not one of the choices';
    default:
      return 'is not valid';
  }
}

/** Every bad field of `values` at once (the first issue of each), in plain words. */
export function checkFields(schema: z.ZodType, values: unknown): FieldErrors {
  const result = schema.safeParse(values);
  if (result.success) return {};
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path.join('.') || '_form';
    errors[field] ??= plainIssue(issue);
  }
  return errors;
}

/** A server error split into per-field messages (a 400 lists them) and one for the whole form. */
export function apiErrors(err: unknown): { fields: FieldErrors; general: string | null } {
  if (!err) return { fields: {}, general: null };
  if (isApiError(err) && err.status === 400 && err.fields.length > 0) {
    const fields: FieldErrors = {};
    for (const f of err.fields) fields[f.field] ??= f.message;
    return { fields, general: null };
  }
  return { fields: {}, general: err instanceof Error ? err.message : 'Something went wrong.' };
}

/**
 * A fragment made into a sentence beside its field: "Title is required." A label that does not
 * read as a noun (a question, a parenthesis) becomes "This".
 */
export function fieldSentence(label: unknown, fragment: string): string {
  const text = fragment.trim().replace(/\.$/, '');
  if (!/^[a-z]/.test(text)) return `${text}.`;
  const subject = typeof label === 'string' && /^[\w ·&'-]+$/.test(label) ? label : 'This';
  return `${subject} ${text}.`;
}

/** The largest length a contract allows for a text field, read from the schema itself. */
export function maxLengthOf(schema: z.ZodType, field: string): number | undefined {
  // biome-ignore lint/suspicious/noExplicitAny: walking zod's internal definition tree
  let node: any = (schema as any).shape?.[field];
  for (let depth = 0; node && depth < 10; depth++) {
    const def = node._zod?.def;
    if (!def) return undefined;
    if (def.type === 'string') return typeof node.maxLength === 'number' ? node.maxLength : undefined;
    if (def.type === 'pipe') node = def.in;
    else if (def.innerType) node = def.innerType;
    else return undefined;
  }
  return undefined;
}

/** Length limits of every text field of an object contract. */
export function limitsOf<K extends string>(
  schema: z.ZodType,
  fields: readonly K[],
): Record<K, number | undefined> {
  return Object.fromEntries(fields.map((f) => [f, maxLengthOf(schema, f)])) as Record<K, number | undefined>;
}

/**
 * Client-side checks with the same contract the server uses, merged with the server's own
 * field errors: every bad field is shown at once, next to the field.
 */
export function useFieldErrors(schema: z.ZodType) {
  const [local, setLocal] = useState<FieldErrors>({});
  /** Checks everything; on failure shows all errors and focuses the first bad control. */
  const validate = useCallback(
    (values: unknown, form?: HTMLElement | null): boolean => {
      const errors = checkFields(schema, values);
      setLocal(errors);
      if (Object.keys(errors).length === 0) return true;
      requestAnimationFrame(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return false;
    },
    [schema],
  );
  const clear = useCallback((field: string) => {
    setLocal((e) => {
      if (!(field in e)) return e;
      const { [field]: _, ...rest } = e;
      return rest;
    });
  }, []);
  const reset = useCallback(() => setLocal({}), []);
  const merged = useCallback(
    (serverError: unknown) => {
      const server = apiErrors(serverError);
      return { fields: { ...server.fields, ...local }, general: server.general };
    },
    [local],
  );
  return { validate, clear, reset, merged, local };
}
