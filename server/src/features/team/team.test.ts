import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeTeam, PASSWORD, startApp, type Team } from '../../test/harness.js';
import { SseReader } from '../../test/sse.js';

let h: Harness;
beforeAll(async () => {
  h = await startApp();
});
afterAll(() => h.close());

async function escalatedAndClaimed(t: Team) {
  const s = await t.junior.client.post('/api/sessions', {
    title: 'VPN drops hourly',
    problem: 'Since Monday',
  });
  const esc = await t.junior.client.post(`/api/sessions/${s.body.session.id}/handoffs`, {
    intent: 'escalate',
    reason: 'Out of ideas',
    urgency: 'normal',
  });
  expect(esc.status).toBe(201);
  expect((await t.senior.client.post(`/api/handoffs/${esc.body.handoff.id}/claim`)).status).toBe(200);
  return { sessionId: s.body.session.id as string, handoffId: esc.body.handoff.id as string };
}

describe('removing a teammate', () => {
  it('signs them out everywhere at once, ends their live stream, and they cannot sign in again', async () => {
    const t = await makeTeam(h, 'Leaver Co');
    const second = h.client();
    expect((await second.post('/api/auth/login', { email: t.senior.email, password: PASSWORD })).status).toBe(
      200,
    );
    const stream = await SseReader.open(h.url, { cookie: t.senior.client.cookie });
    expect(stream.status).toBe(200);
    await stream.ready();
    const { handoffId, sessionId } = await escalatedAndClaimed(t);

    expect((await t.admin.client.del(`/api/users/${t.senior.id}`)).status).toBe(204);

    await stream.until((r) => r.ended, 2_000, 'the stream to end');
    for (const c of [t.senior.client, second]) expect((await c.get('/api/me')).status).toBe(401);
    const again = await h.client().post('/api/auth/login', { email: t.senior.email, password: PASSWORD });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('invalid_credentials');
    // Gone from the team, the escalation targets and the owner count; the escalation they had
    // picked up is back in the queue and the session back with the junior who escalated it.
    const users = (await t.admin.client.get('/api/users')).body.users as { id: string }[];
    expect(users.map((u) => u.id)).not.toContain(t.senior.id);
    const mates = (await t.junior.client.get('/api/teammates')).body.teammates as { id: string }[];
    expect(mates.map((u) => u.id)).not.toContain(t.senior.id);
    const handoff = (await t.admin.client.get(`/api/handoffs/${handoffId}`)).body.handoff;
    expect(handoff).toMatchObject({ status: 'open', claimedBy: null });
    expect(handoff.audit.map((a: { action: string }) => a.action)).toEqual([
      'created',
      'claimed',
      'released',
    ]);
    expect((await t.junior.client.get(`/api/sessions/${sessionId}`)).body.session.owner.id).toBe(t.junior.id);
    // An escalation cannot be sent to them any more.
    const s2 = await t.junior.client.post('/api/sessions', { title: 'Printer', problem: 'Offline' });
    const targeted = await t.junior.client.post(`/api/sessions/${s2.body.session.id}/handoffs`, {
      intent: 'escalate',
      reason: 'x',
      urgency: 'low',
      targetUserId: t.senior.id,
    });
    expect(targeted.status).toBe(400);
  });

  it('keeps the rules: not yourself, an owner only by an owner, admins and owners only; foreign ids are 404', async () => {
    const t = await makeTeam(h, 'Rules Co');
    const other = await makeTeam(h, 'Other Co');
    expect((await t.admin.client.del(`/api/users/${t.admin.id}`)).status).toBe(403);
    expect((await t.admin.client.del(`/api/users/${t.owner.id}`)).status).toBe(403);
    expect((await t.senior.client.del(`/api/users/${t.junior.id}`)).status).toBe(403);
    expect((await t.viewer.client.del(`/api/users/${t.junior.id}`)).status).toBe(403);
    expect((await t.admin.client.del(`/api/users/${other.junior.id}`)).status).toBe(404);
    expect((await t.admin.client.del('/api/users/not-an-id')).status).toBe(404);
    expect((await other.junior.client.get('/api/me')).status).toBe(200);
    // The owner may remove the admin; removing twice is a 404 (there is no such teammate any more).
    expect((await t.owner.client.del(`/api/users/${t.admin.id}`)).status).toBe(204);
    expect((await t.owner.client.del(`/api/users/${t.admin.id}`)).status).toBe(404);
  });

  it('two admins removing each other at once: exactly one of them stays', async () => {
    for (let round = 0; round < 5; round++) {
      const t = await makeTeam(h, `Race Co ${round}`);
      // Make the senior an admin too.
      expect((await t.owner.client.patch(`/api/users/${t.senior.id}`, { role: 'admin' })).status).toBe(200);
      const [a, b] = await Promise.all([
        t.admin.client.del(`/api/users/${t.senior.id}`),
        t.senior.client.del(`/api/users/${t.admin.id}`),
      ]);
      expect([a.status, b.status].sort()).toEqual([204, 401].sort());
    }
  });
});

