import type { TErrorBody, TErrorCode, TUserRef } from '@rf/contracts';

/** What an error answer may carry besides its code and message (all of it is in ZErrorBody). */
export interface AppErrorExtra {
  /** The input field at fault (400). */
  field?: string;
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

  /** The one error shape, `{error:{code,message,field?}, …}`. */
  body(): TErrorBody {
    const { field, claimedBy, handoffId } = this.extra;
    return {
      error: { code: this.code, message: this.message, ...(field !== undefined ? { field } : {}) },
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

/** An error body for a code without an AppError (framework errors, unknown routes). */
export const errorBody = (code: TErrorCode, message: string): TErrorBody => ({ error: { code, message } });
