import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeTeam, startApp, type Team } from '../../test/harness.js';

// Probe finding 1: without SMTP_URL every e-mail lands in the local mail outbox, and an admin read
// there the accept link of an owner invitation, accepted it and took the account over.

let h: Harness;
let t: Team;

beforeAll(async () => {
  h = await startApp({ env: { PUBLIC_URL: 'https://rf.example.test' }, worker: true });
  t = await makeTeam(h);
});
afterAll(() => h.close());

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

async function outboxOnceSent(reader: Team['owner'], emails: string[]) {
  const until = Date.now() + 10_000;
  for (;;) {
    const res = await reader.client.get('/api/mail-outbox?limit=200');
    expect(res.status).toBe(200);
    const mail = res.body.mail as any[];
    if (emails.every((e) => mail.some((m) => m.to === e))) return { body: res.body, mail };
    if (Date.now() > until) throw new Error(`never stored: ${emails.join(', ')}`);
    await settle(50);
  }
}

async function invite(by: Team['owner'], role: string) {
  const email = `${role}-${unique()}@example.test`;
  const res = await by.client.post('/api/invitations', { email, role, tier: role === 'owner' ? 3 : 1 });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { email, token: res.body.token as string, acceptUrl: res.body.acceptUrl as string };
}

describe('who reads an invitation in the local mail outbox', () => {
  it("an admin sees that an owner's invitation went out, but never its link; the sender and owners read it whole", async () => {
    const ownerInvite = await invite(t.owner, 'owner');
    const ownersEngineer = await invite(t.owner, 'engineer');
    const adminsEngineer = await invite(t.admin, 'engineer');
    const all = [ownerInvite, ownersEngineer, adminsEngineer];

    const asAdmin = await outboxOnceSent(
      t.admin,
      all.map((i) => i.email),
    );
    // No token of an invitation someone else sent, anywhere in the answer (text, HTML or MIME).
    const seenByAdmin = JSON.stringify(asAdmin.body);
    expect(seenByAdmin).not.toContain(ownerInvite.token);
    expect(seenByAdmin).not.toContain(ownersEngineer.token);
    const hidden = asAdmin.mail.find((m) => m.to === ownerInvite.email);
    expect(hidden).toMatchObject({
      intent: 'invitation',
      subject: expect.stringContaining('invited you to'),
      text: null,
      html: null,
      raw: null,
      withheld:
        "This invitation holds a sign-in link, so only Olga Owner and the account's owners can read it.",
    });
    expect(asAdmin.mail.find((m) => m.to === ownersEngineer.email).withheld).toMatch(/only Olga Owner/);
    // What the admin sent, the admin reads (the link is theirs to pass on).
    const own = asAdmin.mail.find((m) => m.to === adminsEngineer.email);
    expect(own.withheld).toBeNull();
    expect(own.text).toContain(adminsEngineer.acceptUrl);
    expect(own.raw).toMatch(/^Subject: /m);

    // Owners read every invitation whole.
    const asOwner = await outboxOnceSent(
      t.owner,
      all.map((i) => i.email),
    );
    for (const i of all) {
      const m = asOwner.mail.find((x) => x.to === i.email);
      expect(m.withheld, i.email).toBeNull();
      expect(m.text, i.email).toContain(i.acceptUrl);
      expect(m.html, i.email).toContain(i.acceptUrl);
    }

    // Escalation mail carries no secret: every admin still reads it.
    const s = await t.junior.client.post('/api/sessions', {
      title: 'VPN drops every ten minutes',
      problem: 'The client reconnects and drops again.',
    });
    const esc = await t.junior.client.post(`/api/sessions/${s.body.session.id}/handoffs`, {
      intent: 'escalate',
      reason: 'MTU?',
      urgency: 'normal',
    });
    expect(esc.status).toBe(201);
    const until = Date.now() + 10_000;
    let forAdmin: any;
    while (!forAdmin && Date.now() < until) {
      forAdmin = (await t.admin.client.get('/api/mail-outbox')).body.mail.find(
        (m: any) => m.handoffId === esc.body.handoff.id && m.to === t.owner.email,
      );
      if (!forAdmin) await settle(50);
    }
    expect(forAdmin).toMatchObject({ intent: 'escalate', withheld: null });
    expect(forAdmin.text).toContain(`/handoffs/${esc.body.handoff.id}`);

    // The probe's path is closed at the other end too: an admin's invitation cannot make an owner.
    expect(
      (
        await t.admin.client.post('/api/invitations', {
          email: `x-${unique()}@example.test`,
          role: 'owner',
          tier: 3,
        })
      ).status,
    ).toBe(403);
  });

  it('a sender who can no longer grant the role no longer reads the link (and it no longer works)', async () => {
    const team = await makeTeam(h);
    // A second owner sends an owner invitation, then is made admin by the first owner.
    expect((await team.owner.client.patch(`/api/users/${team.admin.id}`, { role: 'owner' })).status).toBe(
      200,
    );
    const inv = await invite(team.admin, 'owner');
    await outboxOnceSent(team.admin, [inv.email]);
    expect((await team.owner.client.patch(`/api/users/${team.admin.id}`, { role: 'admin' })).status).toBe(
      200,
    );

    const box = await team.admin.client.get('/api/mail-outbox');
    expect(JSON.stringify(box.body)).not.toContain(inv.token);
    expect(box.body.mail.find((m: any) => m.to === inv.email).withheld).toBe(
      "You sent this invitation, but you can no longer grant the owner role: only the account's owners can read it, and it can no longer be accepted.",
    );
    const accept = await h
      .client()
      .post(`/api/invitations/${inv.token}/accept`, { name: 'Not An Owner', password: 'longenough1' });
    expect(accept.status).toBe(410);
    expect(accept.body.error.code).toBe('invitation_revoked');
  });
});

describe('a withdrawn or replaced invitation', () => {
  it('is not sent when its row comes due after it was withdrawn: only the newest invitation goes out', async () => {
    const { startOutboxWorker } = await import('../../jobs/outbox-worker.js');
    const app = await startApp({ env: { PUBLIC_URL: 'https://rf.example.test' } });
    try {
      const team = await makeTeam(app);
      const email = `replaced-${unique()}@example.test`;
      const first = await team.owner.client.post('/api/invitations', { email, role: 'viewer', tier: 1 });
      const second = await team.owner.client.post('/api/invitations', { email, role: 'engineer', tier: 1 });
      expect([first.status, second.status]).toEqual([201, 201]);
      const worker = await startOutboxWorker(app.deps);
      try {
        worker.wake();
        const until = Date.now() + 10_000;
        let mail: any[] = [];
        for (;;) {
          mail = ((await team.owner.client.get('/api/mail-outbox?limit=200')).body.mail as any[]).filter(
            (m) => m.to === email,
          );
          if (mail.length > 0 || Date.now() > until) break;
          await settle(50);
        }
        await settle(300);
        mail = ((await team.owner.client.get('/api/mail-outbox?limit=200')).body.mail as any[]).filter(
          (m) => m.to === email,
        );
        expect(mail).toHaveLength(1);
        expect(mail[0].text).toContain(second.body.token);
        expect(mail[0].text).not.toContain(first.body.token);
      } finally {
        await worker.stop();
      }
    } finally {
      await app.close();
    }
  });
});
