import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openPglite } from '../../db/client.js';
import { backend } from '../../test/db.js';
import { type Harness, makeTeam, PASSWORD, startApp, type Team } from '../../test/harness.js';

let h: Harness;
let team: Team;
beforeAll(async () => {
  h = await startApp();
  team = await makeTeam(h);
});
afterAll(() => h.close());

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

describe('signup, login, logout', () => {
  it('signup creates an account whose caller is its owner, and signs in', async () => {
    const c = h.client();
    const email = `New.Owner.${unique()}@Example.test`;
    const res = await c.post('/api/auth/signup', {
      accountName: 'Blue Fin IT',
      name: 'Nia Owner',
      email,
      password: 'longenough1',
    });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ name: 'Nia Owner', email: email.toLowerCase(), role: 'owner' });
    expect(res.body.account.name).toBe('Blue Fin IT');
    const cookie = res.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const me = await c.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ user: res.body.user, account: res.body.account });
  });

  it('the cookie is Secure when PUBLIC_URL is https', async () => {
    const secure = await startApp({ env: { PUBLIC_URL: 'https://rf.example.com' } });
    try {
      const res = await secure.client().post('/api/auth/signup', {
        accountName: 'Sec Co',
        name: 'Sy',
        email: `sec-${unique()}@example.test`,
        password: 'longenough1',
      });
      expect(res.status).toBe(201);
      expect(res.headers.getSetCookie()[0]).toMatch(/;\s*Secure/i);
    } finally {
      await secure.close();
    }
    const plain = await h.client().post('/api/auth/signup', {
      accountName: 'Plain Co',
      name: 'Pl',
      email: `plain-${unique()}@example.test`,
      password: 'longenough1',
    });
    expect(plain.headers.getSetCookie()[0]).not.toMatch(/;\s*Secure/i);
  });

  it('a second signup with the same email (any case) is a 409 naming the field', async () => {
    const res = await h.client().post('/api/auth/signup', {
      accountName: 'X',
      name: 'Y',
      email: team.junior.email.toUpperCase(),
      password: 'longenough1',
    });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'email_taken', field: 'email' });
  });

  it('simultaneous sign-ups with one email: one account, the others 409 (never a 5xx)', async () => {
    const email = `race-${unique()}@example.test`;
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        h
          .client()
          .post('/api/auth/signup', { accountName: `Race ${i}`, name: 'R', email, password: 'longenough1' }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'email_taken')).toBe(
      true,
    );
    expect(results.filter((r) => r.status === 409)).toHaveLength(5);
  });

  it('rejects short passwords and bad emails with the field named', async () => {
    const short = await h.client().post('/api/auth/signup', {
      accountName: 'X',
      name: 'Y',
      email: `a${unique()}@b.test`,
      password: 'short',
    });
    expect(short.status).toBe(400);
    expect(short.body.error.field).toBe('password');
    expect(short.body.error.message).toMatch(/8 characters/);
    const email = await h.client().post('/api/auth/signup', {
      accountName: 'X',
      name: 'Y',
      email: 'not-an-email',
      password: 'longenough1',
    });
    expect(email.status).toBe(400);
    expect(email.body.error.field).toBe('email');
  });

  it('login compares emails case-insensitively', async () => {
    const c = h.client();
    const res = await c.post('/api/auth/login', {
      email: `  ${team.senior.email.toUpperCase()} `,
      password: PASSWORD,
    });
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(team.senior.id);
  });

  it('a wrong password is a 401 and sets no cookie', async () => {
    const c = h.client();
    const res = await c.post('/api/auth/login', { email: team.viewer.email, password: 'wrong password!' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_credentials');
    expect(c.cookie).toBeNull();
    expect((await c.get('/api/me')).status).toBe(401);
  });

  it('an unknown email answers exactly like a wrong password', async () => {
    const res = await h
      .client()
      .post('/api/auth/login', { email: `nobody-${unique()}@example.test`, password: 'whatever123' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_credentials');
  });

  it('logout ends the session server-side: the old cookie no longer works', async () => {
    const c = h.client();
    await c.post('/api/auth/login', { email: team.admin.email, password: PASSWORD });
    const stolen = c.cookie;
    expect((await c.post('/api/auth/logout')).status).toBe(204);
    const replay = h.client();
    replay.cookie = stolen;
    expect((await replay.get('/api/me')).status).toBe(401);
  });
  // The sign-in limit (growing delays per e-mail and per address) is tested in login-limit.test.ts.
});

describe('sessions survive a restart', () => {
  it('a cookie issued before a restart still signs the user in after it', async () => {
    if (backend === 'pglite') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-restart-'));
      try {
        const db1 = await openPglite({ dataDir: dir });
        await migrateDatabase(db1);
        const first = await startApp({ db: db1 });
        const c = first.client();
        const signup = await c.post('/api/auth/signup', {
          accountName: 'Restart Co',
          name: 'Rae',
          email: `rae-${unique()}@example.test`,
          password: 'longenough1',
        });
        expect(signup.status).toBe(201);
        await first.close();
        await db1.close();

        const db2 = await openPglite({ dataDir: dir });
        const second = await startApp({ db: db2 });
        const again = second.client();
        again.cookie = c.cookie;
        const me = await again.get('/api/me');
        expect(me.status).toBe(200);
        expect(me.body.user.id).toBe(signup.body.user.id);
        await second.close();
        await db2.close();
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    } else {
      // PostgreSQL: a second server process on the same database honours the first one's cookie.
      const second = await startApp({ db: h.db });
      try {
        const again = second.client();
        again.cookie = team.junior.client.cookie;
        const me = await again.get('/api/me');
        expect(me.status).toBe(200);
        expect(me.body.user.id).toBe(team.junior.id);
      } finally {
        await second.close();
      }
    }
  });
});

describe('team: invitations and roles', () => {
  it('an admin invites; the invitee accepts with the token and is signed in with the invited role and tier', async () => {
    const email = `invitee-${unique()}@example.test`;
    const inv = await team.admin.client.post('/api/invitations', { email, role: 'engineer', tier: 2 });
    expect(inv.status).toBe(201);
    expect(inv.body.invitation).toMatchObject({ email, role: 'engineer', tier: 2 });
    expect(inv.body.acceptUrl).toContain(`/invite/${inv.body.token}`);

    const pending = await team.admin.client.get('/api/invitations');
    expect(pending.body.invitations.map((i: { email: string }) => i.email)).toContain(email);

    const look = await h.client().get(`/api/invitations/${inv.body.token}`);
    expect(look.status).toBe(200);
    expect(look.body.invitation.email).toBe(email);

    const c = h.client();
    const accepted = await c.post(`/api/invitations/${inv.body.token}/accept`, {
      name: 'Ivy Invitee',
      password: 'longenough1',
    });
    expect(accepted.status).toBe(201);
    expect(accepted.body.user).toMatchObject({ email, role: 'engineer', tier: 2, name: 'Ivy Invitee' });
    expect(accepted.body.account.id).toBe(team.accountId);
    expect((await c.get('/api/me')).body.user.email).toBe(email);

    const reused = await h
      .client()
      .post(`/api/invitations/${inv.body.token}/accept`, { name: 'Again', password: 'longenough1' });
    expect(reused.status).toBe(410);
    const users = await team.admin.client.get('/api/users');
    expect(users.body.users.filter((u: { email: string }) => u.email === email)).toHaveLength(1);
  });

  it('an unknown invitation token is a 404; an expired one is a 410', async () => {
    expect(
      (await h.client().post('/api/invitations/not-a-token/accept', { name: 'X', password: 'longenough1' }))
        .status,
    ).toBe(404);
    const inv = await team.owner.client.post('/api/invitations', {
      email: `late-${unique()}@example.test`,
      role: 'viewer',
      tier: 1,
    });
    h.setNow(new Date(Date.now() + 8 * 86_400_000));
    try {
      const res = await h
        .client()
        .post(`/api/invitations/${inv.body.token}/accept`, { name: 'Late', password: 'longenough1' });
      expect(res.status).toBe(410);
      expect(res.body.error.code).toBe('invitation_expired');
    } finally {
      h.setNow(null);
    }
  });

  it('only an owner may invite or grant an owner', async () => {
    const res = await team.admin.client.post('/api/invitations', {
      email: `o-${unique()}@example.test`,
      role: 'owner',
      tier: 3,
    });
    expect(res.status).toBe(403);
    const promote = await team.admin.client.patch(`/api/users/${team.junior.id}`, { role: 'owner' });
    expect(promote.status).toBe(403);
  });

  it('an admin changes a role and a tier; the change is effective at once', async () => {
    const t = await makeTeam(h, 'Role Co');
    const res = await t.admin.client.patch(`/api/users/${t.junior.id}`, { tier: 2, role: 'viewer' });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: t.junior.id, role: 'viewer', tier: 2 });
    // The demoted user is now a viewer: creating a session is forbidden.
    expect((await t.junior.client.post('/api/sessions', { title: 'x', problem: 'y' })).status).toBe(403);
    expect((await t.junior.client.get('/api/me')).body.user.role).toBe('viewer');
  });

  it('the last owner cannot be demoted; with two owners one can', async () => {
    const t = await makeTeam(h, 'Owner Co');
    const last = await t.owner.client.patch(`/api/users/${t.owner.id}`, { role: 'admin' });
    expect(last.status).toBe(409);
    expect(last.body.error.code).toBe('last_owner');
    expect((await t.owner.client.patch(`/api/users/${t.admin.id}`, { role: 'owner' })).status).toBe(200);
    expect((await t.owner.client.patch(`/api/users/${t.owner.id}`, { role: 'admin' })).status).toBe(200);
    const users = await t.admin.client.get('/api/users');
    const owners = users.body.users.filter((u: { role: string }) => u.role === 'owner');
    expect(owners.map((u: { id: string }) => u.id)).toEqual([t.admin.id]);
  });

  it('an empty patch is a 400 naming a field; a bad tier names the field', async () => {
    const empty = await team.admin.client.patch(`/api/users/${team.junior.id}`, {});
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatchObject({
      code: 'invalid_input',
      field: 'role',
      message: 'Choose a role or a tier to change',
    });
    const res = await team.admin.client.patch(`/api/users/${team.junior.id}`, { tier: 7 });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('tier');
  });

  it('every member sees the engineer-or-admin teammates (escalation targets) without e-mails', async () => {
    const res = await team.viewer.client.get('/api/teammates');
    expect(res.status).toBe(200);
    const ids = res.body.teammates.map((m: { id: string }) => m.id);
    expect(ids).toContain(team.senior.id);
    expect(ids).not.toContain(team.viewer.id);
    expect(JSON.stringify(res.body)).not.toContain('@');
  });
});
