/**
 * The scorecard command as an operator runs it: a separate process, against the folder or the
 * server database a real ResolutionFlow server uses.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.js';
import { seedDemo } from '../seed.js';
import { backend, createTestDatabase } from '../test/db.js';

const serverDir = path.resolve(import.meta.dirname, '../..');

function pilots(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/pilots.ts', ...args], {
    cwd: serverDir,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

/** A process that is alive and is not a server (its pid goes into a lock file). */
function bystander() {
  return spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
}

describe.skipIf(backend !== 'pglite')('the scorecard command on an embedded data folder', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-pilots-'));
  const env = { DATA_DIR: dataDir };
  let server: ChildProcess | null = null;

  beforeAll(async () => {
    // The real server, on a fresh folder with the demo seed.
    server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: serverDir,
      env: {
        ...process.env,
        DATABASE_URL: '', // the embedded database, whatever the test runner has set
        DATA_DIR: dataDir,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        SEED_DEMO: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 90_000);
      server!.stdout!.on('data', (d) => {
        out += String(d);
        if (out.includes('ResolutionFlow is listening')) {
          clearTimeout(timer);
          resolve();
        }
      });
      server!.stderr!.on('data', (d) => {
        out += String(d);
      });
      server!.once('exit', (code) => reject(new Error(`server exited (${code}):\n${out}`)));
    });
  }, 120_000);

  afterAll(() => {
    server?.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('while a server holds the folder, answers in one line naming it, at once, and touches nothing', () => {
    // The server holds its own lock file (db/lock.ts); the command must leave it exactly as it was.
    const lockFile = path.join(dataDir, 'pglite.lock');
    const before = fs.existsSync(lockFile) ? fs.readFileSync(lockFile, 'utf8') : null;
    const started = Date.now();
    const r = pilots(env, '--weeks', '8');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^pilots: The embedded database in .*/pglite is in use by a running ResolutionFlow server \\(pid ${server!.pid}, found by its (?:lock file|open files)\\)\\. Stop that server`,
      ),
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(fs.existsSync(lockFile) ? fs.readFileSync(lockFile, 'utf8') : null).toBe(before);
  });

  it("honours a server's lock file too (pid inside, bare or as JSON)", () => {
    const lock = path.join(dataDir, 'pglite.lock');
    const original = fs.existsSync(lock) ? fs.readFileSync(lock, 'utf8') : null;
    for (const content of [`${server!.pid}\n`, JSON.stringify({ pid: server!.pid, startedAt: 'x' })]) {
      fs.writeFileSync(lock, content);
      const r = pilots(env);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`\\(pid ${server!.pid}, found by its lock file\\)`));
      // The lock is the server's: left where it was.
      expect(fs.readFileSync(lock, 'utf8')).toBe(content);
    }
    // Put the server's own lock back as it was.
    if (original === null) fs.rmSync(lock);
    else fs.writeFileSync(lock, original);
  });

  it('once the server has stopped, prints the table and the verdict, and leaves no lock behind', async () => {
    const exited = new Promise((r) => server!.once('exit', r));
    server!.kill('SIGTERM');
    await exited;
    server = null;
    const r = pilots(env, '--weeks', '8');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^Pilot scorecard: the last 8 weeks \(\d{4}-\d\d-\d\d \d\d:\d\d to .* UTC\)$/);
    expect(lines.find((l) => l.startsWith('Northwind IT (demo)'))).toMatch(/\s(passes|below|not verifiable)/);
    expect(r.stdout).toContain('0 of 0 pilot accounts above 1.0 hours saved per week');
    expect(fs.existsSync(path.join(dataDir, 'pglite.lock'))).toBe(false);

    const j = pilots(env, '--json', '--weeks=4');
    expect(j.code).toBe(0);
    const card = JSON.parse(j.stdout);
    expect(card.window.weeks).toBe(4);
    expect(card.accounts[0]).toMatchObject({ name: 'Northwind IT', demo: true });
    expect(card).toMatchObject({ counted: 0, passing: 0, required: 3, pilotPasses: false });
  });

  it('takes over a lock left by a dead process, and refuses one held by a live one', async () => {
    const lock = path.join(dataDir, 'pglite.lock');
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    fs.writeFileSync(lock, gone.stdout);
    const r = pilots(env);
    expect(r.code).toBe(0);
    expect(fs.existsSync(lock)).toBe(false);

    const alive = bystander();
    try {
      fs.writeFileSync(lock, `${alive.pid}\n`);
      const busy = pilots(env);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toContain(`(pid ${alive.pid}, found by its lock file)`);
    } finally {
      alive.kill('SIGKILL');
      fs.rmSync(lock, { force: true });
    }
  });

  it('says in one line what is wrong with its arguments or its folder', () => {
    const weeks = pilots(env, '--weeks', '60');
    expect(weeks.code).toBe(1);
    expect(weeks.stderr).toBe('pilots: --weeks must be a whole number of weeks from 1 to 57 (got 60)\n');
    const unknown = pilots(env, '--week', '8');
    expect(unknown.stderr).toBe('pilots: unknown option --week (try --help)\n');
    const empty = pilots({ DATA_DIR: path.join(dataDir, 'nothing-here') });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(
      /^pilots: No ResolutionFlow database in .*nothing-here\/pglite: start the server once/,
    );
    expect(fs.existsSync(path.join(dataDir, 'nothing-here'))).toBe(false);
  });
});

describe.skipIf(backend !== 'postgres')('the scorecard command on PostgreSQL (DATABASE_URL)', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase();
    await seedDemo({ db, clock: () => new Date() });
  }, 60_000);
  afterAll(() => db.close());

  it('reads the server database, read-only, while servers keep running on it', () => {
    const r = pilots({ DATABASE_URL: db.url! }, '--weeks', '8');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Northwind IT \(demo\)\s+\d+/m);
  });
});
