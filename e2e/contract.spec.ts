import net from 'node:net';
import { type APIRequestContext, request as playwrightRequest } from '@playwright/test';
import { startConnectWiseStandin } from '../server/src/test/connectwise-standin';
import { type EndpointName, endpoints, liveStream } from '../web/src/api/endpoints';
import { expect, PEOPLE, type Person, test, uniq } from './fixtures';
import { baseURL } from './playwright.config';

/** A port on 127.0.0.1 that nothing listens on (taken from the OS, then let go). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Endpoints whose real answers another spec parses with the same schemas (it names them). */
const CHECKED_IN_OTHER_SPECS: EndpointName[] = ['passwordResetLookup', 'completePasswordReset'];

/**
 * The web takes every response schema from one table (web/src/api/endpoints.ts). This test
 * calls every entry of that table against the real server, with real data, and parses each
 * real answer with the schema the web will use. A server answer the web cannot read (the chat
 * reply once was) fails here. A new entry in the table without a call here fails too.
 */
test('every endpoint the web calls answers in the shape its response schema declares', async () => {
  const covered = new Set<EndpointName>();
  const contexts: APIRequestContext[] = [];
  const newContext = async () => {
    const ctx = await playwrightRequest.newContext({ baseURL });
    contexts.push(ctx);
    return ctx;
  };

  async function check<N extends EndpointName>(
    ctx: APIRequestContext,
    name: N,
    params: Parameters<(typeof endpoints)[N]['path']>[0],
    body?: unknown,
  ) {
    const ep = endpoints[name];
    const path = (ep.path as (p: unknown) => string)(params);
    const res = await ctx.fetch(path, {
      method: ep.method,
      ...(body === undefined ? {} : { data: body }),
      headers: ep.idempotent ? { 'idempotency-key': crypto.randomUUID() } : {},
    });
    const text = await res.text();
    expect(res.status(), `${name}: ${ep.method} ${path} answered ${text}`).toBeLessThan(300);
    // JSON answers parse as JSON; a text answer (the CSV) is the text, as web/src/api/client.ts reads it.
    const json = (res.headers()['content-type'] ?? '').includes('json');
    const data: unknown = text ? (json ? JSON.parse(text) : text) : null;
    const parsed = ep.response.safeParse(data);
    expect(
      parsed.success ? [] : parsed.error.issues,
      `${name}: ${ep.method} ${path} answered a shape its schema rejects`,
    ).toEqual([]);
    covered.add(name);
    return parsed.data as never as import('zod').infer<(typeof endpoints)[N]['response']>;
  }

  const signedIn = async (who: Person) => {
    const ctx = await newContext();
    await check(ctx, 'login', undefined, { email: PEOPLE[who].email, password: PEOPLE[who].password });
    return ctx;
  };

  let stream: LiveStreamReader | null = null;
  try {
    const anon = await newContext();
    await check(anon, 'demo', undefined);

    const junior = await signedIn('junior');
    await check(junior, 'me', undefined);
    // The junior's live stream hears everything below; its events are checked at the end.
    stream = await LiveStreamReader.open(junior);
    const ready = liveStream.ready.safeParse(JSON.parse((await stream.next('ready')).data));
    expect(ready.success ? [] : ready.error.issues, 'the ready event').toEqual([]);
    const tag = uniq();
    const { session } = await check(junior, 'createSession', undefined, {
      title: `Contract check ${tag}`,
      problem: 'Outlook asks for the password every few minutes',
    });
    const id = session.id;
    await check(junior, 'sessions', {});
    await check(junior, 'sessions', { status: 'active', owner: 'me', q: 'Contract' });
    await check(junior, 'session', { id });
    await check(junior, 'logStep', { id }, { action: 'Cleared Credential Manager', outcome: 'failed' });
    await check(junior, 'addNote', { id }, { text: 'User is on a new laptop' });
    await check(junior, 'suggestions', { id });
    await check(junior, 'askAssistant', { id }, { text: 'What should I check next?' });
    await check(junior, 'teammates', undefined);
    await check(junior, 'notePreview', { id }, { kind: 'resolution', resolution: 'Re-created the profile' });
    await check(junior, 'notePreview', { id }, { kind: 'escalation', reason: 'Stuck', urgency: 'high' });
    const { handoff } = await check(
      junior,
      'escalate',
      { id },
      { intent: 'escalate', reason: 'Stuck on the credential prompt', urgency: 'high' },
    );

    const { notes } = await check(junior, 'sessionNotes', { id });
    const exported = await check(junior, 'noteExport', { id, noteId: notes[0]?.id ?? '', format: 'md' });
    expect(exported).toContain('## What was tried');

    const senior = await signedIn('senior');
    await check(senior, 'queue', undefined);
    await check(senior, 'handoff', { id: handoff.id });
    await check(senior, 'claimHandoff', { id: handoff.id });
    await check(senior, 'releaseHandoff', { id: handoff.id });
    await check(junior, 'cancelHandoff', { id: handoff.id });
    await check(junior, 'resolveSession', { id }, { resolution: 'Re-created the Outlook profile' });
    await check(senior, 'escalationAnalytics', { range: { period: '30d' }, compare: false });
    await check(senior, 'escalationAnalytics', { range: { period: '7d' }, compare: true });
    const today = new Date().toISOString().slice(0, 10);
    const custom = { from: new Date(Date.now() - 13 * 86_400_000).toISOString().slice(0, 10), to: today };
    await check(senior, 'escalationAnalytics', { range: custom, compare: true });
    const rows = await check(senior, 'escalationRows', { range: { period: '7d' } });
    expect(rows.escalations.some((r) => r.id === handoff.id)).toBe(true);
    await check(senior, 'escalationRows', { range: custom });
    const csv = await check(senior, 'escalationsCsv', { range: custom });
    expect(csv).toContain(handoff.id);

    const owner = await signedIn('owner');
    const { users } = await check(owner, 'users', undefined);
    const viewer = users.find((u) => u.role === 'viewer');
    expect(viewer).toBeTruthy();
    await check(owner, 'patchUser', { id: viewer?.id ?? '' }, { tier: viewer?.tier ?? 1 });
    const invited = await check(owner, 'invite', undefined, {
      email: `contract-${tag}@example.com`,
      role: 'engineer',
      tier: 1,
    });
    await check(owner, 'invitations', undefined);
    const { baseline } = await check(owner, 'recordBaseline', undefined, {
      durationSeconds: 540,
      measuredAt: new Date().toISOString(),
      handoffId: handoff.id,
      note: 'Contract check',
    });
    const { baselines } = await check(senior, 'baselines', undefined);
    expect(baselines.some((b) => b.id === baseline.id)).toBe(true);
    await check(owner, 'deleteBaseline', { id: baseline.id });
    await check(owner, 'notificationPreferences', undefined);
    await check(owner, 'saveNotificationPreferences', undefined, { email: true, reminders: true });
    await check(owner, 'handoffDelivery', { id: handoff.id });
    const settings = await check(owner, 'notificationSettings', undefined);
    // Saved as it is: the demo account's settings stay what the other specs expect.
    await check(owner, 'saveNotificationSettings', undefined, {
      reminderDelayMinutes: settings.reminderDelayMinutes,
    });
    // A receiver that is not there: Send test answers 200 with `delivered: false` and the reason.
    const closed = await closedPort();
    const test = await check(owner, 'testWebhook', undefined, {
      webhookUrl: `https://127.0.0.1:${closed}/contract`,
      webhookFormat: 'slack',
    });
    expect(test.delivered).toBe(false);
    await check(owner, 'mailOutbox', { limit: 20 });

    // ConnectWise PSA, against the stand-in (psa.spec.ts has the browser flow).
    const cw = await startConnectWiseStandin({ clientId: process.env.E2E_CW_CLIENT_ID });
    try {
      cw.members.push({
        id: 51,
        identifier: 'jamie',
        firstName: 'Jamie',
        lastName: 'J',
        primaryEmail: PEOPLE.junior.email,
      });
      await check(owner, 'savePsaConnection', undefined, {
        siteUrl: cw.url,
        companyId: cw.companyId,
        publicKey: cw.publicKey,
        privateKey: cw.privateKey,
      });
      await check(owner, 'psaConnection', undefined);
      expect((await check(owner, 'testPsaConnection', undefined, {})).ok).toBe(true);
      const members = await check(owner, 'psaMembers', undefined);
      const jamie = members.mappings.find((m) => m.member?.id === 51);
      expect(jamie).toBeTruthy();
      await check(owner, 'setPsaMember', undefined, { userId: jamie?.user.id ?? '', memberId: null });
      const { session: linked } = await check(junior, 'createSession', undefined, {
        title: `Contract PSA ${tag}`,
        problem: 'Linked to a ConnectWise ticket',
      });
      await check(junior, 'linkPsaTicket', { id: linked.id }, { ticketId: 4711 });
      await check(junior, 'psaTicket', { id: linked.id });
      await check(junior, 'psaTicketStatuses', { id: linked.id });
      // ConnectWise refuses the note (400): the post fails at once, and Retry puts it back.
      cw.fail('postServiceTicketsByParentIdNotes', 400);
      await check(junior, 'resolveSession', { id: linked.id }, { resolution: 'Fixed', psa: { post: true } });
      let failed: string | null = null;
      for (let i = 0; i < 100 && !failed; i++) {
        const { posts } = await check(junior, 'psaPosts', { id: linked.id });
        failed = posts.find((p) => p.status === 'failed')?.id ?? null;
        if (!failed) await new Promise((r) => setTimeout(r, 100));
      }
      expect(failed).toBeTruthy();
      await check(junior, 'retryPsaPost', { id: linked.id }, { postId: failed });
      await check(junior, 'unlinkPsaTicket', { id: linked.id });
    } finally {
      // The demo account is shared with the other specs: leave it without a PSA connection.
      await check(owner, 'deletePsaConnection', undefined);
      await cw.close();
    }

    const invitee = await newContext();
    await check(invitee, 'invitationLookup', { token: invited.token });
    await check(
      invitee,
      'acceptInvitation',
      { token: invited.token },
      { name: 'Contract Invitee', password: 'a-long-password' },
    );

    const founder = await newContext();
    await check(founder, 'signup', undefined, {
      accountName: `Contract Co ${tag}`,
      name: 'Contract Founder',
      email: `founder-${tag}@example.com`,
      password: 'a-long-password',
    });
    // Team changes that end access, in the founder's own account (the demo team stays as it is).
    const withdrawn = await check(founder, 'invite', undefined, {
      email: `withdrawn-${tag}@example.com`,
      role: 'viewer',
      tier: 1,
    });
    await check(founder, 'revokeInvitation', { id: withdrawn.invitation.id });
    const leaver = await check(founder, 'invite', undefined, {
      email: `leaver-${tag}@example.com`,
      role: 'engineer',
      tier: 1,
    });
    const leaverContext = await newContext();
    const joined = await check(
      leaverContext,
      'acceptInvitation',
      { token: leaver.token },
      { name: 'Contract Leaver', password: 'a-long-password' },
    );
    await check(founder, 'removeUser', { id: joined.user.id });
    await check(founder, 'changePassword', undefined, {
      currentPassword: 'a-long-password',
      newPassword: 'another long password',
    });
    await check(founder, 'logout', undefined);
    // A reset link goes out by e-mail only (the shared server keeps mail in the local outbox, where
    // nobody may read it): the link's two endpoints are checked by password-reset.spec.ts.
    await check(anon, 'requestPasswordReset', undefined, { email: `founder-${tag}@example.com` });

    // Every event the calls above caused, as the web reads it: a type it listens to, data its
    // schema accepts.
    await stream.next('session.updated', (e) => e.session?.status === 'resolved');
    for (const e of stream.events.filter((x) => x.event !== 'ready')) {
      expect(liveStream.types as readonly string[], `event type ${e.event}`).toContain(e.event);
      const parsed = liveStream.event.safeParse(JSON.parse(e.data));
      expect(parsed.success ? [] : parsed.error.issues, `${e.event}: ${e.data.slice(0, 300)}`).toEqual([]);
    }
    expect(new Set(stream.events.map((e) => e.event))).toEqual(
      new Set([
        'ready',
        'session.created',
        'session.updated',
        'handoff.created',
        'handoff.claimed',
        'handoff.released',
        'handoff.cancelled',
        'baseline.changed',
      ]),
    );
  } finally {
    stream?.close();
    for (const ctx of contexts) await ctx.dispose();
  }

  expect([...covered, ...CHECKED_IN_OTHER_SPECS].sort()).toEqual(Object.keys(endpoints).sort());
});

