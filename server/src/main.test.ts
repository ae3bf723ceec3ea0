// The server as a process: `src/main.ts` started the way `npm run dev` starts it, with real
// signals, a real data folder and real ports. Slow (each start compiles the sources), so only
// what needs a process is tested here.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { lockPathFor } from './db/lock.js';
import { backend } from './test/db.js';
import { adminUrl, dbUrl } from './test/pg-urls.js';

const SERVER_DIR = path.resolve(import.meta.dirname, '..');
const START_TIMEOUT = 90_000;

interface Proc {
  child: ChildProcess;
  port: number;
  url: string;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

const running: Proc[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const p of running.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function tempDir() {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-proc-'));
  dirs.push(d);
  return d;
}

async function start(env: Record<string, string>): Promise<Proc> {
  const port = await freePort();
  const childEnv: Record<string, string> = { ...(process.env as Record<string, string>) };
  delete childEnv.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: {
      ...childEnv,
      PORT: String(port),
      HOST: '127.0.0.1',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const p = { child, port, url: `http://127.0.0.1:${port}`, out: () => out, err: () => err, exited };
  running.push(p);
  return p;
}

async function healthy(p: Proc) {
  const until = Date.now() + START_TIMEOUT;
  while (Date.now() < until) {
    if (p.child.exitCode !== null) throw new Error(`exited ${p.child.exitCode}: ${p.err()}${p.out()}`);
    try {
      const res = await fetch(`${p.url}/api/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not healthy in time: ${p.err()}${p.out()}`);
}

async function exitCode(p: Proc, withinMs: number): Promise<number | null> {
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), withinMs));
  const code = await Promise.race([p.exited, timeout]);
  if (code === 'timeout')
    throw new Error(`still running after ${withinMs} ms: ${p.err()}${p.out().slice(-2000)}`);
  return code;
}

/** What a user sees when start-up fails: exactly one line on stderr, no stack trace. */
function expectOneLine(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^ResolutionFlow cannot start: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

async function signup(url: string, tag: string) {
  const res = await fetch(`${url}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      accountName: `Proc ${tag}`,
      name: 'Pat',
      email: `pat-${tag}-${Date.now()}@example.test`,
      password: 'longenough1',
    }),
  });
  return res.status;
}

describe.runIf(backend === 'pglite')('one process per embedded data folder', () => {
  it(
    'a second process on the same DATA_DIR refuses with one line naming the holder; the first keeps serving',
    async () => {
      const dataDir = tempDir();
      const first = await start({ DATA_DIR: dataDir });
      await healthy(first);
      const lock = JSON.parse(fs.readFileSync(lockPathFor(path.join(dataDir, 'pglite')), 'utf8'));
      expect(lock.pid).toBe(first.child.pid);

      const second = await start({ DATA_DIR: dataDir });
      expect(await exitCode(second, START_TIMEOUT)).toBe(1);
      expectOneLine(
        second.err(),
        new RegExp(`in use by another ResolutionFlow process \\(pid ${first.child.pid}\\b`),
      );

      expect(await signup(first.url, 'first')).toBe(201);
      first.child.kill('SIGTERM');
      expect(await exitCode(first, 10_000)).toBe(0);
      expect(fs.existsSync(lockPathFor(path.join(dataDir, 'pglite')))).toBe(false);
    },
    3 * START_TIMEOUT,
  );

  it(
    'a lock left by a process that was killed (kill -9) is taken over, and so is one whose pid was reused',
    async () => {
      const dataDir = tempDir();
      const lockFile = lockPathFor(path.join(dataDir, 'pglite'));
      const first = await start({ DATA_DIR: dataDir });
      await healthy(first);
      expect(await signup(first.url, 'before-kill')).toBe(201);
      first.child.kill('SIGKILL');
      await first.exited;
      expect(JSON.parse(fs.readFileSync(lockFile, 'utf8')).pid).toBe(first.child.pid);

      const second = await start({ DATA_DIR: dataDir });
      await healthy(second);
      expect(JSON.parse(fs.readFileSync(lockFile, 'utf8')).pid).toBe(second.child.pid);
      second.child.kill('SIGTERM');
      expect(await exitCode(second, 10_000)).toBe(0);

      // A live process now has the pid written in the lock, but it is not the one that wrote it
      // (its start time differs): after a container restart, pid 1 is someone else.
      fs.writeFileSync(
        lockFile,
        JSON.stringify({
          pid: process.pid,
          startedAt: '1',
          host: os.hostname(),
          since: '2020-01-01T00:00:00Z',
        }),
      );
      const third = await start({ DATA_DIR: dataDir });
      await healthy(third);
      third.child.kill('SIGTERM');
      expect(await exitCode(third, 10_000)).toBe(0);
      expect(fs.existsSync(lockFile)).toBe(false);
    },
    4 * START_TIMEOUT,
  );
});

describe.runIf(backend === 'pglite')('shutdown', () => {
  it(
    'SIGTERM: a request in flight still completes, then the process exits 0 well within 10 s',
    async () => {
      // A DATA_DIR that does not exist yet is made (first start on a fresh machine).
      const p = await start({ DATA_DIR: path.join(tempDir(), 'not', 'there', 'yet') });
      await healthy(p);
      const body = JSON.stringify({
        accountName: 'In Flight Ltd',
        name: 'Ina',
        email: `ina-${Date.now()}@example.test`,
        password: 'longenough1',
      });
      // The request is sent in two halves: the server has it (and is reading its body) when the
      // signal arrives, so it is in flight by construction, not by timing luck.
      const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          `${p.url}/api/auth/signup`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          },
          (res) => {
            let text = '';
            res.on('data', (d) => {
              text += d;
            });
            res.on('end', () => resolve({ status: res.statusCode!, body: text }));
          },
        );
        req.on('error', reject);
        req.write(body.slice(0, 20));
        void (async () => {
          await until(() => p.out().includes('/api/auth/signup'));
          p.child.kill('SIGTERM');
          await until(() => p.out().includes('shutting down'));
          req.end(body.slice(20));
        })();
      });
      const signalAt = Date.now();
      const res = await response;
      expect(res.status, res.body).toBe(201);
      expect(await exitCode(p, 10_000)).toBe(0);
      expect(Date.now() - signalAt).toBeLessThan(10_000);
      const out = p.out();
      expect(out.indexOf('shutting down')).toBeLessThan(out.indexOf('"statusCode":201'));
      expect(out).toContain('"outcome":"closed"');
    },
    2 * START_TIMEOUT,
  );
});

async function until(check: () => boolean, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.runIf(backend === 'pglite')('a database server that is not there at start-up', () => {
  it(
    'closed port: retries for DATABASE_WAIT_SECONDS, then one line naming DATABASE_URL, without its password',
    async () => {
      const port = await freePort();
      const startedAt = Date.now();
      const p = await start({
        DATABASE_URL: `postgres://app:hunter2@127.0.0.1:${port}/rf`,
        DATABASE_WAIT_SECONDS: '2',
      });
      expect(await exitCode(p, START_TIMEOUT)).toBe(1);
      expectOneLine(
        p.err(),
        new RegExp(`DATABASE_URL=postgres://app:\\*\\*\\*@127\\.0\\.0\\.1:${port}/rf: connection refused`),
      );
      expect(p.err()).not.toContain('hunter2');
      expect(p.out()).not.toContain('hunter2');
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2_000);
    },
    2 * START_TIMEOUT,
  );
});