describe('revoking an invitation', () => {
  it('withdraws the link: lookup and accept refuse it, the pending list drops it; an accepted one cannot be revoked', async () => {
    const t = await makeTeam(h, 'Invite Co');
    const inv = await t.admin.client.post('/api/invitations', {
      email: 'new.hire@invite.test',
      role: 'engineer',
      tier: 1,
    });
    expect(inv.status).toBe(201);
    const token = new URL(inv.body.acceptUrl, 'http://x').pathname.split('/').pop()!;
    expect((await t.admin.client.del(`/api/invitations/${inv.body.invitation.id}`)).status).toBe(204);
    expect((await t.admin.client.del(`/api/invitations/${inv.body.invitation.id}`)).status).toBe(204);
    expect((await t.admin.client.get('/api/invitations')).body.invitations).toEqual([]);
    const lookup = await h.client().get(`/api/invitations/${token}`);
    expect(lookup.status).toBe(410);
    expect(lookup.body.error.code).toBe('invitation_revoked');
    const accept = await h
      .client()
      .post(`/api/invitations/${token}/accept`, { name: 'New Hire', password: 'a-long-new-pass-9' });
    expect(accept.status).toBe(410);

    const used = await t.admin.client.post('/api/invitations', {
      email: 'taken.up@invite.test',
      role: 'viewer',
      tier: 1,
    });
    const usedToken = new URL(used.body.acceptUrl, 'http://x').pathname.split('/').pop()!;
    expect(
      (
        await h
          .client()
          .post(`/api/invitations/${usedToken}/accept`, { name: 'Took It', password: 'a-long-new-pass-9' })
      ).status,
    ).toBe(201);
    const late = await t.admin.client.del(`/api/invitations/${used.body.invitation.id}`);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('invitation_used');
    const other = await makeTeam(h, 'Other Invite Co');
    expect((await other.admin.client.del(`/api/invitations/${inv.body.invitation.id}`)).status).toBe(404);
    expect((await t.senior.client.del(`/api/invitations/${inv.body.invitation.id}`)).status).toBe(403);
  });
});

describe('revoking and accepting one invitation at once', () => {
  it('exactly one of them wins, every time', async () => {
    const t = await makeTeam(h, 'Race Invite Co');
    for (let round = 0; round < 10; round++) {
      const inv = await t.admin.client.post('/api/invitations', {
        email: `race-${round}-${Date.now()}@invite.test`,
        role: 'viewer',
        tier: 1,
      });
      const token = new URL(inv.body.acceptUrl, 'http://x').pathname.split('/').pop()!;
      const [revoke, accept] = await Promise.all([
        t.admin.client.del(`/api/invitations/${inv.body.invitation.id}`),
        h.client().post(`/api/invitations/${token}/accept`, { name: 'Racer', password: 'a-long-new-pass-9' }),
      ]);
      const outcome = `${revoke.status}/${accept.status}`;
      expect(['204/410', '409/201'], outcome).toContain(outcome);
      const pending = (await t.admin.client.get('/api/invitations')).body.invitations as { id: string }[];
      expect(pending.map((i) => i.id)).not.toContain(inv.body.invitation.id);
    }
  });
});

