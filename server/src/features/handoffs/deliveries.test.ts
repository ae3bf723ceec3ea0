import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handoffs, notifications } from '../../db/schema.js';
import { DELIVERIES_GRACE_MS } from '../../jobs/outbox-worker.js';
import { escalateNewSession, type Harness, makeTeam, startApp, type Team } from '../../test/harness.js';
import { writeDeliveries } from './service.js';

/**
 * An escalation's delivery rows (in-app, e-mail, webhook) are written right after its commit, once
 * its live card has gone out, by one conditional statement (decision 032): exactly once, whoever
 * races, and by the outbox worker when the escalating process died in between.
 */
let h: Harness;
let t: Team;
beforeAll(async () => {
  // No SMTP_URL: mail goes to the local mail outbox. A long poll: only wake() makes the worker look.
  h = await startApp({ env: { PUBLIC_URL: 'https://rf.example.test' }, worker: { pollMs: 3_600_000 } });
  t = await makeTeam(h, 'Deliveries Co');
});
afterAll(() => h.close());

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

const rowsOf = (handoffId: string) =>
  h.db.db
    .select({
      recipientId: notifications.recipientId,
      channel: notifications.channel,
      status: notifications.status,
    })
    .from(notifications)
    .where(and(eq(notifications.handoffId, handoffId), eq(notifications.intent, 'escalate')));

const pendingFlag = async (handoffId: string) =>
  (
    await h.db.db.select({ p: handoffs.deliveriesPending }).from(handoffs).where(eq(handoffs.id, handoffId))
  )[0]!.p;

/** The state a process leaves when it dies between the escalation's commit and its delivery rows. */
async function asIfTheProcessDied(handoffId: string) {
  await h.db.db.delete(notifications).where(eq(notifications.handoffId, handoffId));
  await h.db.db.update(handoffs).set({ deliveriesPending: true }).where(eq(handoffs.id, handoffId));
}

const key = (r: { recipientId: string | null; channel: string }) => `${r.recipientId ?? '-'}/${r.channel}`;

async function escalate(title: string) {
  return escalateNewSession(t.junior, {
    title,
    problem: 'The mapped drive shows a red X after every reboot.',
    reason: 'Credentials look right',
    urgency: 'normal',
  });
}

describe("an escalation's delivery rows", () => {
  it('exist when the escalation answers: one in-app and one e-mail row per engineer and up, none for the escalator', async () => {
    const { handoffId } = await escalate('Drive mapping lost after reboot');
    const rows = await rowsOf(handoffId);
    const reached = [t.owner, t.admin, t.senior, t.senior2].map((m) => m.id).sort();
    expect([...new Set(rows.map((r) => r.recipientId))].sort()).toEqual(reached);
    expect(rows.map(key).sort()).toEqual(reached.flatMap((id) => [`${id}/email`, `${id}/in_app`]).sort());
    expect(await pendingFlag(handoffId)).toBe(false);
  });

  it('are written exactly once when writers race (30 rounds of 6 at once)', async () => {
    const { handoffId } = await escalate('Shared mailbox will not open');
    const expected = (await rowsOf(handoffId)).map(key).sort();
    expect(expected.length).toBeGreaterThan(0);
    for (let round = 0; round < 30; round++) {
      await asIfTheProcessDied(handoffId);
      const counts = await Promise.all(
        Array.from({ length: 6 }, () => writeDeliveries(h.deps, t.accountId, handoffId, new Date())),
      );
      expect(counts.filter((n) => n > 0)).toEqual([expected.length]);
      expect((await rowsOf(handoffId)).map(key).sort()).toEqual(expected);
      expect(await pendingFlag(handoffId)).toBe(false);
    }
  });

  it('are not written for another account’s handoff, nor twice', async () => {
    const { handoffId } = await escalate('Outlook prompts for a password');
    const other = await makeTeam(h, 'Elsewhere Co');
    expect(await writeDeliveries(h.deps, other.accountId, handoffId, new Date())).toBe(0);
    expect(await writeDeliveries(h.deps, t.accountId, handoffId, new Date())).toBe(0);
    expect(await writeDeliveries(h.deps, t.accountId, 'no-such-handoff', new Date())).toBe(0);
  });

  it('are written by the outbox worker, once its grace has passed, when the escalating process died first; the e-mail then goes out', async () => {
    const { handoffId } = await escalate('VPN client cannot reach the gateway');
    const expected = (await rowsOf(handoffId)).map(key).sort();
    await asIfTheProcessDied(handoffId);
    try {
      // Within the grace the request itself would still write them: the worker leaves them alone.
      h.worker!.wake();
      await settle(300);
      expect(await rowsOf(handoffId)).toEqual([]);
      expect(await pendingFlag(handoffId)).toBe(true);

      h.setNow(new Date(Date.now() + DELIVERIES_GRACE_MS + 1_000));
      h.worker!.wake();
      let rows = await rowsOf(handoffId);
      for (let i = 0; i < 200 && rows.length === 0; i++) {
        await settle(25);
        rows = await rowsOf(handoffId);
      }
      expect(rows.map(key).sort()).toEqual(expected);
      expect(await pendingFlag(handoffId)).toBe(false);
      // Nobody here has the app open: the e-mail rows are sent from the local mail outbox.
      for (let i = 0; i < 200; i++) {
        rows = await rowsOf(handoffId);
        if (rows.every((r) => r.channel !== 'email' || r.status !== 'pending')) break;
        await settle(25);
      }
      const emails = rows.filter((r) => r.channel === 'email');
      expect(emails.length).toBe(4);
      expect(emails.every((r) => r.status === 'sent')).toBe(true);
      // A later sweep finds nothing more to write.
      h.worker!.wake();
      await settle(200);
      expect((await rowsOf(handoffId)).length).toBe(expected.length);
    } finally {
      h.setNow(null);
    }
  });
});
