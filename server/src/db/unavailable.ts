/**
 * Errors that mean "the database cannot be reached right now", as opposed to a bad query. The API
 * answers these with 503 and Retry-After (the client may try again), never 500.
 */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** SQLSTATEs of a server that is going away, starting up, or full. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

const MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Cannot use a pool after calling end on the pool',
  'PGlite is closed',
];

export function isDatabaseUnavailable(err: unknown): boolean {
  // drizzle wraps driver errors (cause); walk a few levels.
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e; depth++) {
    const x = e as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    const code = typeof x.code === 'string' ? x.code : '';
    if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08')) return true;
    const message = typeof x.message === 'string' ? x.message : '';
    if (MESSAGES.some((m) => message.includes(m))) return true;
    // Node's happy-eyeballs connect fails with an AggregateError of one error per address.
    if (Array.isArray(x.errors) && x.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    e = x.cause;
  }
  return false;
}
