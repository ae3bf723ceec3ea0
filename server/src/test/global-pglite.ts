import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrateDatabase, openPglite } from '../db/client.js';

/** Migrates once into an in-memory PGlite and dumps it; every test file loads the dump (~0.2 s). */
export default async function setup(project: TestProject) {
  const dir = path.resolve(import.meta.dirname, '../../.test-data');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `pglite-template-${process.pid}.tar`);
  const db = await openPglite();
  await migrateDatabase(db);
  const dump = await db.pglite!.dumpDataDir('none');
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await db.close();
  project.provide('pgliteTemplate', file);
  return () => fs.rmSync(file, { force: true });
}
