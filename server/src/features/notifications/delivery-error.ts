/**
 * A delivery that did not happen. `permanent` ones (a recipient address the mail server refuses,
 * a webhook that answers 404) fail at once; the others are retried with backoff.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent = false,
    /** The receiver's HTTP status, when a webhook answered. */
    readonly httpStatus: number | null = null,
    /** The receiver asked to wait this long before the next try (`Retry-After`); honoured. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}
