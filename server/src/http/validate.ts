import type { z } from 'zod';
import { AppError } from '../errors.js';

/** Parses input with a contract; a failure is a 400 naming the first bad field. */
export function parse<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where: 'body' | 'query' | 'params' = 'body',
): z.output<S> {
  const result = schema.safeParse(input ?? (where === 'body' ? undefined : {}));
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length ? issue.path.join('.') : null;
  if (field === null && where === 'body' && (input === undefined || input === null)) {
    throw new AppError('invalid_input', 400, 'A JSON body is required');
  }
  const message =
    issue.code === 'invalid_type' && issue.message.includes('received undefined')
      ? 'is required'
      : issue.message;
  throw new AppError('invalid_input', 400, field ? `${field}: ${message}` : message, field ? { field } : {});
}