describe.runIf(backend === 'postgres')('a database server that answers but refuses us', () => {
  const base = process.env.TEST_DATABASE_URL!;

  it(
    'a missing database and an unknown role each end in one line naming DATABASE_URL and what failed',
    async () => {
      const missing = await start({
        DATABASE_URL: dbUrl(base, `rf_missing_${Date.now()}`),
        DATABASE_WAIT_SECONDS: '1',
      });
      expect(await exitCode(missing, START_TIMEOUT)).toBe(1);
      expectOneLine(missing.err(), /DATABASE_URL=.*: database "rf_missing_\d+" does not exist/);

      const u = new URL(base);
      u.username = 'nobody_here';
      const role = await start({ DATABASE_URL: u.toString(), DATABASE_WAIT_SECONDS: '1' });
      expect(await exitCode(role, START_TIMEOUT)).toBe(1);
      expectOneLine(role.err(), /DATABASE_URL=.*: role "nobody_here" does not exist/);
    },
    3 * START_TIMEOUT,
  );

  it(
    'a database that appears while the server waits is used: start-up succeeds',
    async () => {
      const name = `rf_late_${process.pid}_${Date.now()}`;
      const p = await start({ DATABASE_URL: dbUrl(base, name), DATABASE_WAIT_SECONDS: '60' });
      await new Promise((r) => setTimeout(r, 1500));
      expect(p.child.exitCode).toBeNull();
      const admin = new pg.Client({ connectionString: adminUrl(base) });
      await admin.connect();
      try {
        await admin.query(`create database ${name}`);
        await healthy(p);
        expect(await signup(p.url, 'late')).toBe(201);
        p.child.kill('SIGTERM');
        expect(await exitCode(p, 10_000)).toBe(0);
      } finally {
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    },
    2 * START_TIMEOUT,
  );
});

// `npm start` runs the bundle's entry point, which re-executes itself once with the memory settings
// of decision 008. Built by `npm install` (postinstall); without a build there is nothing to test.
const START_JS = path.join(SERVER_DIR, 'dist', 'start.js');
describe.runIf(backend === 'pglite' && process.platform === 'linux')('the built entry point', () => {
  if (!fs.existsSync(START_JS)) console.warn(`SKIPPED: ${START_JS} is not built (run npm run build)`);
  async function startBuilt(env: Record<string, string>, waitForLine?: RegExp) {
    const port = await freePort();
    const childEnv: Record<string, string> = { ...(process.env as Record<string, string>) };
    delete childEnv.DATABASE_URL;
    delete childEnv.MALLOC_MMAP_THRESHOLD_;
    delete childEnv.NODE_OPTIONS;
    const child = spawn(process.execPath, [START_JS], {
      env: {
        ...childEnv,
        PORT: String(port),
        HOST: '127.0.0.1',
        SEED_DEMO: 'false',
        DATA_DIR: tempDir(),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    let out = '';
    child.stderr!.on('data', (d) => {
      err += d;
    });
    child.stdout!.on('data', (d) => {
      out += d;
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const p: Proc = { child, port, url: `http://127.0.0.1:${port}`, out: () => out, err: () => err, exited };
    running.push(p);
    await healthy(p);
    for (let i = 0; waitForLine && i < 200 && !waitForLine.test(out); i++) await sleep(50);
    const cmdline = fs.readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
    const environ = fs.readFileSync(`/proc/${child.pid}/environ`, 'utf8').split('\0');
    child.kill('SIGTERM');
    expect(await exitCode(p, 15_000)).toBe(0);
    return { cmdline, environ, out };
  }

  it.runIf(fs.existsSync(START_JS))(
    'runs with a small young generation and a fixed mmap threshold, in the same process; a setting given by the user wins',
    async () => {
      const plain = await startBuilt({});
      expect(plain.cmdline).toContain('--max-semi-space-size=8');
      expect(plain.environ).toContain('MALLOC_MMAP_THRESHOLD_=131072');

      const own = await startBuilt({
        NODE_OPTIONS: '--max-semi-space-size=16',
        MALLOC_MMAP_THRESHOLD_: '65536',
      });
      expect(own.cmdline.some((a) => a.startsWith('--max-semi-space-size'))).toBe(false);
      expect(own.environ).toContain('MALLOC_MMAP_THRESHOLD_=65536');
    },
    START_TIMEOUT,
  );

  it.runIf(fs.existsSync(START_JS))(
    "reads the assistant's knowledge index that the build prepared instead of indexing the playbooks",
    async () => {
      const { out } = await startBuilt({ LOG_LEVEL: 'info' }, /assistant knowledge index/);
      const line = out.split('\n').find((l) => l.includes('assistant knowledge index'));
      expect(line, out.slice(-2000)).toBeDefined();
      expect(JSON.parse(line!)).toMatchObject({
        msg: 'assistant knowledge index read from the build',
        prepared: true,
      });
    },
    START_TIMEOUT,
  );
});
