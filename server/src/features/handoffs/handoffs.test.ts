import { ZHandoff, ZHandoffWithContext, ZNotificationsResponse } from '@rf/contracts';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUniqueViolation } from '../../db/errors.js';
import { events } from '../../db/schema.js';
import { backend } from '../../test/db.js';
import { type Harness, makeTeam, startApp, type Team } from '../../test/harness.js';
import * as repo from './repo.js';

let h: Harness;
let t: Team;
beforeAll(async () => {
  h = await startApp();
  t = await makeTeam(h, 'Handoff Co');
});
afterAll(() => h.close());

async function sessionWithSteps(team: Team = t, who = team.junior) {
  const s = await who.client.post('/api/sessions', {
    title: 'Outlook asks for password repeatedly',
    problem: 'Outlook keeps prompting for credentials every few minutes; webmail works.',
    customer: 'Contoso Dental',
    asset: 'FRONTDESK-02',
  });
  expect(s.status).toBe(201);
  const id = s.body.session.id as string;
  await who.client.post(`/api/sessions/${id}/steps`, {
    action: 'Signed in to Outlook on the web',
    outcome: 'worked',
  });
  await who.client.post(`/api/sessions/${id}/steps`, {
    action: 'Cleared Credential Manager entries',
    outcome: 'failed',
    detail: 'prompt came back',
  });
  await who.client.post(`/api/sessions/${id}/notes`, { text: 'Started after Tuesday update' });
  return id;
}

const escalate = (c: Team['junior']['client'], sessionId: string, extra: object = {}) =>
  c.post(`/api/sessions/${sessionId}/handoffs`, {
    intent: 'escalate',
    reason: 'Out of ideas on the auth prompt',
    urgency: 'high',
    ...extra,
  });

