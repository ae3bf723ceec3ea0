/**
 * Who may change whom (probe finding 17): an owner's role and tier are for owners to change; only
 * an owner makes someone an owner; the messages say what was refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeTeam, startApp } from '../../test/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startApp();
});
afterAll(() => h.close());

describe('changing a teammate', () => {
  it("an admin changes neither an owner's tier nor their role, and is told so", async () => {
    const t = await makeTeam(h, 'Roles Co');
    const msg = "Only an owner can change an owner's role or tier";
    const tier = await t.admin.client.patch(`/api/users/${t.owner.id}`, { tier: 1 });
    expect(tier.status).toBe(403);
    expect(tier.body.error).toMatchObject({ code: 'forbidden', message: msg });
    const demote = await t.admin.client.patch(`/api/users/${t.owner.id}`, { role: 'viewer' });
    expect(demote.status).toBe(403);
    expect(demote.body.error.message).toBe(msg);
    // The same answer when nothing would change: an admin learns nothing by probing.
    expect((await t.admin.client.patch(`/api/users/${t.owner.id}`, { tier: 3 })).status).toBe(403);
    const owner = (await t.owner.client.get('/api/users')).body.users.find(
      (u: { id: string }) => u.id === t.owner.id,
    );
    expect(owner).toMatchObject({ role: 'owner', tier: 3 });
  });

  it('only an owner makes someone an owner; admins still manage everyone else', async () => {
    const t = await makeTeam(h, 'Roles Co');
    const promote = await t.admin.client.patch(`/api/users/${t.junior.id}`, { role: 'owner' });
    expect(promote.status).toBe(403);
    expect(promote.body.error.message).toBe('Only an owner can make someone an owner');
    const tier = await t.admin.client.patch(`/api/users/${t.junior.id}`, { tier: 2, role: 'admin' });
    expect(tier.status).toBe(200);
    expect(tier.body.user).toMatchObject({ role: 'admin', tier: 2 });
    // An owner changes another owner's tier and role.
    expect((await t.owner.client.patch(`/api/users/${t.admin.id}`, { role: 'owner' })).status).toBe(200);
    const other = await t.owner.client.patch(`/api/users/${t.admin.id}`, { tier: 1 });
    expect(other.status).toBe(200);
    expect(other.body.user).toMatchObject({ role: 'owner', tier: 1 });
    expect((await t.owner.client.patch(`/api/users/${t.admin.id}`, { role: 'engineer' })).status).toBe(200);
  });
});
