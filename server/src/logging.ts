import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * The one logger of the process (Fastify logs through it too).
 *
 * What must never reach a log: passwords and their hashes, session and invitation tokens and
 * their hashes, cookies, API keys, and the values of a failed query. Database drivers put the
 * query's parameters on their errors (drizzle in the message, PGlite as `params`, node-postgres
 * echoes row values in `detail`), so errors are logged through an allow-list of fields rather
 * than as they are, and known secret fields are redacted wherever they sit in a log object.
 */
const SECRET_KEYS = [
  'password',
  'passwordHash',
  'password_hash',
  'newPassword',
  'currentPassword',
  'token',
  'tokenHash',
  'token_hash',
  'cookie',
  'authorization',
  'set-cookie',
  'privateKey',
  'private_key',
  'publicKey',
  'public_key',
  'keysEnc',
  'keys_enc',
  'secretsKey',
  'apiKey',
  'api_key',
  'secret',
  'params',
];

const redactPaths = SECRET_KEYS.flatMap((k) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`;
  const dot = key.startsWith('[') ? '' : '.';
  return [key, `*${dot}${key}`, `*.*${dot}${key}`];
});

/** Tokens travel in these URL paths (invitation links): the path is logged without them. */
const TOKEN_IN_PATH = /^(\/api\/invitations\/|\/invite\/)([^/?#]+)/;

export function redactUrl(url: string): string {
  return url.replace(TOKEN_IN_PATH, (_m, prefix: string) => `${prefix}[redacted]`);
}

interface SafeError {
  type: string;
  message: string;
  stack?: string;
  code?: string;
  constraint?: string;
  table?: string;
  column?: string;
  severity?: string;
  /** The SQL text (never its parameters). */
  query?: string;
  cause?: SafeError;
}

const SAFE_DB_FIELDS = ['constraint', 'table', 'column', 'severity'] as const;

/** drizzle's "Failed query: …\nparams: …" keeps its SQL and loses its values (stack frames stay). */
function scrubMessage(text: string): string {
  const at = text.indexOf('\nparams:');
  if (at === -1) return text;
  const frames = text.indexOf('\n    at ', at);
  return `${text.slice(0, at)}\nparams: [redacted]${frames === -1 ? '' : text.slice(frames)}`;
}

export function serializeError(err: unknown, depth = 0): SafeError {
  if (!(err instanceof Error)) {
    return { type: typeof err, message: typeof err === 'string' ? err : 'non-error thrown' };
  }
  const e = err as Error & Record<string, unknown>;
  const out: SafeError = {
    type: e.constructor?.name ?? 'Error',
    message: scrubMessage(String(e.message)),
  };
  if (typeof e.stack === 'string') out.stack = scrubMessage(e.stack);
  if (typeof e.code === 'string' || typeof e.code === 'number') out.code = String(e.code);
  for (const f of SAFE_DB_FIELDS) if (typeof e[f] === 'string') out[f] = e[f] as string;
  if (typeof e.query === 'string') out.query = e.query;
  if (e.cause !== undefined && depth < 4) out.cause = serializeError(e.cause, depth + 1);
  return out;
}

export interface LoggerOptions {
  level: string;
  /** Where the lines go (tests capture them); standard output by default. */
  stream?: DestinationStream;
}

export function createLogger(opts: LoggerOptions): Logger {
  return pino(
    {
      level: opts.level,
      redact: { paths: redactPaths, censor: '[redacted]' },
      serializers: {
        err: serializeError,
        error: serializeError,
        req: (req: {
          method?: string;
          url?: string;
          host?: string;
          ip?: string;
          socket?: { remotePort?: number };
        }) => ({
          method: req.method,
          url: req.url === undefined ? undefined : redactUrl(req.url),
          host: req.host,
          remoteAddress: req.ip,
          remotePort: req.socket?.remotePort,
        }),
      },
    },
    opts.stream,
  );
}