describe("changing one's password", () => {
  it('needs the current one, ends the other sign-ins and keeps this one; the new one signs in', async () => {
    const t = await makeTeam(h, 'Password Co');
    const other = h.client();
    expect((await other.post('/api/auth/login', { email: t.junior.email, password: PASSWORD })).status).toBe(
      200,
    );
    const wrong = await t.junior.client.post('/api/me/password', {
      currentPassword: 'not-it',
      newPassword: 'brand-new-pass-42',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.field).toBe('currentPassword');
    const weak = await t.junior.client.post('/api/me/password', {
      currentPassword: PASSWORD,
      newPassword: '12345678',
    });
    expect(weak.status).toBe(400);
    expect(weak.body.error.field).toBe('newPassword');
    const ok = await t.junior.client.post('/api/me/password', {
      currentPassword: PASSWORD,
      newPassword: 'brand-new-pass-42',
    });
    expect(ok.status).toBe(204);
    expect((await t.junior.client.get('/api/me')).status).toBe(200);
    expect((await other.get('/api/me')).status).toBe(401);
    expect(
      (await h.client().post('/api/auth/login', { email: t.junior.email, password: PASSWORD })).status,
    ).toBe(401);
    expect(
      (await h.client().post('/api/auth/login', { email: t.junior.email, password: 'brand-new-pass-42' }))
        .status,
    ).toBe(200);
    expect(
      (await h.client().post('/api/me/password', { currentPassword: 'x', newPassword: 'brand-new-pass-43' }))
        .status,
    ).toBe(401);
  });
});

describe('inviting a removed teammate back, and one live invitation per address', () => {
  it('brings the same person back (their history stays theirs) with the new role; only this team may', async () => {
    const t = await makeTeam(h, 'Returners Co');
    const other = await makeTeam(h, 'Elsewhere Co');
    const s = await t.junior.client.post('/api/sessions', { title: 'Returner history', problem: 'Kept' });
    expect(s.status).toBe(201);
    expect((await t.admin.client.del(`/api/users/${t.junior.id}`)).status).toBe(204);

    // Another team cannot take the address; this one can invite them back.
    const foreign = await other.admin.client.post('/api/invitations', {
      email: t.junior.email,
      role: 'viewer',
      tier: 1,
    });
    expect(foreign.status).toBe(409);
    const back = await t.admin.client.post('/api/invitations', {
      email: t.junior.email,
      role: 'viewer',
      tier: 2,
    });
    expect(back.status, JSON.stringify(back.body)).toBe(201);
    const joined = await h.client().post(`/api/invitations/${back.body.token}/accept`, {
      name: 'Jo Returner',
      password: 'back again, long enough',
    });
    expect(joined.status, JSON.stringify(joined.body)).toBe(201);
    expect(joined.body.user).toMatchObject({ id: t.junior.id, name: 'Jo Returner', role: 'viewer', tier: 2 });
    // The old password stays dead; the new one signs in; their session is still theirs.
    expect(
      (await h.client().post('/api/auth/login', { email: t.junior.email, password: PASSWORD })).status,
    ).toBe(401);
    const again = h.client();
    expect(
      (await again.post('/api/auth/login', { email: t.junior.email, password: 'back again, long enough' }))
        .status,
    ).toBe(200);
    const session = (await again.get(`/api/sessions/${s.body.session.id}`)).body.session;
    expect(session.owner).toMatchObject({ id: t.junior.id, name: 'Jo Returner' });
    const users = (await t.admin.client.get('/api/users')).body.users as { id: string }[];
    expect(users.filter((u) => u.id === t.junior.id)).toHaveLength(1);
    // An active teammate's address is still taken.
    expect(
      (await t.admin.client.post('/api/invitations', { email: t.senior.email, role: 'viewer', tier: 1 }))
        .status,
    ).toBe(409);
  });

  it('two invitations to one address made at once leave exactly one pending (ten rounds)', async () => {
    const t = await makeTeam(h, 'Race Invite Co');
    for (let round = 0; round < 10; round++) {
      const email = `race-${round}-${Date.now().toString(36)}@example.test`;
      const made = await Promise.all(
        [t.admin, t.owner].map((by) =>
          by.client.post('/api/invitations', { email, role: 'viewer', tier: 1 }),
        ),
      );
      expect(made.map((r) => r.status)).toEqual([201, 201]);
      const pending = (await t.admin.client.get('/api/invitations')).body.invitations as { email: string }[];
      expect(pending.filter((i) => i.email === email)).toHaveLength(1);
    }
  });

  it('a new invitation to the same address replaces the pending one, whose link then answers 410', async () => {
    const t = await makeTeam(h, 'Resend Co');
    const email = `twice-${Date.now().toString(36)}@example.test`;
    const first = await t.admin.client.post('/api/invitations', { email, role: 'viewer', tier: 1 });
    const second = await t.admin.client.post('/api/invitations', { email, role: 'engineer', tier: 2 });
    expect([first.status, second.status]).toEqual([201, 201]);
    const pending = (await t.admin.client.get('/api/invitations')).body.invitations as {
      email: string;
      role: string;
    }[];
    expect(pending.filter((i) => i.email === email)).toEqual([expect.objectContaining({ role: 'engineer' })]);
    expect((await h.client().get(`/api/invitations/${first.body.token}`)).status).toBe(410);
    const accepted = await h.client().post(`/api/invitations/${second.body.token}/accept`, {
      name: 'Twice Invited',
      password: 'long enough passphrase',
    });
    expect(accepted.status).toBe(201);
    expect(accepted.body.user).toMatchObject({ role: 'engineer', tier: 2 });
  });
});
