import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, createTestDatabase } from '../test/db.js';
import type { Database } from './client.js';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

function collector() {
  const got: (string | null)[] = [];
  let wake: (() => void) | null = null;
  return {
    got,
    cb: (p: string | null) => {
      got.push(p);
      wake?.();
    },
    async until(pred: () => boolean, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (!pred()) {
        if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(got)}`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 50);
        });
      }
    },
  };
}

describe('Database.listen', () => {
  it('hears NOTIFYs sent after commit, per channel, until it stops listening', async () => {
    const a = collector();
    const b = collector();
    const stopA = await db.listen('rf_test_a', a.cb);
    await db.listen('rf_test_b', b.cb);
    await db.db.transaction(async (tx) => {
      await tx.execute("select pg_notify('rf_test_a', 'in the transaction')");
      await new Promise((r) => setTimeout(r, 100));
      expect(a.got).toEqual([]); // not before the commit
    });
    await db.notify('rf_test_b', 'x');
    await a.until(() => a.got.length === 1);
    await b.until(() => b.got.length === 1);
    expect(a.got).toEqual(['in the transaction']);
    expect(b.got).toEqual(['x']);
    await stopA();
    await db.notify('rf_test_a', 'after');
    await db.notify('rf_test_b', 'y');
    await b.until(() => b.got.length === 2);
    expect(a.got).toEqual(['in the transaction']);
  });

  it.skipIf(backend !== 'postgres')(
    'after its connection is killed it reconnects, says so with null, and listens again',
    async () => {
      const c = collector();
      await db.listen('rf_test_c', c.cb);
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      try {
        const killed = await admin.query(
          `select pg_terminate_backend(pid) from pg_stat_activity
            where application_name = 'rf-listener' and datname = current_database()`,
        );
        expect(killed.rowCount).toBe(1);
        await c.until(() => c.got.includes(null));
        await db.notify('rf_test_c', 'back');
        await c.until(() => c.got.includes('back'));
      } finally {
        await admin.end();
      }
    },
  );
});