interface StreamEvent {
  id: string | null;
  event: string;
  data: string;
}

/** A real read of the live stream over HTTP with a signed-in context's cookie, parsed as EventSource does. */
class LiveStreamReader {
  readonly events: StreamEvent[] = [];
  private buf = '';
  private waiters: (() => void)[] = [];

  private constructor(private readonly stop: AbortController) {}

  static async open(ctx: APIRequestContext): Promise<LiveStreamReader> {
    const { cookies } = await ctx.storageState();
    const stop = new AbortController();
    const res = await fetch(baseURL + liveStream.path(null), {
      headers: { accept: 'text/event-stream', cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') },
      signal: stop.signal,
    });
    expect(res.status, 'GET /api/events').toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const r = new LiveStreamReader(stop);
    void r.pump(res.body!);
    return r;
  }

  private async pump(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body) {
        this.buf += decoder.decode(chunk, { stream: true });
        let end = this.buf.indexOf('\n\n');
        while (end >= 0) {
          this.take(this.buf.slice(0, end));
          this.buf = this.buf.slice(end + 2);
          end = this.buf.indexOf('\n\n');
        }
      }
    } catch {
      /* aborted by close() */
    }
  }

  private take(block: string) {
    const e: StreamEvent = { id: null, event: 'message', data: '' };
    let hasData = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue; // heartbeat
      const i = line.indexOf(':');
      const field = i < 0 ? line : line.slice(0, i);
      const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'id') e.id = value;
      else if (field === 'event') e.event = value;
      else if (field === 'data') {
        e.data += (hasData ? '\n' : '') + value;
        hasData = true;
      }
    }
    if (!hasData) return; // `retry:` or a comment
    this.events.push(e);
    for (const w of this.waiters.splice(0)) w();
  }

  /** The first event of `type` (matching `pred`, given its parsed data), waiting up to 10 s. */
  async next(type: string, pred: (json: any) => boolean = () => true): Promise<StreamEvent> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = this.events.find((e) => e.event === type && pred(JSON.parse(e.data)));
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} event on the live stream within 10 s`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, left);
      });
    }
  }

  close() {
    this.stop.abort();
  }
}
