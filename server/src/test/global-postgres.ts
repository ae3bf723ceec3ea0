import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateDatabase, openPostgres } from '../db/client.js';
import { adminUrl, dbUrl } from './pg-urls.js';

/** Migrates a template database once; every test file copies it with CREATE DATABASE … TEMPLATE. */
export default async function setup(project: TestProject) {
  const base = process.env.TEST_DATABASE_URL!;
  const template = `rf_tpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl(base) });
  await admin.connect();
  await admin.query(`drop database if exists ${template} with (force)`);
  await admin.query(`create database ${template}`);
  const db = await openPostgres(dbUrl(base, template), { max: 2 });
  await migrateDatabase(db);
  await db.close();
  project.provide('postgresTemplate', template);
  return async () => {
    const stale = await admin.query<{ datname: string }>(
      `select datname from pg_database where datname like 'rf_t\\_${process.pid}\\_%' or datname = $1`,
      [template],
    );
    for (const { datname } of stale.rows)
      await admin.query(`drop database if exists ${datname} with (force)`);
    await admin.end();
  };
}
