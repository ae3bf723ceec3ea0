import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * One process at a time on an embedded database folder. PGlite has no lock of its own: a second
 * process on the same folder starts happily, answers 201s, and one of the two loses its writes.
 *
 * The lock is a file beside the database folder (PGlite's first start runs initdb, which wants an
 * empty folder), created with O_EXCL before the database is opened. It holds the owner's pid and
 * its start time, so a lock left by a process that died (kill -9, power cut) is recognised and
 * taken over, even when the pid has since been reused (a container's pid 1, for example).
 */
export class DataDirLockedError extends Error {}

interface LockContent {
  pid: number;
  /** Linux: the process start time from /proc/<pid>/stat, to tell a live owner from a reused pid. */
  startedAt: string | null;
  host: string;
  since: string;
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

export function lockPathFor(dataDir: string): string {
  return `${dataDir.replace(/[\\/]+$/, '')}.lock`;
}

export function acquireDataDirLock(dataDir: string): DataDirLock {
  const file = lockPathFor(dataDir);
  const mine: LockContent = {
    pid: process.pid,
    startedAt: processStartTime(process.pid),
    host: os.hostname(),
    since: new Date().toISOString(),
  };
  const text = `${JSON.stringify(mine)}\n`;
  // A first start may name a DATA_DIR that does not exist yet.
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Two rounds at most: the second one follows the removal of a stale lock.
  for (let round = 0; round < 2; round++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o644);
      try {
        fs.writeSync(fd, text);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      return makeLock(file, text);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const held = readLock(file);
    if (held && holderAlive(held)) {
      throw new DataDirLockedError(
        `${dataDir} is in use by another ResolutionFlow process (pid ${held.pid} on ${held.host}, since ${held.since}); stop it first, or use another DATA_DIR`,
      );
    }
    removeStale(file, held);
  }
  throw new DataDirLockedError(
    `${dataDir}: another process is taking its lock at the same moment; try again`,
  );
}

function makeLock(file: string, text: string): DataDirLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    // Only remove it while it is still ours (a stale-lock takeover by another process is not).
    try {
      if (fs.readFileSync(file, 'utf8') === text) fs.unlinkSync(file);
    } catch {
      // already gone
    }
  };
  // process.exit() and a normal end run 'exit' listeners; kill -9 does not (the next start
  // recognises the dead owner).
  process.on('exit', release);
  return { path: file, release };
}

function readLock(file: string): LockContent | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockContent>;
    return typeof parsed.pid === 'number' ? (parsed as LockContent) : null;
  } catch {
    // Unreadable or half-written (a crash between create and write): not a live owner's lock.
    return null;
  }
}

function holderAlive(held: LockContent): boolean {
  if (held.pid === process.pid) return false; // our own pid, left by an earlier life of this container
  try {
    process.kill(held.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    // EPERM: the pid exists and belongs to someone else; the start time below decides.
  }
  const now = processStartTime(held.pid);
  if (held.startedAt !== null && now !== null) return now === held.startedAt;
  return true;
}

/** Takes the stale lock out of the way without deleting a fresh one that another process just made. */
function removeStale(file: string, seen: LockContent | null) {
  const aside = `${file}.stale-${process.pid}`;
  try {
    fs.renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = readLock(aside);
  if (moved && seen && moved.pid !== seen.pid && holderAlive(moved)) {
    // Someone took over in between and we moved their live lock: put it back and give way.
    try {
      fs.linkSync(aside, file);
    } catch {
      // a third process already holds it; either way it is not ours
    }
    fs.rmSync(aside, { force: true });
    throw new DataDirLockedError(
      `${file.replace(/\.lock$/, '')} is in use by another ResolutionFlow process (pid ${moved.pid}); stop it first, or use another DATA_DIR`,
    );
  }
  fs.rmSync(aside, { force: true });
}

function processStartTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime), counted after the ")" that closes the command name.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}