describe('the whole flow through HTTP', () => {
  it('escalate → queue → claim → first action → resolved', async () => {
    const sessionId = await sessionWithSteps();
    const escalatedAt = new Date();
    h.setNow(escalatedAt);
    const created = await escalate(t.junior.client, sessionId);
    h.setNow(null);
    expect(created.status).toBe(201);
    const handoff = ZHandoffWithContext.parse(created.body.handoff);
    expect(handoff).toMatchObject({
      sessionId,
      intent: 'escalate',
      status: 'open',
      urgency: 'high',
      claimedBy: null,
      firstActionAt: null,
    });
    expect(handoff.createdBy).toEqual({ id: t.junior.id, name: t.junior.name });
    // The snapshot: problem summary, what's been tried (newest last), assessment, start here.
    expect(handoff.context.problemSummary).toMatchObject({
      title: 'Outlook asks for password repeatedly',
      customer: 'Contoso Dental',
      asset: 'FRONTDESK-02',
      urgency: 'high',
      reason: 'Out of ideas on the auth prompt',
    });
    expect(handoff.context.tried.map((x) => [x.kind, x.text, x.outcome])).toEqual([
      ['step', 'Signed in to Outlook on the web', 'worked'],
      ['step', 'Cleared Credential Manager entries', 'failed'],
      ['note', 'Started after Tuesday update', null],
    ]);
    expect(handoff.context.assessment.engine).toBe('builtin');
    expect(handoff.context.assessment.likelyCauses.length).toBeGreaterThan(0);
    // Start here is a next step, never one already tried.
    const triedSteps = handoff.context.tried
      .filter((x) => x.kind === 'step')
      .map((x) => x.text.toLowerCase());
    expect(triedSteps).not.toContain(handoff.context.startHere.action.toLowerCase());
    // The built-in assessment is deterministic: the same session escalated again assesses the same.
    const twin = await escalate(t.junior.client, await sessionWithSteps());
    expect(twin.body.handoff.context.assessment).toEqual(handoff.context.assessment);
    expect(twin.body.handoff.context.startHere).toEqual(handoff.context.startHere);
    expect(handoff.audit.map((a) => a.action)).toEqual(['created']);

    // The session shows the escalation.
    const s = await t.junior.client.get(`/api/sessions/${sessionId}`);
    expect(s.body.session.status).toBe('escalated');
    expect(s.body.session.activeHandoffId).toBe(handoff.id);

    // Notifications were queued in the same transaction: never to the escalator.
    const notes = ZNotificationsResponse.parse(
      (await t.admin.client.get(`/api/handoffs/${handoff.id}/notifications`)).body,
    );
    const recipients = new Set(notes.notifications.map((n) => n.recipientId));
    expect(recipients.has(t.junior.id)).toBe(false);
    expect(recipients.has(t.viewer.id)).toBe(false);
    expect(recipients).toEqual(new Set([t.owner.id, t.admin.id, t.senior.id, t.senior2.id]));
    expect(
      notes.notifications.filter((n) => n.channel === 'email').every((n) => n.status === 'pending'),
    ).toBe(true);

    // The queue, as a viewer sees it 90 seconds later: the card has been waiting 90 s.
    h.setNow(new Date(escalatedAt.getTime() + 90_000));
    const queue = await t.viewer.client.get('/api/handoffs?status=open');
    h.setNow(null);
    expect(queue.status).toBe(200);
    const card = queue.body.handoffs.find((x: { id: string }) => x.id === handoff.id);
    expect(ZHandoff.parse(card).waitingSeconds).toBe(90);

    // Pick up.
    const claimed = await t.senior.client.post(`/api/handoffs/${handoff.id}/claim`);
    expect(claimed.status).toBe(200);
    expect(claimed.body.handoff).toMatchObject({
      status: 'claimed',
      claimedBy: { id: t.senior.id, name: t.senior.name },
    });
    expect(claimed.body.handoff.claimedAt).toBeTruthy();
    // The claimer now owns the session.
    expect((await t.senior.client.get(`/api/sessions/${sessionId}`)).body.session.owner.id).toBe(t.senior.id);
    // The escalator no longer may write to it.
    expect((await t.junior.client.post(`/api/sessions/${sessionId}/notes`, { text: 'hi' })).status).toBe(403);

    // First action: stamped once, by the claimer.
    await t.senior.client.post(`/api/sessions/${sessionId}/steps`, {
      action: 'Checked modern auth registry keys',
      outcome: 'info',
    });
    const after1 = (await t.senior.client.get(`/api/handoffs/${handoff.id}`)).body.handoff;
    expect(after1.firstActionAt).toBeTruthy();
    await new Promise((r) => setTimeout(r, 20));
    await t.senior.client.post(`/api/sessions/${sessionId}/notes`, { text: 'second action' });
    const after2 = (await t.senior.client.get(`/api/handoffs/${handoff.id}`)).body.handoff;
    expect(after2.firstActionAt).toBe(after1.firstActionAt);
    expect(after2.audit.map((a: { action: string }) => a.action)).toEqual([
      'created',
      'claimed',
      'first_action',
    ]);

    // The snapshot is immutable: later steps do not change it.
    expect(after2.context).toEqual(handoff.context);

    // Resolve closes the handoff.
    expect(
      (
        await t.senior.client.post(`/api/sessions/${sessionId}/resolve`, {
          resolution: 'Reset the Outlook profile',
        })
      ).status,
    ).toBe(200);
    const done = (await t.senior.client.get(`/api/handoffs/${handoff.id}`)).body.handoff;
    expect(done.status).toBe('resolved');

    // Events were recorded for the live stream, in order (the account's seq is that order; rows
    // come back in no particular order without it).
    const rows = await h.db.db
      .select()
      .from(events)
      .where(eq(events.accountId, t.accountId))
      .orderBy(asc(events.seq));
    const types = rows
      .filter((r) => (r.payload as { handoff?: { id: string } }).handoff?.id === handoff.id)
      .map((r) => r.type);
    expect(types).toEqual(['handoff.created', 'handoff.claimed', 'handoff.first_action', 'handoff.resolved']);
  });

  it('an admin may write to the session but does not stamp the first action; only the claimer does', async () => {
    const sessionId = await sessionWithSteps();
    const { body } = await escalate(t.junior.client, sessionId);
    await t.senior2.client.post(`/api/handoffs/${body.handoff.id}/claim`);
    expect(
      (await t.admin.client.post(`/api/sessions/${sessionId}/notes`, { text: 'admin looked' })).status,
    ).toBe(201);
    expect(
      (await t.admin.client.get(`/api/handoffs/${body.handoff.id}`)).body.handoff.firstActionAt,
    ).toBeNull();
    await t.senior2.client.post(`/api/sessions/${sessionId}/assistant/messages`, {
      text: 'what is ruled out?',
    });
    expect(
      (await t.admin.client.get(`/api/handoffs/${body.handoff.id}`)).body.handoff.firstActionAt,
    ).toBeTruthy();
  });
});

describe('the escalate answer', () => {
  it('is the handoff exactly as GET /api/handoffs/{id} then shows it to the escalator (built from what was written, not read back)', async () => {
    const cases: object[] = [{}, { targetTier: 2 }, { targetUserId: t.senior.id, urgency: 'low' }];
    for (const extra of cases) {
      const sessionId = await sessionWithSteps();
      h.setNow(new Date());
      try {
        const created = await escalate(t.junior.client, sessionId, extra);
        expect(created.status).toBe(201);
        const read = await t.junior.client.get(`/api/handoffs/${created.body.handoff.id}`);
        expect(read.status).toBe(200);
        expect(created.body.handoff).toEqual(read.body.handoff);
        expect(created.body.handoff.audit).toHaveLength(1);
      } finally {
        h.setNow(null);
      }
    }
  });
});

