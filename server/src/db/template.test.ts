import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { backend } from '../test/db.js';
import { migrateDatabase, openPglite } from './client.js';
import { unpackTemplate } from './template.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-template-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A ustar header block for one entry (enough to build hostile archives by hand). */
function header(name: string, size: number, type: string) {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'utf8');
  h.write('0000644\0', 100);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write(type, 156);
  h.write('ustar\0', 257);
  return h;
}

describe.runIf(backend === 'pglite')('the embedded-database template', () => {
  it('a migrated database dump unpacked into an empty folder opens as that database', async () => {
    // The test suite's own migrated dump (global-pglite.ts), gzipped as the build writes it.
    const tarball = path.join(tmp, 'template.tar.gz');
    fs.writeFileSync(tarball, zlib.gzipSync(fs.readFileSync(inject('pgliteTemplate'))));
    const dataDir = path.join(tmp, 'data', 'pglite');
    fs.mkdirSync(dataDir, { recursive: true });
    const files = unpackTemplate(tarball, dataDir);
    expect(files).toBeGreaterThan(100);
    expect(fs.existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);

    const db = await openPglite({ dataDir });
    try {
      await migrateDatabase(db); // nothing left to apply, and it says so by not failing
      const tables = await db.db.execute(
        sql`select count(*)::int as n from information_schema.tables where table_name in ('users', 'handoffs', 'auth_sessions')`,
      );
      expect((tables as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(3);
      await db.db.execute(sql`insert into accounts (id, name) values ('t1', 'Template Co')`);
    } finally {
      await db.close();
    }
  });

  it('an entry that would leave the data folder is refused and nothing is written outside it', () => {
    const evil = Buffer.concat([
      header('../escaped.txt', 5, '0'),
      Buffer.from('owned'),
      Buffer.alloc(507 + 1024),
    ]);
    const tarball = path.join(tmp, 'evil.tar.gz');
    fs.writeFileSync(tarball, zlib.gzipSync(evil));
    const dataDir = path.join(tmp, 'victim', 'pglite');
    fs.mkdirSync(dataDir, { recursive: true });
    expect(() => unpackTemplate(tarball, dataDir)).toThrow(/leaves the data folder/);
    expect(fs.existsSync(path.join(tmp, 'victim', 'escaped.txt'))).toBe(false);
  });

  it('an archive without a database in it is refused', () => {
    const tarball = path.join(tmp, 'empty.tar.gz');
    fs.writeFileSync(
      tarball,
      zlib.gzipSync(Buffer.concat([header('notes.txt', 0, '0'), Buffer.alloc(1024)])),
    );
    const dataDir = path.join(tmp, 'empty', 'pglite');
    fs.mkdirSync(dataDir, { recursive: true });
    expect(() => unpackTemplate(tarball, dataDir)).toThrow(/PG_VERSION/);
  });
});
