import type { TErrorCode } from '@rf/contracts';

/** An answer other than success: `code` comes from the contract's closed list. */
export class AppError extends Error {
  constructor(
    readonly code: TErrorCode,
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const notFound = (what = 'Resource') => new AppError('not_found', 404, `${what} not found`);
export const forbidden = (message = 'Your role does not allow this') =>
  new AppError('forbidden', 403, message);
export const conflict = (code: TErrorCode, message: string, extra: Record<string, unknown> = {}) =>
  new AppError(code, 409, message, extra);
