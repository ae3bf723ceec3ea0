import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeTeam, startApp, type Team } from '../../test/harness.js';

// An invitation carries its sender's right to grant a role. Whoever holds the token (the invitee,
// or anyone who read the link somewhere) gets that role only while the sender may still grant it.

let h: Harness;

beforeAll(async () => {
  h = await startApp();
});
afterAll(() => h.close());

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** A team whose admin is, for now, a second owner. */
async function twoOwners(): Promise<Team> {
  const team = await makeTeam(h);
  expect((await team.owner.client.patch(`/api/users/${team.admin.id}`, { role: 'owner' })).status).toBe(200);
  return team;
}

async function invite(team: Team, role: string, tier = 2) {
  const res = await team.admin.client.post('/api/invitations', {
    email: `inv-${unique()}@example.test`,
    role,
    tier,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.token as string;
}

const accept = (token: string) =>
  h.client().post(`/api/invitations/${token}/accept`, { name: 'Holder', password: 'longenough1' });

describe('an invitation is accepted only for a role its sender may still grant', () => {
  it('an owner invitation from an owner who was since made admin is refused (410), on lookup and on accept', async () => {
    const team = await twoOwners();
    const token = await invite(team, 'owner', 3);
    expect((await team.owner.client.patch(`/api/users/${team.admin.id}`, { role: 'admin' })).status).toBe(
      200,
    );

    const look = await h.client().get(`/api/invitations/${token}`);
    expect(look.status).toBe(410);
    expect(look.body.error).toEqual({
      code: 'invitation_revoked',
      message:
        'This invitation is no longer valid: the person who sent it can no longer grant the owner role. Ask an owner for a new one.',
    });
    const res = await accept(token);
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('invitation_revoked');
    const users = (await team.owner.client.get('/api/users')).body.users as { role: string }[];
    expect(users.filter((u) => u.role === 'owner')).toHaveLength(1);
  });

  it('the same demoted sender’s engineer invitation still works: an admin may grant that', async () => {
    const team = await twoOwners();
    const token = await invite(team, 'engineer');
    await team.owner.client.patch(`/api/users/${team.admin.id}`, { role: 'admin' });
    const res = await accept(token);
    expect(res.status).toBe(201);
    expect(res.body.user.role).toBe('engineer');
  });

  it('an admin invitation from an admin who was since made engineer is refused', async () => {
    const team = await makeTeam(h);
    const token = await invite(team, 'admin', 3);
    await team.owner.client.patch(`/api/users/${team.admin.id}`, { role: 'engineer' });
    const res = await accept(token);
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('invitation_revoked');
    // Made admin again, the sender's invitation holds again (nothing was consumed).
    await team.owner.client.patch(`/api/users/${team.admin.id}`, { role: 'admin' });
    expect((await accept(token)).status).toBe(201);
  });

  it('an owner invitation accepted while its sender is still an owner makes an owner', async () => {
    const team = await twoOwners();
    const token = await invite(team, 'owner', 3);
    const res = await accept(token);
    expect(res.status).toBe(201);
    expect(res.body.user.role).toBe('owner');
  });
});
