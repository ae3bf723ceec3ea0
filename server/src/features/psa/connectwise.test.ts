import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../http/retry-after.js';
import { type ConnectWiseStandin, startConnectWiseStandin } from '../../test/connectwise-standin.js';
import { ConnectWiseProvider, CW_ACCEPT, markerLine } from './connectwise.js';
import { PsaError } from './provider.js';

let cw: ConnectWiseStandin;
beforeAll(async () => {
  cw = await startConnectWiseStandin();
  cw.members.push({
    id: 7,
    identifier: 'jjunior',
    firstName: 'Jamie',
    lastName: 'Junior',
    primaryEmail: 'Jamie@Example.test',
  });
});
afterAll(() => cw.close());

const provider = (
  over: Partial<{ companyId: string; publicKey: string; privateKey: string; siteUrl: string }> = {},
) =>
  new ConnectWiseProvider(
    { siteUrl: cw.url, companyId: cw.companyId, publicKey: cw.publicKey, privateKey: cw.privateKey, ...over },
    { clientId: cw.clientId, allowPrivate: true, timeoutMs: 1500 },
  );

const problemOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(PsaError);
    return (err as PsaError).problem;
  }
};

describe('ConnectWise provider against the stand-in', () => {
  it('sends the documented headers: Basic company+public:private, clientId, the versioned Accept', async () => {
    expect(await provider().testConnection()).toEqual({ version: 'v2025.8.12345' });
    const r = cw.calls('getSystemInfo').at(-1)!;
    expect(r.headers.accept).toBe(CW_ACCEPT);
    expect(r.headers.clientid).toBe(cw.clientId);
    expect(Buffer.from(r.headers.authorization!.slice(6), 'base64').toString()).toBe(
      `${cw.companyId}+${cw.publicKey}:${cw.privateKey}`,
    );
    expect(cw.violations).toEqual([]);
  });

  it('tells bad keys, an unknown company, a wrong site and no network apart', async () => {
    expect(await problemOf(provider({ privateKey: 'wrong' }).testConnection())).toBe('bad_keys');
    expect(await problemOf(provider({ companyId: 'nosuchco' }).testConnection())).toBe('unknown_company');
    // A web server that is not ConnectWise (HTML 404 for every path).
    const other = http.createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html>Not Found</html>');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const port = (other.address() as AddressInfo).port;
    expect(await problemOf(provider({ siteUrl: `http://127.0.0.1:${port}` }).testConnection())).toBe(
      'wrong_site',
    );
    await new Promise((r) => other.close(r));
    expect(await problemOf(provider({ siteUrl: 'http://127.0.0.1:1' }).testConnection())).toBe('no_network');
    expect(await problemOf(provider({ siteUrl: 'http://no-such-host.invalid' }).testConnection())).toBe(
      'wrong_site',
    );
  });

  it('refuses a loopback site unless private addresses are allowed', async () => {
    const p = new ConnectWiseProvider(
      { siteUrl: cw.url, companyId: cw.companyId, publicKey: cw.publicKey, privateKey: cw.privateKey },
      { clientId: cw.clientId, allowPrivate: false },
    );
    expect(await problemOf(p.testConnection())).toBe('refused_address');
  });

  it('finds a ticket (summary, company, status) and answers null for a missing one', async () => {
    expect(await provider().findTicket(4711)).toEqual({
      id: 4711,
      summary: 'Outlook keeps asking for the password',
      company: 'Contoso Dental',
      status: 'New',
      board: { id: 1, name: 'Service Desk' },
    });
    expect(await provider().findTicket(999)).toBeNull();
    const statuses = await provider().listStatuses((await provider().findTicket(4711))!);
    expect(statuses.map((s) => s.name)).toEqual(['New', 'In Progress', 'Escalated to Tier 2', 'Resolved']);
  });

  it('posts an internal note once, even when asked again after a lost answer', async () => {
    const p = provider();
    cw.swallowAnswer('postServiceTicketsByParentIdNotes');
    const marker = { ref: 'rf-note-test1' };
    expect(
      await problemOf(
        p.postNote(4711, { text: 'Checked DNS.', internal: true, memberId: 7 }, marker, { mayExist: false }),
      ),
    ).toBe('timeout');
    const again = await p.postNote(4711, { text: 'Checked DNS.', internal: true, memberId: 7 }, marker, {
      mayExist: true,
    });
    expect(again.alreadyThere).toBe(true);
    const stored = cw.notes.get(4711)!.filter((n) => String(n.text).includes(markerLine(marker)));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      text: `Checked DNS.\n\n${markerLine(marker)}`,
      internalAnalysisFlag: true,
      detailDescriptionFlag: false,
      member: { id: 7 },
    });
    expect(cw.violations).toEqual([]);
  });

  it('moves the status with a JSON Patch and adds a time entry', async () => {
    const p = provider();
    await p.updateStatus(4711, 14);
    expect(cw.tickets.get(4711)!.status.name).toBe('Resolved');
    const start = new Date('2026-11-26T08:00:00.000Z');
    const made = await p.addTimeEntry(
      4711,
      { memberId: 7, start, end: new Date(start.getTime() + 45 * 60_000), notes: 'Resolution' },
      { ref: 'rf-time-1' },
      { mayExist: false },
    );
    expect(made.alreadyThere).toBe(false);
    const again = await p.addTimeEntry(
      4711,
      { memberId: 7, start, end: new Date(start.getTime() + 45 * 60_000), notes: 'Resolution' },
      { ref: 'rf-time-1' },
      { mayExist: true },
    );
    expect(again).toEqual({ id: made.id, alreadyThere: true });
    expect(cw.timeEntries.filter((e) => e.chargeToId === 4711)).toHaveLength(1);
    expect(cw.timeEntries[0]).toMatchObject({
      actualHours: 0.75,
      member: { id: 7 },
      chargeToType: 'ServiceTicket',
    });
    expect(cw.violations).toEqual([]);
  });

  it('finds members by e-mail, whatever the case', async () => {
    expect(await provider().findMemberByEmail('jamie@example.test')).toMatchObject({
      id: 7,
      name: 'Jamie Junior',
    });
    expect(await provider().findMemberByEmail('nobody@example.test')).toBeNull();
  });

  it('reports 429 with its Retry-After', async () => {
    cw.rateLimit('getServiceTicketsById', 3);
    try {
      await provider().findTicket(4711);
      expect.unreachable();
    } catch (err) {
      expect((err as PsaError).problem).toBe('rate_limited');
      expect((err as PsaError).retryAfterMs).toBe(3000);
      expect((err as PsaError).retryable).toBe(true);
    }
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
    expect(parseRetryAfter('soon')).toBeNull();
  });
});

