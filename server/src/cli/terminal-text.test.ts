/**
 * Tenant-written text on the operator's terminal (probe finding 10): `npm run pilots` prints
 * control, bidi and invisible characters as visible escapes, in the table and in --json.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, migrateDatabase, openPglite } from '../db/client.js';
import * as authRepo from '../features/auth/repo.js';
import { newId } from '../features/auth/tokens.js';
import { backend, createTestDatabase } from '../test/db.js';
import { terminalSafe, terminalSafeOutput } from './terminal-text.js';

const serverDir = path.resolve(import.meta.dirname, '../..');
/** An account name written before the input rules (or straight into the database). */
const HOSTILE = 'Fake\u001b[2K\r\u001b[1AZ Corp PASS 9.9h\u202e\u0007\u009b\u200b';
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b\u202a-\u202e\u2066-\u2069]/;

function pilots(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/pilots.ts', ...args], {
    cwd: serverDir,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('terminalSafe', () => {
  it('escapes control, format and separator characters and leaves the rest', () => {
    expect(terminalSafe('a\u001b[2K\r\nb\u202ec\u200bd\u2028')).toBe(
      'a\\u001b[2K\\u000d\\u000ab\\u202ec\\u200bd\\u2028',
    );
    expect(terminalSafe('Ümit & Søn — شركة 👍🏽')).toBe('Ümit & Søn — شركة 👍🏽');
    expect(terminalSafe('tag \u{E0041}')).toBe('tag \\udb40\\udc41');
    expect(terminalSafeOutput('line one\nline\u001b two\n')).toBe('line one\nline\\u001b two\n');
    // In JSON the escapes are JSON's own: the text parses to the same value.
    const json = terminalSafeOutput(JSON.stringify({ name: HOSTILE }));
    expect(json).not.toMatch(UNSAFE);
    expect(JSON.parse(json).name).toBe(HOSTILE);
  });
});

function expectSafe(env: Record<string, string>) {
  const table = pilots(env, '--weeks', '8');
  expect(table.stderr).toBe('');
  expect(table.code).toBe(0);
  expect(table.stdout).not.toMatch(UNSAFE);
  expect(table.stdout).toMatch(/^Fake\\u001b\[2K\\u000d\\u001b\[1…\s/m);
  const json = pilots(env, '--json');
  expect(json.code).toBe(0);
  expect(json.stdout).not.toMatch(UNSAFE);
  const names = JSON.parse(json.stdout).accounts.map((a: { name: string }) => a.name);
  expect(names).toContain(HOSTILE);
}

describe.skipIf(backend !== 'pglite')('pilots on an embedded folder with a hostile account name', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-pilots-text-'));
  beforeAll(async () => {
    const db = await openPglite({ dataDir: path.join(dataDir, 'pglite') });
    try {
      await migrateDatabase(db);
      await authRepo.insertAccount(db.db, { id: newId(), name: HOSTILE });
    } finally {
      await db.close();
    }
  }, 120_000);
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('prints the name escaped in the table and in --json', () => expectSafe({ DATA_DIR: dataDir }));
});

describe.skipIf(backend !== 'postgres')('pilots on PostgreSQL with a hostile account name', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase();
    await authRepo.insertAccount(db.db, { id: newId(), name: HOSTILE });
  }, 60_000);
  afterAll(() => db.close());

  it('prints the name escaped in the table and in --json', () => expectSafe({ DATABASE_URL: db.url! }));
});
