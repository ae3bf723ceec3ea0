import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { createPgListener, type NotifyCallback, type PgListener } from './listener.js';
import { acquireDataDirLock, DataDirLockedError } from './lock.js';
import * as schema from './schema.js';
import { unpackTemplate } from './template.js';
import { isDatabaseUnavailable } from './unavailable.js';

export type Schema = typeof schema;
/** One type for both backends: the shared PostgreSQL base. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Either the database or an open transaction: repos accept both. */
export type DbOrTx = Db | Tx;

export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** NOTIFY after a commit, so that other processes' listeners (the live stream) wake up. */
  notify(channel: string, payload: string): Promise<void>;
  /**
   * Calls `cb` with each NOTIFY payload on `channel` (from any process), and with `null` after a
   * dropped listening connection came back (notifications may have been lost meanwhile: re-read).
   * Resolves to the function that stops listening.
   */
  listen(channel: string, cb: NotifyCallback): Promise<() => Promise<void>>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** The server's URL, when it is one. */
  url?: string;
  /** The embedded engine, when it is one (tests dump and load its data directory). */
  pglite?: PGlite;
}

/**
 * PostgreSQL settings for the embedded engine. Its memory is WebAssembly memory that never shrinks,
 * and the stock 128 MB of shared buffers is sized for a server with many connections, not for one
 * process with one connection whose files sit in the OS page cache anyway (docs/BENCHMARKS.md).
 */
const PGLITE_SETTINGS = ['shared_buffers=16MB'];

/**
 * A migrated, empty database made at build time (`npm run build -w server`, src/db/build-template.ts).
 * A first start loads it instead of running initdb and every migration (docs/BENCHMARKS.md); it
 * lives in dist/, and a run from sources (npm run dev, tests) uses it too when it is there. Newer
 * migrations than the template's are applied as usual; without it PGlite runs initdb.
 */
export const pgliteTemplateFile = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../dist/db/pglite-template.tar.gz',
);

export async function openPglite(
  opts: { dataDir?: string; loadDataDir?: Blob | File; useTemplate?: boolean } = {},
): Promise<Database> {
  // The lock comes first: a second process must not even open the folder.
  const lock = opts.dataDir ? acquireDataDirLock(opts.dataDir) : null;
  try {
    if (opts.dataDir) {
      fs.mkdirSync(opts.dataDir, { recursive: true });
      // Only into an empty folder: anything else there is a database (or what is left of one).
      const empty = fs.readdirSync(opts.dataDir).length === 0;
      if (empty && opts.useTemplate && !opts.loadDataDir && fs.existsSync(pgliteTemplateFile)) {
        try {
          unpackTemplate(pgliteTemplateFile, opts.dataDir);
        } catch {
          // A damaged template costs time, not the start: empty the folder and let initdb run.
          for (const f of fs.readdirSync(opts.dataDir))
            fs.rmSync(path.join(opts.dataDir, f), { recursive: true });
        }
      }
    }
    const client = await PGlite.create({
      dataDir: opts.dataDir,
      loadDataDir: opts.loadDataDir,
      startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((s) => ['-c', s])],
    });
    const db = drizzlePglite(client, { schema }) as unknown as Db;
    return {
      db,
      kind: 'pglite',
      async notify(channel, payload) {
        await client.query('select pg_notify($1, $2)', [channel, payload]);
      },
      // One engine in this process: its own listen() hears every NOTIFY, delivered at commit.
      listen: (channel, cb) => client.listen(channel, (payload) => cb(payload)),
      async ping() {
        await client.query('select 1');
      },
      async close() {
        try {
          if (!client.closed) await client.close();
        } finally {
          lock?.release();
        }
      },
      pglite: client,
    };
  } catch (err) {
    lock?.release();
    throw err;
  }
}

