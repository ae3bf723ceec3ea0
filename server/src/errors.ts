export class AppError extends Error {
  constructor(
    readonly code: string,
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
export const conflict = (code: string, message: string, extra: Record<string, unknown> = {}) =>
  new AppError(code, 409, message, extra);
