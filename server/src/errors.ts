import type { TErrorBody, TErrorCode, TFieldError, TUserRef } from '@rf/contracts';

/** What an error answer may carry besides its code and message (all of it is in ZErrorBody). */
export interface AppErrorExtra {
  /** The input field at fault (400). */
  field?: string;
  /** Every bad field, in plain words (400 `invalid_input`); defaults to `field` with the message. */
  fields?: TFieldError[];
  /** 409 `already_claimed` / `not_claimed`: who holds the handoff now. */
  claimedBy?: TUserRef;
  /** 409 `already_escalated`: the session's active handoff. */
  handoffId?: string;
  /** Sent as the `Retry-After` header, not in the body. */
  retryAfterSeconds?: number;
}

/** An answer other than success: `code` comes from the contract's closed list. */
export class AppError extends Error {
  constructor(
    readonly code: TErrorCode,
    readonly status: number,
    message: string,
    readonly extra: AppErrorExtra = {},
  ) {
    super(message);
  }

  /** The one error shape, `{error:{code,message,field?,fields?}, …}`. */
  body(): TErrorBody {
    const { field, fields, claimedBy, handoffId } = this.extra;
    return {
      ...errorBody(this.code, this.message, field !== undefined ? { field, fields } : undefined),
      ...(claimedBy ? { claimedBy } : {}),
      ...(handoffId ? { handoffId } : {}),
    };
  }
}

export const notFound = (what = 'Resource') => new AppError('not_found', 404, `${what} not found`);
export const forbidden = (message = 'Your role does not allow this') =>
  new AppError('forbidden', 403, message);
export const conflict = (code: TErrorCode, message: string, extra: AppErrorExtra = {}) =>
  new AppError(code, 409, message, extra);

/**
 * An error body. One that names a field also lists it in `fields`, so forms read one shape
 * (framework errors such as invalid JSON name the field `body`).
 */
export const errorBody = (
  code: TErrorCode,
  message: string,
  named?: { field: string; fields?: TFieldError[] },
): TErrorBody => ({
  error: {
    code,
    message,
    ...(named ? { field: named.field, fields: named.fields ?? [{ field: named.field, message }] } : {}),
  },
});
