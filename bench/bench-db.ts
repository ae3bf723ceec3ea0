/**
 * The database a benchmark runs on: embedded PGlite in memory, or, with `BENCH_DATABASE_URL`
 * (e.g. postgres://postgres@127.0.0.1:5432/postgres), a fresh database created on that server for
 * this run, migrated, and dropped by `drop()`. `drop()` closes the database either way.
 */
import pg from 'pg';
import { type Database, migrateDatabase, openPglite, openPostgres } from '../server/src/db/client.js';

let opened = 0;

export async function openBenchDb(
  prefix: string,
  opts: { max?: number } = {},
): Promise<{ db: Database; label: string; drop: () => Promise<void> }> {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) {
    const db = await openPglite();
    await migrateDatabase(db);
    return { db, label: 'PGlite (in memory)', drop: () => db.close() };
  }
  const name = `${prefix}_${process.pid}_${opened++}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  const db = await openPostgres(u.toString(), { max: opts.max ?? 10 });
  await migrateDatabase(db);
  return {
    db,
    label: `PostgreSQL (127.0.0.1, pool of ${opts.max ?? 10})`,
    drop: async () => {
      await db.close();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
