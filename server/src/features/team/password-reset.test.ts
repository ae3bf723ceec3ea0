import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeTeam, PASSWORD, startApp, type Team } from '../../test/harness.js';
import { type ReceivedMail, SmtpSink } from '../../test/smtp-sink.js';
import { SseReader } from '../../test/sse.js';

// "Forgot password" (decision 029): a link by e-mail over real SMTP, the same answer for every
// address, one use, an hour, and every sign-in of the user ends when it is used.

const PUBLIC_URL = 'https://rf.example.test';
let sink: SmtpSink;
let h: Harness;
let t: Team;

beforeAll(async () => {
  sink = await SmtpSink.start('up');
  h = await startApp({
    env: { SMTP_URL: sink.url, PUBLIC_URL },
    worker: true,
    // Relaxed so that this file's many requests from 127.0.0.1 are not refused; one test below
    // runs its own app with the production limits.
    rateLimits: {
      passwordResetEmail: { free: 1000, leakMs: 1000, baseDelayMs: 1000, maxDelayMs: 1000 },
      passwordResetIp: { free: 1000, leakMs: 1000, baseDelayMs: 1000, maxDelayMs: 1000 },
    },
  });
  t = await makeTeam(h, 'Reset Co');
});
afterAll(async () => {
  await h.close();
  await sink.close();
});

const NEW_PASSWORD = 'a-brand-new passphrase 42';

async function resetMailFor(email: string, after: number): Promise<{ mail: ReceivedMail; token: string }> {
  await sink.waitFor((all) => all.slice(after).some((m) => m.to.includes(email)));
  const mail = sink.mails.slice(after).find((m) => m.to.includes(email))!;
  const m = /https:\/\/rf\.example\.test\/reset-password\/([A-Za-z0-9_-]+)/.exec(mail.text);
  expect(m, mail.text).not.toBeNull();
  return { mail, token: m![1]! };
}

