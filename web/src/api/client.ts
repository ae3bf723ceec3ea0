import { ZErrorBody } from '@rf/contracts';
import { z } from 'zod';
import type { Endpoint, HttpMethod } from './endpoints';

export type { HttpMethod } from './endpoints';
export { qs } from './endpoints';

export interface FieldError {
  field: string;
  message: string;
}

/** Every non-2xx answer (and every network failure) surfaces as one of these. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** The first bad field (kept for callers that show one). */
  readonly field: string | undefined;
  /** Every bad field of a 400, each with its own plain message. */
  readonly fields: FieldError[];
  readonly body: unknown;

  constructor(opts: {
    status: number;
    code: string;
    message: string;
    field?: string;
    fields?: FieldError[];
    body?: unknown;
  }) {
    super(opts.message);
    this.name = 'ApiError';
    this.status = opts.status;
    this.code = opts.code;
    this.fields = opts.fields ?? (opts.field ? [{ field: opts.field, message: opts.message }] : []);
    this.field = opts.field ?? this.fields[0]?.field;
    this.body = opts.body;
  }
}

export function isApiError(err: unknown, status?: number): err is ApiError {
  return err instanceof ApiError && (status === undefined || err.status === status);
}

/** A network failure (server unreachable, connection dropped), as opposed to an answer. */
export function isNetworkError(err: unknown): boolean {
  return isApiError(err, 0);
}

// 400 answers may list every bad field at once; older servers name only the first one.
const ZFieldsBody = z.object({
  error: z.object({ fields: z.array(z.object({ field: z.string(), message: z.string() })).optional() }),
});

/** "title: must be at most 200 characters" → "must be at most 200 characters" (the field is shown beside it). */
function withoutFieldPrefix(field: string, message: string): string {
  return message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as the Idempotency-Key header: a retried create with the same key does nothing twice. */
  idempotencyKey?: string;
}

/**
 * One request to the ResolutionFlow API. JSON bodies only; body-less POSTs send no
 * content-type (the server rejects an empty JSON body). Throws ApiError on failure.
 */
export async function request(method: HttpMethod, path: string, opts: RequestOptions = {}): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (err) {
    throw new ApiError({
      status: 0,
      code: 'network_error',
      message: 'Could not reach ResolutionFlow. Check your connection and try again.',
      body: err,
    });
  }
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!res.ok) {
    const parsed = ZErrorBody.safeParse(data);
    if (parsed.success) {
      const { code, message, field } = parsed.data.error;
      const listed = ZFieldsBody.safeParse(data);
      const fields = (
        listed.success && listed.data.error.fields?.length
          ? listed.data.error.fields
          : field
            ? [{ field, message }]
            : []
      ).map((f) => ({ field: f.field, message: withoutFieldPrefix(f.field, f.message) }));
      throw new ApiError({ status: res.status, code, message, field, fields, body: data });
    }
    throw new ApiError({
      status: res.status,
      code: `http_${res.status}`,
      message: `The server answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}.`,
      body: data,
    });
  }
  return data;
}

/** request() + validation of the answer against a contract schema. */
export async function requestParsed<S extends z.ZodType>(
  schema: S,
  method: HttpMethod,
  path: string,
  opts: RequestOptions = {},
): Promise<z.infer<S>> {
  const data = await request(method, path, opts);
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    // A contract mismatch is a bug between server and client: say so plainly.
    console.error(`Unexpected response shape for ${method} ${path}`, parsed.error.issues);
    throw new ApiError({
      status: 500,
      code: 'bad_response',
      message: 'The server answered in an unexpected shape.',
      body: data,
    });
  }
  return parsed.data;
}

type CallArgs<P> = [P] extends [undefined]
  ? [opts?: RequestOptions & { params?: undefined }]
  : [opts: RequestOptions & { params: P }];

/** Calls one endpoint of the table in endpoints.ts and parses its answer with the schema listed there. */
export function call<P, S extends z.ZodType>(ep: Endpoint<P, S>, ...args: CallArgs<P>): Promise<z.infer<S>> {
  const opts = (args[0] ?? {}) as RequestOptions & { params?: P };
  if (opts.idempotencyKey && !ep.idempotent) {
    throw new Error(`${ep.method} endpoint does not take an Idempotency-Key`);
  }
  return requestParsed(ep.response, ep.method, ep.path(opts.params as P), opts);
}

/** A short, human message for any error thrown by a query or mutation. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    const first = err.fields[0];
    // The server writes whole sentences ("Title can be at most 200 characters"); a fragment
    // ("is required") gets the field's name in front.
    if (first)
      return /^[a-z]/.test(first.message) ? `${humanizeField(first.field)} ${first.message}` : first.message;
    return err.message;
  }
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}

export function humanizeField(field: string): string {
  const words = field.replace(/([A-Z])/g, ' $1').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
