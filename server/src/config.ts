import path from 'node:path';
import { z } from 'zod';

const boolish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL (${protocols.join(' or ')})` },
  );

const ZEnv = z.object({
  PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  // Unset: seed an empty embedded database, never a server database (see loadConfig).
  SEED_DEMO: boolish.optional(),
  DATABASE_WAIT_SECONDS: z.coerce
    .number({ message: 'must be a number of seconds' })
    .min(0, { message: 'must be a number of seconds' })
    .max(600, { message: 'must be at most 600 seconds' })
    .default(10),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  MAIL_FROM: z.string().trim().min(3).max(254).optional(),
  ALLOW_PRIVATE_WEBHOOKS: boolish.default(false),
  AI_BASE_URL: url(['http:', 'https:']).optional(),
  AI_API_KEY: z.string().optional(),
  AI_MODEL: z.string().optional(),
  PUBLIC_URL: url(['http:', 'https:']).optional(),
  TRUST_PROXY: boolish.default(false),
  // 32 bytes as base64 or hex (64 hex digits): encrypts the PSA API keys at rest (AES-256-GCM).
  SECRETS_KEY: z
    .string()
    .refine((v) => secretsKeyBytes(v) !== null, {
      message: 'must be 32 bytes, as 64 hex digits or base64 (e.g. `openssl rand -base64 32`)',
    })
    .optional(),
  CW_CLIENT_ID: z.string().trim().min(1).max(200).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  /** How long start-up keeps trying a database server that is not reachable yet. */
  databaseWaitMs: number;
  /**
   * Seed the demo account into an empty database and show its sign-ins. SEED_DEMO decides; unset,
   * it is on for the embedded database and off for a server one (a production database is never
   * seeded by accident).
   */
  seedDemo: boolean;
  smtpUrl: string | null;
  /** The From header of every e-mail (default: ResolutionFlow <resolutionflow@PUBLIC_URL's host>). */
  mailFrom: string | null;
  /** Lets the account webhook point at loopback/private addresses (self-hosted chat, tests). */
  allowPrivateWebhooks: boolean;
  ai: { baseUrl: string; apiKey?: string; model: string } | null;
  publicUrl: string | null;
  /** Behind a reverse proxy: take the client address from X-Forwarded-For (rate limits key on it). */
  trustProxy: boolean;
  logLevel: string;
  /**
   * The key that encrypts PSA API keys at rest (32 bytes), from SECRETS_KEY; null means the
   * embedded default: a key generated into DATA_DIR on first use (features/psa/secrets.ts).
   */
  secretsKey: Buffer | null;
  /** The ConnectWise integration's clientId (CW_CLIENT_ID), sent with every ConnectWise request. */
  cwClientId: string | null;
}

/** SECRETS_KEY as 32 bytes: 64 hex digits, or base64 / base64url of 32 bytes; null otherwise. */
export function secretsKeyBytes(v: string): Buffer | null {
  const s = v.trim();
  if (/^[0-9a-fA-F]{64}$/.test(s)) return Buffer.from(s, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(s)) {
    const b = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (b.length === 32) return b;
  }
  return null;
}

export class ConfigError extends Error {}

const SECRET_SETTINGS = new Set(['SECRETS_KEY', 'AI_API_KEY']);

/** Reads the environment; a bad value throws a ConfigError whose message is one line naming it. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ZEnv.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    // A secret's value is never echoed (the line goes to the console and the logs).
    const shown = SECRET_SETTINGS.has(name) ? '' : `=${JSON.stringify(env[name] ?? '')}`;
    throw new ConfigError(`Invalid setting ${name}${shown}: ${issue.message}`);
  }
  const e = parsed.data;
  if (e.AI_BASE_URL && !e.AI_MODEL)
    throw new ConfigError('Invalid setting AI_MODEL: required when AI_BASE_URL is set');
  return {
    port: e.PORT,
    host: e.HOST,
    // Relative to where the user ran `npm start` (npm runs the script inside server/).
    dataDir: path.resolve(env.INIT_CWD ?? process.cwd(), e.DATA_DIR),
    databaseUrl: e.DATABASE_URL ?? null,
    databaseWaitMs: e.DATABASE_WAIT_SECONDS * 1000,
    seedDemo: e.SEED_DEMO ?? !e.DATABASE_URL,
    smtpUrl: e.SMTP_URL ?? null,
    mailFrom: e.MAIL_FROM ?? null,
    allowPrivateWebhooks: e.ALLOW_PRIVATE_WEBHOOKS,
    ai: e.AI_BASE_URL ? { baseUrl: e.AI_BASE_URL, apiKey: e.AI_API_KEY, model: e.AI_MODEL! } : null,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, '') ?? null,
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    secretsKey: e.SECRETS_KEY ? secretsKeyBytes(e.SECRETS_KEY) : null,
    cwClientId: e.CW_CLIENT_ID ?? null,
  };
}
