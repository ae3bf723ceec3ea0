/**
 * Who holds an embedded (PGlite) data folder. PGlite is one process's database: a second process
 * opening the same folder runs happily and loses writes, so a command that wants to read it
 * (the pilot scorecard) must first make sure no server has it open, and keep servers out while it
 * reads.
 *
 * Two signs of a holder, so that this works with or without the server's own lock file:
 *  1. `<DATA_DIR>/pglite.lock` naming a live process (the lock a server takes before opening the
 *     folder; the file holds its pid, as a bare number or as JSON `{"pid": …}`);
 *  2. on Linux, any other process with a file open inside the folder (`/proc/<pid>/fd`): a
 *     running PGlite keeps its WAL and catalog files open for as long as the database is open.
 * The reader takes the same lock file while it reads (created exclusively, in the server's JSON
 * shape), so a server that honours the lock cannot open the folder underneath it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const LOCK_FILE = 'pglite.lock';

export const lockPath = (dataDir: string) => path.join(dataDir, LOCK_FILE);

/** The pid a lock file names, or null when unreadable. */
export function readLockPid(file: string): number | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'number') return parsed > 0 ? parsed : null;
    const pid = (parsed as { pid?: unknown } | null)?.pid;
    if (typeof pid === 'number' && pid > 0) return pid;
  } catch {
    /* not JSON: a bare pid, possibly followed by other lines */
  }
  const m = /\d+/.exec(text);
  return m ? Number(m[0]) : null;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Another process with a file open inside `folder` (Linux `/proc`; null elsewhere or when none). */
export function findOpenFilesHolder(folder: string): number | null {
  let real: string;
  try {
    real = fs.realpathSync(folder);
  } catch {
    return null;
  }
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return null;
  }
  const prefix = real + path.sep;
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // another user's process, or gone meanwhile
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (target.startsWith(prefix)) return Number(pid);
    }
  }
  return null;
}

export interface Holder {
  pid: number;
  /** How it was found: its lock file, or its open files. */
  via: 'lock file' | 'open files';
}

/** The process holding `<dataDir>/pglite`, if any. */
export function findHolder(dataDir: string): Holder | null {
  const pid = readLockPid(lockPath(dataDir));
  if (pid !== null && pid !== process.pid && isAlive(pid)) return { pid, via: 'lock file' };
  const open = findOpenFilesHolder(path.join(dataDir, 'pglite'));
  return open === null ? null : { pid: open, via: 'open files' };
}

/**
 * Takes `<dataDir>/pglite.lock` for this process. A lock left by a dead process is taken over.
 * Returns a release function, or the live holder when someone else has it.
 */
export function takeLock(dataDir: string): { release: () => void } | { holder: Holder } {
  const file = lockPath(dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      // The server's lock (the platform change, server/src/db/lock.ts) is JSON with the pid, its
      // start time, host and since; a lock in that shape keeps such a server out while we read
      // (a null start time makes it trust the pid alone).
      const mine = {
        pid: process.pid,
        startedAt: null,
        host: os.hostname(),
        since: new Date().toISOString(),
      };
      fs.writeFileSync(file, `${JSON.stringify(mine)}\n`, { flag: 'wx' });
      let released = false;
      return {
        release: () => {
          if (released) return;
          released = true;
          // Only remove the lock if it is still ours.
          if (readLockPid(file) === process.pid) fs.rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = readLockPid(file);
      if (pid !== null && pid !== process.pid && isAlive(pid)) return { holder: { pid, via: 'lock file' } };
      fs.rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  const pid = readLockPid(file) ?? 0;
  return { holder: { pid, via: 'lock file' } };
}
