import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.js';
import { accounts } from '../../db/schema.js';
import { backend, createTestDatabase } from '../../test/db.js';
import { newId } from '../auth/tokens.js';
import { recordEvent } from './events.js';
import * as repo from './repo.js';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

async function newAccount() {
  const id = newId();
  await db.db.insert(accounts).values({ id, name: `events ${id}` });
  return id;
}

const who = { id: 'u', name: 'Jo Junior' };
const at = new Date(0).toISOString();
const session = {
  session: {
    ...{ id: 's', title: 'Printer offline', problem: 'It is offline', customer: null, asset: null },
    ...{ category: null, status: 'active' as const, owner: who, createdBy: who, createdAt: at },
    ...{ updatedAt: at, resolvedAt: null, resolution: null, stepCount: 0 },
  },
};

describe('live event order', () => {
  it('numbers events per account from 1', async () => {
    const a = await newAccount();
    const b = await newAccount();
    const seqs: number[] = [];
    for (const acc of [a, b, a, a, b]) {
      seqs.push(await db.db.transaction((tx) => recordEvent(tx, acc, 'session.updated', session)));
    }
    expect(seqs).toEqual([1, 1, 2, 3, 2]);
    expect((await repo.eventsAfter(db.db, a, 1)).map((e) => e.seq)).toEqual([2, 3]);
    expect(await repo.accountEventSeq(db.db, b)).toBe(2);
  });

  it('a transaction held open is never overtaken: seq order is commit order', async () => {
    const acc = await newAccount();
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((r) => {
      releaseFirst = r;
    });
    let firstRecorded!: () => void;
    const firstHasSeq = new Promise<void>((r) => {
      firstRecorded = r;
    });
    const order: string[] = [];

    const first = db.db.transaction(async (tx) => {
      const seq = await recordEvent(tx, acc, 'session.updated', session);
      firstRecorded();
      await firstMayCommit; // a slow business transaction, still open
      order.push(`first:${seq}`);
      return seq;
    });
    await firstHasSeq;
    const second = db.db
      .transaction((tx) => recordEvent(tx, acc, 'session.updated', session))
      .then((seq) => {
        order.push(`second:${seq}`);
        return seq;
      });

    // While the first is open, the second cannot commit ahead of it, and (on a server, where a
    // reader has its own connection) a reader sees nothing yet. PGlite is one connection: a read
    // outside the open transaction would queue behind it.
    await new Promise((r) => setTimeout(r, 300));
    expect(order).toEqual([]);
    if (backend === 'postgres') expect(await repo.eventsAfter(db.db, acc, 0)).toEqual([]);

    releaseFirst();
    const [s1, s2] = await Promise.all([first, second]);
    expect(s1).toBe(1);
    expect(s2).toBe(2);
    expect(order).toEqual(['first:1', 'second:2']);
    // A client that saw the newest event has seen everything before it.
    expect((await repo.eventsAfter(db.db, acc, 0)).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('many concurrent writers of one account get gap-free numbers in commit order', async () => {
    const acc = await newAccount();
    const n = 40;
    const committed: number[] = [];
    await Promise.all(
      Array.from({ length: n }, () =>
        db.db
          .transaction((tx) => recordEvent(tx, acc, 'session.updated', session))
          .then((seq) => committed.push(seq)),
      ),
    );
    expect([...committed].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    const stored = await repo.eventsAfter(db.db, acc, 0);
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  });

  it('a rolled-back transaction leaves no gap', async () => {
    const acc = await newAccount();
    await expect(
      db.db.transaction(async (tx) => {
        await recordEvent(tx, acc, 'session.updated', session);
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    const seq = await db.db.transaction((tx) => recordEvent(tx, acc, 'session.updated', session));
    expect(seq).toBe(1);
  });
});
