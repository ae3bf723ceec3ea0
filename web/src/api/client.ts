import { ZErrorBody } from '@rf/contracts';
import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Every non-2xx answer (and every network failure) surfaces as one of these. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly body: unknown;

  constructor(opts: { status: number; code: string; message: string; field?: string; body?: unknown }) {
    super(opts.message);
    this.name = 'ApiError';
    this.status = opts.status;
    this.code = opts.code;
    this.field = opts.field;
    this.body = opts.body;
  }
}

export function isApiError(err: unknown, status?: number): err is ApiError {
  return err instanceof ApiError && (status === undefined || err.status === status);
}

/**
 * One request to the ResolutionFlow API. JSON bodies only; body-less POSTs send no
 * content-type (the server rejects an empty JSON body). Throws ApiError on failure.
 */
export async function request(method: HttpMethod, path: string, body?: unknown): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
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
      throw new ApiError({
        status: res.status,
        code: parsed.data.error.code,
        message: parsed.data.error.message,
        field: parsed.data.error.field,
        body: data,
      });
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
  body?: unknown,
): Promise<z.infer<S>> {
  const data = await request(method, path, body);
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

/** A short, human message for any error thrown by a query or mutation. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.field) return `${humanizeField(err.field)} ${err.message}`;
    return err.message;
  }
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}

export function humanizeField(field: string): string {
  const words = field.replace(/([A-Z])/g, ' $1').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function qs(params: Record<string, string | number | undefined | null>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}
