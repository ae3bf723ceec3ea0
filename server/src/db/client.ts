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
import * as schema from './schema.js';

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

export async function openPglite(
  opts: { dataDir?: string; loadDataDir?: Blob | File } = {},
): Promise<Database> {
  if (opts.dataDir) fs.mkdirSync(opts.dataDir, { recursive: true });
  const client = await PGlite.create({ dataDir: opts.dataDir, loadDataDir: opts.loadDataDir });
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
      if (!client.closed) await client.close();
    },
    pglite: client,
  };
}

export async function openPostgres(url: string, opts: { max?: number } = {}): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10 });
  // An idle client erroring (server restart) must not crash the process.
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

export async function openDatabase(opts: { databaseUrl: string | null; dataDir: string }): Promise<Database> {
  const database = opts.databaseUrl
    ? await openPostgres(opts.databaseUrl)
    : await openPglite({ dataDir: path.join(opts.dataDir, 'pglite') });
  await migrateDatabase(database);
  return database;
}
