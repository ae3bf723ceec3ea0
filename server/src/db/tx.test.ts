import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../features/auth/tokens.js';
import { queueEvent } from '../features/live/events.js';
import * as liveRepo from '../features/live/repo.js';
import { createTestDatabase } from '../test/db.js';
import type { Database } from './client.js';
import { accounts } from './schema.js';
import { type AfterCommit, inTransaction } from './tx.js';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

/** The real helper on a real database; `afterCommit` records what it was handed. */
function helper() {
  const calls: AfterCommit[] = [];
  return { deps: { db, afterCommit: (what: AfterCommit) => calls.push(what) }, calls };
}

async function newAccount() {
  const id = newId();
  await db.db.insert(accounts).values({ id, name: `tx ${id}` });
  return id;
}

const who = { id: 'u', name: 'Jo Junior' };
const at = new Date(0).toISOString();
const summary = (title: string) => ({
  session: {
    ...{ id: 's', title, problem: 'p', customer: null, asset: null, category: null },
    ...{ status: 'active' as const, owner: who, createdBy: who, createdAt: at, updatedAt: at },
    ...{ resolvedAt: null, resolution: null, stepCount: 0 },
  },
});

/** PostgreSQL's serialization_failure, as drizzle wraps a driver error. */
const serializationFailure = () => Object.assign(new Error('retry me'), { cause: { code: '40001' } });

describe('inTransaction hands the live hub what the committed work asked for', () => {
  it('after the commit: the accounts whose events were written, once each, and the streams to end', async () => {
    const [a, b] = [await newAccount(), await newAccount()];
    const { deps, calls } = helper();
    await inTransaction(deps, async (work) => {
      queueEvent(work, a, 'session.updated', summary('one'));
      queueEvent(work, a, 'session.updated', summary('two'));
      queueEvent(work, b, 'session.created', summary('three'));
      work.closeStreams({ sessionId: 'sign-in-1' });
      work.closeStreams({ userId: 'user-1' });
      // Nothing is announced before the commit.
      expect(calls).toEqual([]);
    });
    expect(calls).toEqual([
      {
        accountIds: [a, b],
        closeStreams: [{ sessionId: 'sign-in-1' }, { userId: 'user-1' }],
        // The rows as written, for this process's hub to send without reading them back.
        events: [
          { accountId: a, seq: 1, type: 'session.updated', data: expect.stringContaining('"title":"one"') },
          { accountId: a, seq: 2, type: 'session.updated', data: expect.stringContaining('"title":"two"') },
          { accountId: b, seq: 1, type: 'session.created', data: expect.stringContaining('"title":"three"') },
        ],
      },
    ]);
    // And the events it announced are committed, readable by a hub woken by it.
    expect((await liveRepo.eventsAfter(db.db, a, 0)).map((e) => e.seq)).toEqual([1, 2]);
    expect((await liveRepo.eventsAfter(db.db, b, 0)).map((e) => e.seq)).toEqual([1]);
  });

  it('a retried attempt asks for nothing: only the attempt that committed counts', async () => {
    const [a, b] = [await newAccount(), await newAccount()];
    const { deps, calls } = helper();
    let attempt = 0;
    await inTransaction(deps, async (work) => {
      attempt++;
      if (attempt === 1) {
        queueEvent(work, a, 'session.updated', summary('rolled back'));
        work.closeStreams({ userId: 'not-this-one' });
        throw serializationFailure();
      }
      queueEvent(work, b, 'session.updated', summary('committed'));
    });
    expect(attempt).toBe(2);
    expect(calls).toEqual([
      {
        accountIds: [b],
        closeStreams: [],
        events: [
          { accountId: b, seq: 1, type: 'session.updated', data: expect.stringContaining('committed') },
        ],
      },
    ]);
    expect(await liveRepo.eventsAfter(db.db, a, 0)).toEqual([]);
    const [acc] = await db.db.select().from(accounts).where(eq(accounts.id, a));
    expect(acc!.eventSeq).toBe(0);
  });

  it('a failed unit of work, or one that asked for nothing, calls nothing', async () => {
    const a = await newAccount();
    const { deps, calls } = helper();
    await expect(
      inTransaction(deps, async (work) => {
        queueEvent(work, a, 'session.updated', summary('refused'));
        work.closeStreams({ sessionId: 'kept' });
        throw new Error('refused by a rule');
      }),
    ).rejects.toThrow('refused by a rule');
    await inTransaction(deps, async ({ tx }) => {
      await tx.update(accounts).set({ name: 'renamed' }).where(eq(accounts.id, a));
    });
    expect(calls).toEqual([]);
  });
});