export async function openPostgres(url: string, opts: { max?: number } = {}): Promise<Database> {
  // Without a connect timeout a request waits forever on a server that drops packets.
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, connectionTimeoutMillis: 5_000 });
  // An idle client erroring (server restart) must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  let listener: PgListener | null = null;
  return {
    db,
    kind: 'postgres',
    url,
    async notify(channel, payload) {
      await pool.query('select pg_notify($1, $2)', [channel, payload]);
    },
    listen(channel, cb) {
      // The stream still closes and replays after a drop; the line says why it may pause a moment.
      listener ??= createPgListener(url, {
        onError: (err) => console.warn(`LISTEN connection: ${err.message}`),
      });
      return listener.listen(channel, cb);
    },
    async ping() {
      await pool.query('select 1');
    },
    async close() {
      await listener?.close();
      await pool.end();
    },
  };
}

export async function migrateDatabase(database: Database): Promise<void> {
  if (database.kind === 'pglite') {
    // biome-ignore lint/suspicious/noExplicitAny: the driver-specific migrator needs its own db type
    await migratePglite(database.db as any, { migrationsFolder });
  } else {
    // Several processes may start at once against one server: one migrates, the others wait on
    // the advisory lock and then find nothing left to apply.
    const lock = new pg.Client({ connectionString: database.url! });
    await lock.connect();
    try {
      await lock.query('select pg_advisory_lock(7238110)');
      // biome-ignore lint/suspicious/noExplicitAny: as above
      await migratePg(database.db as any, { migrationsFolder });
    } finally {
      await lock.end();
    }
  }
}

/** Start-up could not open the database: the message is one line that names the setting. */
export class DatabaseStartError extends Error {}

export interface OpenOptions {
  databaseUrl: string | null;
  dataDir: string;
  /** How long to keep trying a database server that is not reachable yet (containers start in any order). */
  waitMs?: number;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    await waitForPostgres(opts.databaseUrl, opts.waitMs ?? 10_000);
    const database = await openPostgres(opts.databaseUrl);
    try {
      await migrateDatabase(database);
    } catch (err) {
      await database.close().catch(() => {});
      if (isDatabaseUnavailable(err)) {
        throw new DatabaseStartError(
          `DATABASE_URL=${redactDatabaseUrl(opts.databaseUrl)}: ${describeConnectError(err, opts.databaseUrl)}`,
        );
      }
      throw err;
    }
    return database;
  }
  const dataDir = path.join(opts.dataDir, 'pglite');
  let database: Database;
  try {
    database = await openPglite({ dataDir, useTemplate: true });
  } catch (err) {
    if (err instanceof DataDirLockedError) throw new DatabaseStartError(`DATA_DIR: ${err.message}`);
    throw new DatabaseStartError(
      `DATA_DIR=${opts.dataDir}: the embedded database cannot be opened: ${firstLine(err)}`,
    );
  }
  try {
    await migrateDatabase(database);
  } catch (err) {
    await database.close().catch(() => {});
    throw err;
  }
  return database;
}

/** Connects once, retrying while the server is not there yet; the last failure ends start-up. */
async function waitForPostgres(url: string, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  let delay = 250;
  for (;;) {
    const client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: Math.max(1_000, Math.min(5_000, waitMs)),
    });
    // A failed connect can also emit 'error' on the client; it is handled through the rejection.
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => {});
      if (Date.now() + delay > deadline) {
        const waited = waitMs >= 1_000 ? ` (gave up after ${Math.round(waitMs / 1_000)} s)` : '';
        throw new DatabaseStartError(
          `DATABASE_URL=${redactDatabaseUrl(url)}: ${describeConnectError(err, url)}${waited}`,
        );
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 2_000);
    }
  }
}

/** The URL as it may be printed: without its password. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

function describeConnectError(err: unknown, url: string): string {
  const e = err as { code?: string; message?: string; errors?: { code?: string }[] };
  const code = e.code ?? e.errors?.[0]?.code;
  let where = 'the server';
  try {
    const u = new URL(url);
    where = `${u.hostname}:${u.port || '5432'}`;
  } catch {
    // keep the generic wording
  }
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${where} (is PostgreSQL running there?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found (${where})`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where} cannot be reached (${code})`;
    default:
      // PostgreSQL's own words name the problem: database "x" does not exist, role "y" does not
      // exist, password authentication failed for user "z", the database system is starting up.
      return firstLine(err);
  }
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.trim() || (err as { code?: string }).code || 'unknown error';
}
