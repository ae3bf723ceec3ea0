import fs from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { type Database, openPglite, openPostgres } from '../db/client.js';
import { adminUrl, dbUrl } from './pg-urls.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of the migrated PGlite data-directory dump (global-pglite.ts). */
    pgliteTemplate: string;
    /** Name of the migrated template database (global-postgres.ts). */
    postgresTemplate: string;
  }
}

export type Backend = 'pglite' | 'postgres';
export const backend: Backend = process.env.DB_BACKEND === 'postgres' ? 'postgres' : 'pglite';

let counter = 0;

/** A fresh, migrated database for one test file (copied from the template made in global setup). */
export async function createTestDatabase(): Promise<Database> {
  if (backend === 'pglite') {
    const buf = fs.readFileSync(inject('pgliteTemplate'));
    return openPglite({ loadDataDir: new Blob([buf]) });
  }
  const base = process.env.TEST_DATABASE_URL!;
  const name = `rf_t_${process.ppid}_${process.pid}_${counter++}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl(base) });
  await admin.connect();
  try {
    // Parallel copies of one template can collide ("being accessed by other users"): retry, bounded.
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`create database ${name} template ${inject('postgresTemplate')}`);
        break;
      } catch (err) {
        if (attempt >= 30 || !String((err as Error).message).includes('being accessed')) throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  const db = await openPostgres(dbUrl(base, name), { max: 60 });
  const close = db.close.bind(db);
  db.close = async () => {
    await close();
    const a = new pg.Client({ connectionString: adminUrl(base) });
    await a.connect();
    await a.query(`drop database if exists ${name} with (force)`).finally(() => a.end());
  };
  return db;
}