describe('answers of an unexpected shape (a proxy, a version change, a site that is not ConnectWise)', () => {
  let odd: http.Server;
  let answers: Record<string, unknown> = {};
  const oddProvider = () =>
    new ConnectWiseProvider(
      {
        siteUrl: `http://127.0.0.1:${(odd.address() as AddressInfo).port}`,
        companyId: 'acme',
        publicKey: 'p',
        privateKey: 'q',
      },
      { clientId: 'c', allowPrivate: true, timeoutMs: 1500 },
    );
  beforeAll(async () => {
    odd = http.createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname.replace('/v4_6_release/apis/3.0', '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answers[path] ?? null));
    });
    await new Promise<void>((r) => odd.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise<void>((r) => odd.close(() => r())));

  /** The error, which must be a PsaError saying what was answered (never a TypeError or a value). */
  const failure = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PsaError);
    return err as PsaError;
  };

  it('a ticket, statuses, members or a notes list of the wrong shape is a PsaError naming the field', async () => {
    answers = {
      '/service/tickets/5': { id: 5, summary: 12345 },
      '/service/tickets/6': { id: 2 ** 40, summary: 'x' },
      '/service/tickets/7': { id: 8, summary: 'x' },
      '/service/boards/1/statuses': [{ id: 3, name: { en: 'Closed' } }],
      '/system/members': [{ id: 9, identifier: 42 }],
      '/service/tickets/5/notes': { not: 'a list' },
      '/time/entries': 'nope',
      '/system/info': [1, 2, 3],
    };
    const p = oddProvider();
    const summary = await failure(p.findTicket(5));
    expect(summary).toMatchObject({ problem: 'server_error', retryable: true });
    expect(summary.message).toMatch(
      /answered GET \/service\/tickets\/5 with data ResolutionFlow does not expect \(summary:/,
    );
    expect((await failure(p.findTicket(6))).message).toMatch(/\(id:/);
    expect((await failure(p.findTicket(7))).message).toMatch(/answered ticket #8 when asked for #7/);
    const board = { id: 5, summary: '', company: null, status: null, board: { id: 1, name: 'B' } };
    expect((await failure(p.listStatuses(board))).message).toMatch(/\(0\.name:/);
    expect((await failure(p.listMembers())).message).toMatch(/\(0\.identifier:/);
    const note = { text: 'n', internal: true as const, memberId: null };
    expect((await failure(p.postNote(5, note, { ref: 'rf-x' }, { mayExist: true }))).problem).toBe(
      'server_error',
    );
    const entry = { memberId: null, start: new Date(0), end: new Date(60_000), notes: 'n' };
    expect((await failure(p.addTimeEntry(5, entry, { ref: 'rf-y' }, { mayExist: true }))).problem).toBe(
      'server_error',
    );
    expect((await failure(p.testConnection())).problem).toBe('wrong_site');
  });
});