describe('what the assistant suggested, and whether it was followed', () => {
  it('marks a step logged from a suggestion ("I did this") as followed, and lists no chat reply as a suggestion', async () => {
    const sessionId = await sessionWithSteps();
    const offered = await t.junior.client.get(`/api/sessions/${sessionId}/suggestions`);
    const first = offered.body.suggestions[0].action as string;
    const chat = await t.junior.client.post(`/api/sessions/${sessionId}/assistant/messages`, {
      text: 'What should I try next?',
    });
    expect(chat.status).toBe(201);
    await t.junior.client.post(`/api/sessions/${sessionId}/steps`, { action: first, outcome: 'failed' });
    // What the panel offers only once a step is logged, then done: no longer suggested when the
    // escalation is made, and not necessarily before the first step; the step recorded it (decision 033).
    const then = await t.junior.client.get(`/api/sessions/${sessionId}/suggestions`);
    const second = then.body.suggestions[0].action as string;
    expect(second).not.toBe(first);
    await t.junior.client.post(`/api/sessions/${sessionId}/steps`, { action: second, outcome: 'failed' });
    await t.junior.client.post(`/api/sessions/${sessionId}/steps`, {
      action: 'Asked the user to reboot the laptop',
      outcome: 'info',
    });
    const { body } = await escalate(t.junior.client, sessionId);
    const tried = body.handoff.context.tried as { kind: string; text: string; followed?: boolean }[];
    expect(tried.filter((x) => x.kind === 'suggestion')).toEqual([]);
    expect(tried.find((x) => x.text === first)).toMatchObject({ kind: 'step', followed: true });
    expect(tried.find((x) => x.text === second)).toMatchObject({ kind: 'step', followed: true });
    expect(tried.find((x) => x.text === 'Asked the user to reboot the laptop')?.followed).toBeUndefined();
    expect(tried.filter((x) => x.followed)).toHaveLength(2);
  });
});

