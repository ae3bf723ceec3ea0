import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockPath, readLockPid, takeLock } from './pglite-holder.js';

describe('the PGlite folder lock the scorecard takes', () => {
  it("is written in the server's JSON shape (pid, startedAt, host, since), and released only by its owner", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-holder-'));
    try {
      const taken = takeLock(dir);
      if (!('release' in taken)) throw new Error('lock not taken');
      const content = JSON.parse(fs.readFileSync(lockPath(dir), 'utf8'));
      // A server reads `pid` (a number) and trusts it when `startedAt` is null.
      expect(content).toMatchObject({ pid: process.pid, startedAt: null, host: os.hostname() });
      expect(Number.isNaN(Date.parse(content.since))).toBe(false);
      expect(readLockPid(lockPath(dir))).toBe(process.pid);
      // A lock naming another live process (our parent) is refused.
      fs.writeFileSync(lockPath(dir), JSON.stringify({ pid: process.ppid, startedAt: null }));
      const refused = takeLock(dir);
      expect('holder' in refused && refused.holder.pid).toBe(process.ppid);
      // Our release leaves a lock that is no longer ours where it is.
      taken.release();
      expect(fs.existsSync(lockPath(dir))).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
