import { describeIssues, plainIssueMessage } from '@rf/contracts';
import type { z } from 'zod';
import { AppError, notFound } from '../errors.js';

/**
 * Parses input with a contract. A bad body or query is a 400 `invalid_input` that names the
 * first bad field (`field`, `message`) and lists every bad field in plain words (`fields`).
 * A bad path parameter is a 404: an id that cannot exist is a missing row, not a form error.
 */
export function parse<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where: 'body' | 'query' | 'params' = 'body',
): z.output<S> {
  const result = schema.safeParse(input ?? (where === 'body' ? undefined : {}), {
    error: plainIssueMessage,
  });
  if (result.success) return result.data;
  if (where === 'params') throw notFound();
  if (where === 'body' && (input === undefined || input === null)) {
    throw new AppError('invalid_input', 400, 'A JSON body is required', {
      field: 'body',
      fields: [{ field: 'body', message: 'A JSON body is required' }],
    });
  }
  const fields = describeIssues(result.error.issues, where);
  const first = fields[0]!;
  throw new AppError('invalid_input', 400, first.message, { field: first.field, fields });
}