describe('rules', () => {
  it('a second escalation of the same session is a 409', async () => {
    const sessionId = await sessionWithSteps();
    expect((await escalate(t.junior.client, sessionId)).status).toBe(201);
    const again = await escalate(t.junior.client, sessionId);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_escalated');
  });

  it('the escalator cannot claim their own escalation (409); a viewer cannot claim (403)', async () => {
    const sessionId = await sessionWithSteps();
    const { body } = await escalate(t.junior.client, sessionId);
    const self = await t.junior.client.post(`/api/handoffs/${body.handoff.id}/claim`);
    expect(self.status).toBe(409);
    expect(self.body.error.code).toBe('own_escalation');
    expect((await t.viewer.client.post(`/api/handoffs/${body.handoff.id}/claim`)).status).toBe(403);
    expect((await t.viewer.client.get(`/api/handoffs/${body.handoff.id}`)).body.handoff.status).toBe('open');
  });

  it('a loser of the claim gets 409 with who took it', async () => {
    const sessionId = await sessionWithSteps();
    const { body } = await escalate(t.junior.client, sessionId);
    expect((await t.senior.client.post(`/api/handoffs/${body.handoff.id}/claim`)).status).toBe(200);
    const lost = await t.senior2.client.post(`/api/handoffs/${body.handoff.id}/claim`);
    expect(lost.status).toBe(409);
    expect(lost.body.error.code).toBe('already_claimed');
    expect(lost.body.claimedBy).toEqual({ id: t.senior.id, name: t.senior.name });
  });

  it('release: claimer or admin only; back to open and the escalator owns the session again', async () => {
    const sessionId = await sessionWithSteps();
    const { body } = await escalate(t.junior.client, sessionId);
    const id = body.handoff.id;
    expect((await t.senior.client.post(`/api/handoffs/${id}/release`)).status).toBe(409); // not claimed yet
    await t.senior.client.post(`/api/handoffs/${id}/claim`);
    expect((await t.senior2.client.post(`/api/handoffs/${id}/release`)).status).toBe(403);
    expect((await t.junior.client.post(`/api/handoffs/${id}/release`)).status).toBe(403);
    const released = await t.senior.client.post(`/api/handoffs/${id}/release`);
    expect(released.status).toBe(200);
    expect(released.body.handoff).toMatchObject({ status: 'open', claimedBy: null, claimedAt: null });
    expect((await t.junior.client.get(`/api/sessions/${sessionId}`)).body.session.owner.id).toBe(t.junior.id);
    // An admin may release someone else's claim.
    await t.senior2.client.post(`/api/handoffs/${id}/claim`);
    expect((await t.admin.client.post(`/api/handoffs/${id}/release`)).status).toBe(200);
    const audit = (await t.admin.client.get(`/api/handoffs/${id}`)).body.handoff.audit.map(
      (a: { action: string }) => a.action,
    );
    expect(audit).toEqual(['created', 'claimed', 'released', 'claimed', 'released']);
  });

  it('release gives the session back to whoever owned it when it was escalated, not to an admin who escalated it for them', async () => {
    const sessionId = await sessionWithSteps();
    const { body } = await escalate(t.admin.client, sessionId); // on the junior's behalf
    expect(body.handoff.createdBy.id).toBe(t.admin.id);
    const id = body.handoff.id;
    for (let round = 0; round < 2; round++) {
      expect((await t.senior.client.post(`/api/handoffs/${id}/claim`)).status).toBe(200);
      expect((await t.junior.client.get(`/api/sessions/${sessionId}`)).body.session.owner.id).toBe(
        t.senior.id,
      );
      expect((await t.senior.client.post(`/api/handoffs/${id}/release`)).status).toBe(200);
      const s = (await t.junior.client.get(`/api/sessions/${sessionId}`)).body.session;
      expect(s.owner.id).toBe(t.junior.id);
      // The technician can write to their own session again.
      expect(s.can.write).toBe(true);
      const step = await t.junior.client.post(`/api/sessions/${sessionId}/steps`, {
        action: `Checked the event log again (${round})`,
        outcome: 'info',
      });
      expect(step.status).toBe(201);
    }
  });

  it('cancel: escalator or admin, only while open', async () => {
    const sessionId = await sessionWithSteps();
    const { body } = await escalate(t.junior.client, sessionId);
    const id = body.handoff.id;
    expect((await t.senior.client.post(`/api/handoffs/${id}/cancel`)).status).toBe(403);
    const cancelled = await t.junior.client.post(`/api/handoffs/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.handoff.status).toBe('cancelled');
    expect((await t.junior.client.post(`/api/handoffs/${id}/cancel`)).status).toBe(409);
    expect((await t.senior.client.post(`/api/handoffs/${id}/claim`)).status).toBe(409);
    // The session can be escalated again.
    expect((await escalate(t.junior.client, sessionId)).status).toBe(201);
    const second = (await t.junior.client.get(`/api/sessions/${sessionId}`)).body.session.activeHandoffId;
    await t.senior.client.post(`/api/handoffs/${second}/claim`);
    expect((await t.admin.client.post(`/api/handoffs/${second}/cancel`)).status).toBe(409); // claimed: release first
  });

  it('targets: a tier notifies that tier and up; a named teammate only them; email off is skipped', async () => {
    const team = await makeTeam(h, 'Target Co');
    await team.senior2.client.put('/api/me/notification-preferences', { email: false });
    const s1 = await sessionWithSteps(team);
    const tier3 = await escalate(team.junior.client, s1, { targetTier: 3 });
    expect(tier3.body.handoff.targetTier).toBe(3);
    const n1 = (await team.admin.client.get(`/api/handoffs/${tier3.body.handoff.id}/notifications`)).body
      .notifications;
    expect(new Set(n1.map((n: { recipientId: string }) => n.recipientId))).toEqual(
      new Set([team.owner.id, team.admin.id, team.senior2.id]),
    );
    const skipped = n1.find(
      (n: { recipientId: string; channel: string }) =>
        n.recipientId === team.senior2.id && n.channel === 'email',
    );
    expect(skipped.status).toBe('skipped');

    const s2 = await sessionWithSteps(team);
    const named = await escalate(team.junior.client, s2, { targetUserId: team.senior.id });
    expect(named.status).toBe(201);
    const n2 = (await team.admin.client.get(`/api/handoffs/${named.body.handoff.id}/notifications`)).body
      .notifications;
    expect(n2.map((n: { recipientId: string }) => n.recipientId)).toEqual([team.senior.id, team.senior.id]);

    const s3 = await sessionWithSteps(team);
    const viewerTarget = await escalate(team.junior.client, s3, { targetUserId: team.viewer.id });
    expect(viewerTarget.status).toBe(400);
    expect(viewerTarget.body.error.field).toBe('targetUserId');
    const foreign = await escalate(team.junior.client, s3, { targetUserId: t.senior.id });
    expect(foreign.status).toBe(400);
    const both = await escalate(team.junior.client, s3, { targetUserId: team.senior.id, targetTier: 2 });
    expect(both.status).toBe(400);
  });

  it('only the session owner or an admin may escalate; a resolved session cannot be', async () => {
    const sessionId = await sessionWithSteps();
    expect((await escalate(t.senior.client, sessionId)).status).toBe(403);
    expect((await escalate(t.viewer.client, sessionId)).status).toBe(403);
    await t.junior.client.post(`/api/sessions/${sessionId}/resolve`, { resolution: 'fixed it myself' });
    const res = await escalate(t.junior.client, sessionId);
    expect(res.status).toBe(409);
  });

  it('the queue is oldest first and filters by status', async () => {
    const team = await makeTeam(h, 'Queue Co');
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await sessionWithSteps(team);
      made.push((await escalate(team.junior.client, s)).body.handoff.id);
    }
    await team.senior.client.post(`/api/handoffs/${made[1]}/claim`);
    const open = (await team.viewer.client.get('/api/handoffs?status=open')).body.handoffs.map(
      (x: { id: string }) => x.id,
    );
    expect(open).toEqual([made[0], made[2]]);
    const all = (await team.viewer.client.get('/api/handoffs?status=open,claimed')).body.handoffs.map(
      (x: { id: string }) => x.id,
    );
    expect(all).toEqual(made);
  });
});

describe('concurrency', () => {
  it.skipIf(backend !== 'postgres')(
    '50 simultaneous claims by different users: exactly one winner (PostgreSQL)',
    async () => {
      const team = await makeTeam(h, 'Race Co');
      const sessionId = await sessionWithSteps(team);
      const { body } = await escalate(team.junior.client, sessionId);
      // 50 distinct engineers, each signed in.
      const { hashPassword } = await import('../auth/password.js');
      const { insertUser } = await import('../auth/repo.js');
      const hash = await hashPassword('race-password-1');
      const clients = [];
      for (let i = 0; i < 50; i++) {
        const email = `racer${i}.${Date.now()}@example.test`;
        const u = await insertUser(h.db.db, {
          id: crypto.randomUUID(),
          accountId: team.accountId,
          name: `Racer ${i}`,
          email,
          passwordHash: hash,
          role: 'engineer',
          tier: 2,
        });
        const c = h.client();
        await c.post('/api/auth/login', { email, password: 'race-password-1' });
        clients.push({ c, id: u.id });
      }
      const results = await Promise.all(
        clients.map(({ c }) => c.post(`/api/handoffs/${body.handoff.id}/claim`)),
      );
      const winners = results.filter((r) => r.status === 200);
      const losers = results.filter((r) => r.status === 409);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(49);
      const winner = winners[0]!.body.handoff.claimedBy;
      for (const l of losers) expect(l.body.claimedBy).toEqual(winner);
      const audit = (await team.admin.client.get(`/api/handoffs/${body.handoff.id}`)).body.handoff.audit;
      expect(audit.filter((a: { action: string }) => a.action === 'claimed')).toHaveLength(1);
    },
  );

  // Only PostgreSQL runs the requests at once (PGlite queues them, which the sequential 409 test
  // above already covers). They serialise on the session row lock, so the one-active-handoff
  // unique index is the backstop, tested directly below on both backends.
  it.skipIf(backend !== 'postgres')(
    'concurrent escalations of one session: exactly one is created',
    async () => {
      const sessionId = await sessionWithSteps();
      const results = await Promise.all(
        Array.from({ length: 8 }, () => escalate(t.junior.client, sessionId)),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      expect(results.filter((r) => r.status === 409)).toHaveLength(7);
    },
  );

  it('the database keeps one open or claimed handoff per session, whatever the code does', async () => {
    const sessionId = await sessionWithSteps();
    const { body } = await escalate(t.junior.client, sessionId);
    const row = (status: 'open' | 'claimed' | 'cancelled') => ({
      id: crypto.randomUUID(),
      accountId: t.accountId,
      sessionId,
      intent: 'escalate' as const,
      status,
      reason: 'behind the service’s back',
      urgency: 'low' as const,
      createdById: t.junior.id,
      context: {},
    });
    await expect(repo.insertHandoff(h.db.db, row('open'))).rejects.toSatisfy(isUniqueViolation);
    await t.senior.client.post(`/api/handoffs/${body.handoff.id}/claim`);
    await expect(repo.insertHandoff(h.db.db, row('claimed'))).rejects.toSatisfy(isUniqueViolation);
    // Closed handoffs do not count.
    expect((await repo.insertHandoff(h.db.db, row('cancelled'))).status).toBe('cancelled');
  });
});