describe('forgot password', () => {
  it('answers the same for an unknown address, mails a working link for a known one, and the link works once', async () => {
    const before = sink.mails.length;
    const unknown = await h.client().post('/api/auth/password-reset', { email: 'nobody@nowhere.example' });
    const known = await h.client().post('/api/auth/password-reset', { email: t.senior.email.toUpperCase() });
    expect(unknown.status).toBe(202);
    expect(known.status).toBe(202);
    expect(known.body).toEqual(unknown.body);

    const { mail, token } = await resetMailFor(t.senior.email, before);
    expect(mail.subject).toBe('Reset your ResolutionFlow password');
    expect(mail.html).toContain(`${PUBLIC_URL}/reset-password/${token}`);
    // Nothing went to the unknown address.
    expect(sink.mails.slice(before).some((m) => m.to.includes('nobody@nowhere.example'))).toBe(false);

    const lookup = await h.client().get(`/api/auth/password-reset/${token}`);
    expect(lookup.status).toBe(200);
    expect(lookup.body).toEqual({ email: t.senior.email });

    // The new password must follow the product's rules; a refused one does not use the link up.
    const weak = await h.client().post(`/api/auth/password-reset/${token}`, { password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.field).toBe('password');

    const done = await h.client().post(`/api/auth/password-reset/${token}`, { password: NEW_PASSWORD });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ email: t.senior.email });

    const again = await h
      .client()
      .post(`/api/auth/password-reset/${token}`, { password: `${NEW_PASSWORD}!` });
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('reset_link_invalid');
    expect((await h.client().get(`/api/auth/password-reset/${token}`)).status).toBe(410);

    const old = await h.client().post('/api/auth/login', { email: t.senior.email, password: PASSWORD });
    expect(old.status).toBe(401);
    const fresh = await h.client().post('/api/auth/login', { email: t.senior.email, password: NEW_PASSWORD });
    expect(fresh.status).toBe(200);
  });

  it('ends every sign-in and live stream of the user, and a newer link ends the older one', async () => {
    const team = await makeTeam(h, 'Streams Co');
    const stream = await SseReader.open(h.url, { cookie: team.junior.client.cookie });
    await stream.ready();
    const before = sink.mails.length;
    expect((await h.client().post('/api/auth/password-reset', { email: team.junior.email })).status).toBe(
      202,
    );
    const first = await resetMailFor(team.junior.email, before);
    const mid = sink.mails.length;
    expect((await h.client().post('/api/auth/password-reset', { email: team.junior.email })).status).toBe(
      202,
    );
    const second = await resetMailFor(team.junior.email, mid);
    expect(second.token).not.toBe(first.token);

    const stale = await h
      .client()
      .post(`/api/auth/password-reset/${first.token}`, { password: NEW_PASSWORD });
    expect(stale.status).toBe(410);
    expect((await team.junior.client.get('/api/me')).status).toBe(200);

    const ok = await h.client().post(`/api/auth/password-reset/${second.token}`, { password: NEW_PASSWORD });
    expect(ok.status).toBe(200);
    await stream.until((r) => r.ended, 2_000, 'the stream to end');
    expect((await team.junior.client.get('/api/me')).status).toBe(401);
    // Other teammates stay signed in.
    expect((await team.senior.client.get('/api/me')).status).toBe(200);
  });

  it('of many requests racing with one link, exactly one sets the password (ten rounds)', async () => {
    const team = await makeTeam(h, 'Race Co');
    for (let round = 0; round < 10; round++) {
      const before = sink.mails.length;
      expect((await h.client().post('/api/auth/password-reset', { email: team.viewer.email })).status).toBe(
        202,
      );
      const { token } = await resetMailFor(team.viewer.email, before);
      const passwords = [0, 1, 2, 3].map((i) => `race ${round} password ${i} long`);
      const answers = await Promise.all(
        passwords.map((password) => h.client().post(`/api/auth/password-reset/${token}`, { password })),
      );
      const winners = answers.flatMap((a, i) => (a.status === 200 ? [passwords[i]!] : []));
      expect(winners).toHaveLength(1);
      expect(answers.filter((a) => a.status === 410)).toHaveLength(3);
      const login = await h
        .client()
        .post('/api/auth/login', { email: team.viewer.email, password: winners[0] });
      expect(login.status).toBe(200);
    }
  });

  it('expires after an hour, and ends when the password is changed or the teammate removed', async () => {
    const team = await makeTeam(h, 'Expiry Co');
    const ask = async (email: string) => {
      const before = sink.mails.length;
      expect((await h.client().post('/api/auth/password-reset', { email })).status).toBe(202);
      return (await resetMailFor(email, before)).token;
    };
    const expiring = await ask(team.junior.email);
    h.setNow(new Date(Date.now() + 61 * 60_000));
    try {
      expect((await h.client().get(`/api/auth/password-reset/${expiring}`)).status).toBe(410);
      expect(
        (await h.client().post(`/api/auth/password-reset/${expiring}`, { password: NEW_PASSWORD })).status,
      ).toBe(410);
    } finally {
      h.setNow(null);
    }

    const beforeChange = await ask(team.senior.email);
    const changed = await team.senior.client.post('/api/me/password', {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(changed.status).toBe(204);
    expect((await h.client().get(`/api/auth/password-reset/${beforeChange}`)).status).toBe(410);

    const removedToken = await ask(team.viewer.email);
    expect((await team.admin.client.del(`/api/users/${team.viewer.id}`)).status).toBe(204);
    expect(
      (await h.client().post(`/api/auth/password-reset/${removedToken}`, { password: NEW_PASSWORD })).status,
    ).toBe(410);
    // A removed teammate gets no link at all (and the answer does not say so).
    const before = sink.mails.length;
    const r = await h.client().post('/api/auth/password-reset', { email: team.viewer.email });
    expect(r.status).toBe(202);
    await new Promise((res) => setTimeout(res, 300));
    expect(sink.mails.slice(before).some((m) => m.to.includes(team.viewer.email))).toBe(false);
  });

  it('refuses garbage clearly: a bad address is a 400, an unknown or malformed token a 410 or 404', async () => {
    const bad = await h.client().post('/api/auth/password-reset', { email: 'not-an-address' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('email');
    expect((await h.client().post('/api/auth/password-reset', {})).status).toBe(400);
    expect((await h.client().get(`/api/auth/password-reset/${'A'.repeat(43)}`)).status).toBe(410);
    const tooLong = await h.client().get(`/api/auth/password-reset/${'A'.repeat(5000)}`);
    expect([400, 404]).toContain(tooLong.status);
  });
});

describe('forgot password, at the production limits', () => {
  it('limits requests per address typed in, whether or not it has an account, with Retry-After', async () => {
    const app = await startApp({ env: { SMTP_URL: sink.url, PUBLIC_URL } });
    try {
      const team = await makeTeam(app, 'Limit Co');
      for (const email of [team.junior.email, 'ghost@nowhere.example']) {
        const statuses: number[] = [];
        for (let i = 0; i < 5; i++) {
          const r = await app.client().post('/api/auth/password-reset', { email });
          statuses.push(r.status);
          if (r.status === 429) {
            expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
            expect(r.body.error.code).toBe('rate_limited');
          }
        }
        // Both addresses meet the same limit: the limit tells nothing about who has an account.
        expect(statuses).toEqual([202, 202, 202, 429, 429]);
      }
    } finally {
      await app.close();
    }
  });

  it('a password-reset mail in the local mail outbox is shown to nobody, owners included', async () => {
    const app = await startApp({ env: { PUBLIC_URL }, worker: true });
    try {
      const team = await makeTeam(app, 'Outbox Co');
      expect((await app.client().post('/api/auth/password-reset', { email: team.admin.email })).status).toBe(
        202,
      );
      const until = Date.now() + 10_000;
      let mail: any;
      for (;;) {
        const res = await team.owner.client.get('/api/mail-outbox?limit=200');
        mail = (res.body.mail as any[]).find((m) => m.intent === 'password_reset');
        if (mail || Date.now() > until) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(mail).toMatchObject({ to: team.admin.email, text: null, html: null, raw: null });
      expect(mail.withheld).toContain('shown to nobody');
      const admin = await team.admin.client.get('/api/mail-outbox?limit=200');
      expect(JSON.stringify(admin.body)).not.toContain('/reset-password/');
      expect(JSON.stringify((await team.owner.client.get('/api/mail-outbox?limit=200')).body)).not.toContain(
        '/reset-password/',
      );
    } finally {
      await app.close();
    }
  });
});
