/**
 * New passwords (sign-up, accepting an invitation) keep the 8-character minimum and refuse what
 * anyone would guess first: only spaces, the most common passwords, too few different characters
 * (probe finding 12). Sign-in still takes a password set under the older rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeTeam, startApp, type Team } from '../../test/harness.js';
import { hashPassword } from './password.js';
import * as repo from './repo.js';
import { newId } from './tokens.js';

let h: Harness;
let team: Team;
beforeAll(async () => {
  h = await startApp();
  team = await makeTeam(h, 'Password Co');
});
afterAll(() => h.close());

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const signup = (password: string) =>
  h.client().post('/api/auth/signup', {
    accountName: 'Pw IT',
    name: 'Pat',
    email: `pat-${unique()}@example.test`,
    password,
  });

describe('new passwords', () => {
  it('refuses only spaces, common passwords and too few different characters, saying why', async () => {
    const cases: Array<[string, string]> = [
      ['        ', 'Password cannot be only spaces'],
      ['\t \t \t \t ', 'Password cannot be only spaces'],
      ['12345678', 'Password is one of the most common passwords: choose one that is harder to guess'],
      ['Password1', 'Password is one of the most common passwords: choose one that is harder to guess'],
      ['QWERTY123', 'Password is one of the most common passwords: choose one that is harder to guess'],
      ['aaaaaaaaaaaa', 'Password must use at least 5 different characters'],
      ['abababababab', 'Password must use at least 5 different characters'],
      ['12121212', 'Password must use at least 5 different characters'],
      ['short1', 'Password must have at least 8 characters'],
    ];
    for (const [password, message] of cases) {
      const res = await signup(password);
      expect(res.status, JSON.stringify(password)).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_input', field: 'password', message });
    }
    // Long enough, varied, not on the list: fine, spaces inside included, taken as typed.
    for (const ok of ['longenough1', ' pass phrase with spaces ', 'abcde123']) {
      expect((await signup(ok)).status, ok).toBe(201);
    }
  });

  it('the same rules when accepting an invitation', async () => {
    const inv = await team.admin.client.post('/api/invitations', {
      email: `inv-${unique()}@example.test`,
      role: 'engineer',
      tier: 1,
    });
    const weak = await h.client().post(`/api/invitations/${inv.body.token}/accept`, {
      name: 'Ivy',
      password: 'password',
    });
    expect(weak.status).toBe(400);
    expect(weak.body.error.field).toBe('password');
    expect(weak.body.error.message).toMatch(/most common passwords/);
    const ok = await h
      .client()
      .post(`/api/invitations/${inv.body.token}/accept`, { name: 'Ivy', password: 'ivy-tier-one' });
    expect(ok.status).toBe(201);
  });

  it('a password set under the older rules still signs in', async () => {
    const email = `old-${unique()}@example.test`;
    await repo.insertUser(h.db.db, {
      id: newId(),
      accountId: team.accountId,
      name: 'Old Rules',
      email,
      passwordHash: await hashPassword('        '),
      role: 'viewer',
      tier: 1,
    });
    const res = await h.client().post('/api/auth/login', { email, password: '        ' });
    expect(res.status).toBe(200);
  });
});
