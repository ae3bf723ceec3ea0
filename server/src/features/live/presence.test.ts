import { ZNotificationsResponse } from '@rf/contracts';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { livePresence } from '../../db/schema.js';
import { escalateNewSession, type Harness, makeTeam, startApp, type Team } from '../../test/harness.js';
import { SseReader } from '../../test/sse.js';
import { ONLINE_REASON } from '../handoffs/repo.js';
import { PRESENCE_FRESH_MS } from './events.js';

/**
 * PRODUCT.md: teammates who have the app open see the card; "teammates who are not on the page get
 * an email". Presence is a live stream open in some process (decision 030).
 */
let h: Harness;
let t: Team;
beforeAll(async () => {
  h = await startApp();
  t = await makeTeam(h, 'Presence Co');
});
afterAll(() => h.close());

const open = async (who: Team['senior']) => {
  const r = await SseReader.open(h.url, { cookie: who.client.cookie });
  expect(r.status).toBe(200);
  await r.ready();
  await h.live.presenceSettled();
  return r;
};

async function closeAll(readers: SseReader[], who: Team['senior']) {
  for (const r of readers) r.close();
  for (let i = 0; i < 200 && h.live.streamsOf(who.id) > 0; i++) await new Promise((r) => setTimeout(r, 10));
  expect(h.live.streamsOf(who.id)).toBe(0);
  await h.live.presenceSettled();
}

async function escalate(): Promise<string> {
  const { handoffId } = await escalateNewSession(t.junior, {
    title: 'Scanner to e-mail stopped on the copier',
    problem: 'Scans to e-mail fail since this morning; scanning to a folder works.',
    reason: 'SMTP settings look right',
    urgency: 'normal',
  });
  return handoffId;
}

async function emailTo(handoffId: string, who: Team['senior']) {
  const res = await t.admin.client.get(`/api/handoffs/${handoffId}/notifications`);
  expect(res.status).toBe(200);
  const rows = ZNotificationsResponse.parse(res.body).notifications;
  const inApp = rows.find((n) => n.recipientId === who.id && n.channel === 'in_app');
  expect(inApp?.status).toBe('sent'); // the live card reaches everyone, present or not
  const email = rows.find((n) => n.recipientId === who.id && n.channel === 'email');
  expect(email).toBeDefined();
  return email!;
}

const presenceRows = (userId: string) =>
  h.db.db.select().from(livePresence).where(eq(livePresence.userId, userId));

describe('who is e-mailed about an escalation', () => {
  it('a teammate with ResolutionFlow open is told in the app, not by e-mail; one without it gets the e-mail', async () => {
    const reader = await open(t.senior);
    try {
      const id = await escalate();
      const present = await emailTo(id, t.senior);
      expect(present.status).toBe('skipped');
      expect(present.lastError).toBe(ONLINE_REASON);
      // senior2 has nothing open: e-mailed as before.
      const away = await emailTo(id, t.senior2);
      expect(away.status).toBe('pending');
      expect(away.lastError).toBeNull();
    } finally {
      await closeAll([reader], t.senior);
    }
  });

  it('after the last tab closes, the next escalation e-mails them again; two tabs count once', async () => {
    const first = await open(t.senior);
    const second = await open(t.senior);
    expect(await presenceRows(t.senior.id)).toHaveLength(1);
    first.close();
    for (let i = 0; i < 200 && h.live.streamsOf(t.senior.id) > 1; i++)
      await new Promise((r) => setTimeout(r, 10));
    await h.live.presenceSettled();
    // One tab still open: still present.
    expect((await emailTo(await escalate(), t.senior)).status).toBe('skipped');
    await closeAll([second], t.senior);
    expect(await presenceRows(t.senior.id)).toHaveLength(0);
    expect((await emailTo(await escalate(), t.senior)).status).toBe('pending');
  });

  it('a presence nobody refreshed for PRESENCE_FRESH_MS (its process died) does not hold back the e-mail', async () => {
    const reader = await open(t.senior);
    try {
      h.setNow(new Date(Date.now() + PRESENCE_FRESH_MS + 1_000));
      const stale = await emailTo(await escalate(), t.senior);
      expect(stale.status).toBe('pending');
    } finally {
      h.setNow(null);
      await closeAll([reader], t.senior);
    }
  });

  it('a teammate who turned e-mail off is skipped for that reason, open or not', async () => {
    await t.senior2.client.put('/api/me/notification-preferences', { email: false });
    const reader = await open(t.senior2);
    try {
      const row = await emailTo(await escalate(), t.senior2);
      expect(row.status).toBe('skipped');
      expect(row.lastError).toBe('Email notifications are turned off for this user');
    } finally {
      await closeAll([reader], t.senior2);
      await t.senior2.client.put('/api/me/notification-preferences', { email: true });
    }
  });
});

describe('the presence record', () => {
  it('follows tabs opening and closing in any interleaving (30 rounds): a row exactly while a stream is open', async () => {
    for (let round = 0; round < 30; round++) {
      const n = 1 + (round % 4);
      const readers = await Promise.all(
        Array.from({ length: n }, () => SseReader.open(h.url, { cookie: t.senior.client.cookie })),
      );
      await Promise.all(readers.map((r) => r.ready()));
      // Close some at once, in varying order, while others are still open.
      const keep = round % 3 === 0 ? 0 : 1;
      for (const r of readers.slice(keep)) r.close();
      for (let i = 0; i < 200 && h.live.streamsOf(t.senior.id) > keep; i++)
        await new Promise((r) => setTimeout(r, 5));
      await h.live.presenceSettled();
      expect((await presenceRows(t.senior.id)).length, `round ${round}`).toBe(keep);
      await closeAll(readers.slice(0, keep), t.senior);
      expect(await presenceRows(t.senior.id), `round ${round}, all closed`).toHaveLength(0);
    }
  });

  it('is refreshed while streams stay open (and written again if it went), and cleared when the server stops', async () => {
    const own = await startApp({ db: h.db, live: { presenceRefreshMs: 50 } });
    const team = await makeTeam(own, 'Presence Refresh Co');
    const reader = await SseReader.open(own.url, { cookie: team.senior.client.cookie });
    await reader.ready();
    await own.live.presenceSettled();
    const [before] = await presenceRows(team.senior.id);
    expect(before).toBeDefined();
    await new Promise((r) => setTimeout(r, 200));
    const [after] = await presenceRows(team.senior.id);
    expect(after!.seenAt.getTime()).toBeGreaterThan(before!.seenAt.getTime());
    // A row that went (swept while the database was away) comes back with the next refresh.
    await own.db.db.delete(livePresence).where(eq(livePresence.userId, team.senior.id));
    await new Promise((r) => setTimeout(r, 200));
    expect(await presenceRows(team.senior.id)).toHaveLength(1);
    await own.close();
    reader.close();
    expect(await presenceRows(team.senior.id)).toHaveLength(0);
  });
});
