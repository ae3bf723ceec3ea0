/**
 * ConnectWise PSA (Manage) through its REST API, as the vendor's OpenAPI document describes it
 * ("Connectwise Manage Public Endpoints", version 2025.8; a trimmed copy of the parts used is in
 * server/src/test/fixtures/connectwise-openapi.json):
 *
 * - base `https://{site}/v4_6_release/apis/3.0`;
 * - `Authorization: Basic base64(companyId+publicKey:privateKey)`, the integration's `clientId`
 *   header, and the versioned `Accept: application/vnd.connectwise.com+json; version=2025.8`;
 * - GET /system/info, GET /service/tickets/{id}, GET /service/boards/{parentId}/statuses,
 *   GET|POST /service/tickets/{parentId}/notes (ServiceNote, `internalAnalysisFlag`),
 *   PATCH /service/tickets/{id} (a JSON Patch list of PatchOperation), GET|POST /time/entries
 *   (TimeEntry), GET /system/members (Member).
 *
 * The request goes through the same address policy as webhooks (notifications/address-policy.ts):
 * the socket's address is checked on connect, redirects are not followed, and each exchange is
 * bounded.
 */
import http from 'node:http';
import https from 'node:https';
import { z } from 'zod';
import { parseRetryAfter } from '../../http/retry-after.js';
import { checkLiteralHost, guardedLookup, WebhookAddressError } from '../notifications/address-policy.js';
import {
  PsaError,
  type PsaMarker,
  type PsaMember,
  type PsaNote,
  type PsaProvider,
  type PsaStatus,
  type PsaTicket,
  type PsaTimeEntry,
} from './provider.js';

export const CW_API_PATH = '/v4_6_release/apis/3.0';
export const CW_API_VERSION = '2025.8';
export const CW_ACCEPT = `application/vnd.connectwise.com+json; version=${CW_API_VERSION}`;

export interface ConnectWiseCredentials {
  /** `https://host[:port]` (validated by site.ts). */
  siteUrl: string;
  companyId: string;
  publicKey: string;
  privateKey: string;
}

export interface ConnectWiseOptions {
  clientId: string | null;
  allowPrivate: boolean;
  timeoutMs?: number;
}

/** The marker line a note or time entry carries (decision 025): visible, short, unique per post. */
export const markerLine = (m: PsaMarker) => `[ResolutionFlow ref ${m.ref}]`;
/** The text posted: the note exactly as previewed, a blank line, and the marker line. */
export const withMarker = (text: string, m: PsaMarker) => `${text}\n\n${markerLine(m)}`;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const MAX_BODY = 4 * 1024 * 1024;

export class ConnectWiseProvider implements PsaProvider {
  readonly kind = 'connectwise' as const;
  private readonly base: URL;
  private readonly auth: string;

  constructor(
    private readonly creds: ConnectWiseCredentials,
    private readonly opts: ConnectWiseOptions,
  ) {
    this.base = new URL(creds.siteUrl);
    this.auth = `Basic ${Buffer.from(`${creds.companyId}+${creds.publicKey}:${creds.privateKey}`).toString('base64')}`;
  }

  private async request(method: string, path: string, body?: unknown): Promise<Answer> {
    if (!this.opts.clientId)
      throw new PsaError(
        'not_configured',
        'The server has no ConnectWise clientId: set CW_CLIENT_ID (from developer.connectwise.com) and restart.',
      );
    const url = new URL(`${CW_API_PATH}${path}`, this.base);
    const timeoutMs = this.opts.timeoutMs ?? 10_000;
    try {
      checkLiteralHost(url, this.opts.allowPrivate);
    } catch (err) {
      throw new PsaError('refused_address', `The site address is not allowed: ${(err as Error).message}`);
    }
    const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = {
      authorization: this.auth,
      accept: CW_ACCEPT,
      'user-agent': 'ResolutionFlow-PSA',
    };
    if (this.opts.clientId) headers.clientid = this.opts.clientId;
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    const lib = url.protocol === 'http:' ? http : https;
    return new Promise<Answer>((resolve, reject) => {
      const req = lib.request(
        url,
        { method, agent: false, lookup: guardedLookup(this.opts.allowPrivate), headers },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size <= MAX_BODY) chunks.push(c);
          });
          res.on('end', () => {
            clearTimeout(timer);
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            });
          });
          res.on('error', (err) => {
            clearTimeout(timer);
            reject(err);
          });
        },
      );
      const timer = setTimeout(() => {
        req.destroy(Object.assign(new Error('timeout'), { code: 'RF_TIMEOUT' }));
      }, timeoutMs);
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.end(payload ?? undefined);
    }).catch((err: unknown) => {
      throw this.networkError(err, timeoutMs);
    });
  }

  private networkError(err: unknown, timeoutMs: number): PsaError {
    if (err instanceof PsaError) return err;
    const host = this.base.host;
    if (err instanceof WebhookAddressError)
      return new PsaError('refused_address', `The site address is not allowed: it ${err.message}`);
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code === 'RF_TIMEOUT')
      return new PsaError(
        'timeout',
        `ConnectWise at ${host} did not answer within ${Math.round(timeoutMs / 1000)} s.`,
        { retryable: true },
      );
    if (code === 'ENOTFOUND')
      return new PsaError(
        'wrong_site',
        `The site ${host} could not be found. Check the site name (for example na.myconnectwise.net).`,
        { retryable: true },
      );
    return new PsaError(
      'no_network',
      `ConnectWise at ${host} could not be reached (${code || (err as Error).message}). Check the network and the site.`,
      { retryable: true },
    );
  }

  /**
   * The answer as JSON from ConnectWise, checked against `schema` (what this client reads of the
   * documented shape), or a PsaError that says what went wrong. An answer of another shape (a
   * proxy, a version change, a host that is not ConnectWise) is a PsaError too, never a crash or
   * a value stored unchecked (decision 025).
   */
  private async json<S extends z.ZodType>(
    schema: S,
    method: string,
    path: string,
    body?: unknown,
    allow404 = false,
  ): Promise<z.output<S> | null> {
    const a = await this.request(method, path, body);
    if (a.status >= 200 && a.status < 300) {
      if (a.status === 204 || a.body === '') return null;
      let parsed: unknown;
      try {
        parsed = JSON.parse(a.body);
      } catch {
        throw new PsaError(
          'wrong_site',
          `${this.base.host} answered, but not like ConnectWise (no JSON). Check the site name.`,
          { status: a.status },
        );
      }
      const checked = schema.safeParse(parsed);
      if (!checked.success) {
        const issue = checked.error.issues[0];
        const where = issue?.path.length ? issue.path.join('.') : 'the answer';
        throw new PsaError(
          'server_error',
          `ConnectWise at ${this.base.host} answered ${method} ${path.split('?')[0]} with data ResolutionFlow does not expect (${where}: ${issue?.message ?? 'unexpected'}).`,
          { status: a.status, retryable: true },
        );
      }
      return checked.data;
    }
    if (a.status === 404 && allow404 && looksLikeConnectWise(a)) return null;
    throw this.httpError(a, path);
  }

  private httpError(a: Answer, path: string): PsaError {
    const detail = errorMessage(a.body);
    const host = this.base.host;
    if (a.status === 401) {
      // Both a wrong company id and wrong keys are a 401: ConnectWise's message tells them apart
      // when it names the company (decision 025).
      if (/compan/i.test(detail ?? ''))
        return new PsaError(
          'unknown_company',
          `ConnectWise at ${host} does not know the company id "${this.creds.companyId}". Use the company id you sign in with.`,
          { status: 401 },
        );
      return new PsaError(
        'bad_keys',
        'ConnectWise refused the API keys (401). Check the public and private key of the API member, and the company id.',
        { status: 401 },
      );
    }
    if (a.status === 403)
      return new PsaError(
        'forbidden',
        `ConnectWise refused this request (403)${detail ? `: ${detail}` : ''}. The API member's security role needs Service Desk and Time Entry access.`,
        { status: 403 },
      );
    if (a.status === 429) {
      const retryAfterMs = parseRetryAfter(a.headers['retry-after']);
      return new PsaError(
        'rate_limited',
        `ConnectWise is rate-limiting requests (429)${retryAfterMs !== null ? `; retry after ${Math.ceil(retryAfterMs / 1000)} s` : ''}.`,
        { status: 429, retryable: true, retryAfterMs },
      );
    }
    if (a.status === 404 && !looksLikeConnectWise(a))
      return new PsaError(
        'wrong_site',
        `${host} has no ConnectWise API at ${CW_API_PATH} (404). Check the site name.`,
        { status: 404 },
      );
    if (a.status === 404)
      return new PsaError('not_found', `ConnectWise has no ${path} (404).`, { status: 404 });
    if (a.status >= 500)
      return new PsaError(
        'server_error',
        `ConnectWise answered HTTP ${a.status}${detail ? `: ${detail}` : ''}.`,
        {
          status: a.status,
          retryable: true,
        },
      );
    return new PsaError(
      'rejected',
      `ConnectWise refused the request (HTTP ${a.status})${detail ? `: ${detail}` : ''}.`,
      {
        status: a.status,
      },
    );
  }

  async testConnection() {
    const info = await this.json(ZInfo, 'GET', '/system/info').catch((err: unknown) => {
      // Signed in, but the answer is not ConnectWise's Info: the site is something else.
      if (err instanceof PsaError && err.problem === 'server_error' && err.status === 200)
        throw new PsaError('wrong_site', `${this.base.host} answered, but not like ConnectWise.`);
      throw err;
    });
    if (!info) throw new PsaError('wrong_site', `${this.base.host} answered, but not like ConnectWise.`);
    return { version: typeof info.version === 'string' ? info.version.slice(0, 100) : null };
  }

  async findTicket(id: number): Promise<PsaTicket | null> {
    const t = await this.json(ZTicket, 'GET', `/service/tickets/${id}`, undefined, true);
    if (!t) return null;
    if (t.id !== id)
      throw new PsaError(
        'server_error',
        `ConnectWise at ${this.base.host} answered ticket #${t.id} when asked for #${id}.`,
        { retryable: true },
      );
    return {
      id,
      summary: t.summary ?? '',
      company: t.company?.name ?? t.company?.identifier ?? null,
      status: t.status?.name ?? null,
      board: t.board?.id ? { id: t.board.id, name: t.board.name ?? '' } : null,
    };
  }

  async listStatuses(ticket: PsaTicket): Promise<PsaStatus[]> {
    if (!ticket.board) return [];
    const list = await this.json(
      ZStatuses,
      'GET',
      `/service/boards/${ticket.board.id}/statuses?${new URLSearchParams({ conditions: 'inactive=false', orderBy: 'sortOrder asc', pageSize: '1000' })}`,
    );
    return (list ?? [])
      .filter((s) => !s.inactive)
      .map((s) => ({ id: s.id, name: s.name || `#${s.id}`, closed: s.closedStatus === true }));
  }

  async postNote(ticketId: number, note: PsaNote, marker: PsaMarker, opts: { mayExist: boolean }) {
    const line = markerLine(marker);
    if (opts.mayExist) {
      const notes = await this.json(
        ZNotes,
        'GET',
        `/service/tickets/${ticketId}/notes?${new URLSearchParams({ orderBy: 'id desc', pageSize: '1000' })}`,
      );
      const found = (notes ?? []).find((n) => n.text?.includes(line));
      if (found) return { id: found.id ?? 0, alreadyThere: true };
    }
    const body: CwServiceNote = {
      text: withMarker(note.text, marker),
      detailDescriptionFlag: false,
      internalAnalysisFlag: note.internal,
      resolutionFlag: false,
      processNotifications: false,
    };
    if (note.memberId) body.member = { id: note.memberId };
    const created = await this.json(ZCreated, 'POST', `/service/tickets/${ticketId}/notes`, body);
    return { id: created?.id ?? 0, alreadyThere: false };
  }

  async updateStatus(ticketId: number, statusId: number) {
    await this.json(z.unknown(), 'PATCH', `/service/tickets/${ticketId}`, [
      { op: 'replace', path: 'status', value: { id: statusId } },
    ]);
  }

  async addTimeEntry(ticketId: number, entry: PsaTimeEntry, marker: PsaMarker, opts: { mayExist: boolean }) {
    const line = markerLine(marker);
    if (opts.mayExist) {
      const list = await this.json(
        ZTimeEntries,
        'GET',
        `/time/entries?${new URLSearchParams({ conditions: `chargeToId=${ticketId} and chargeToType="ServiceTicket"`, pageSize: '1000' })}`,
      );
      const found = (list ?? []).find((e) => e.notes?.includes(line));
      if (found) return { id: found.id ?? 0, alreadyThere: true };
    }
    const body: CwTimeEntry = {
      chargeToId: ticketId,
      chargeToType: 'ServiceTicket',
      timeStart: cwDate(entry.start),
      timeEnd: cwDate(entry.end),
      notes: `${entry.notes}\n${line}`,
      addToDetailDescriptionFlag: false,
      addToInternalAnalysisFlag: false,
      addToResolutionFlag: false,
    };
    if (entry.memberId) body.member = { id: entry.memberId };
    const created = await this.json(ZCreated, 'POST', '/time/entries', body);
    return { id: created?.id ?? 0, alreadyThere: false };
  }

  async listMembers(): Promise<PsaMember[]> {
    const out: PsaMember[] = [];
    for (let page = 1; page <= 10; page++) {
      const list = await this.json(
        ZMembers,
        'GET',
        `/system/members?${new URLSearchParams({ conditions: 'inactiveFlag=false', orderBy: 'identifier asc', page: String(page), pageSize: '1000' })}`,
      );
      for (const m of list ?? []) {
        const name = [m.firstName, m.lastName].filter(Boolean).join(' ').trim();
        out.push({
          id: m.id,
          identifier: m.identifier ?? String(m.id),
          name: name || m.identifier || `#${m.id}`,
          email: (m.primaryEmail || m.officeEmail || null)?.toLowerCase() ?? null,
        });
      }
      if (!list || list.length < 1000) break;
    }
    return out;
  }

  async findMemberByEmail(email: string) {
    const e = email.trim().toLowerCase();
    return (await this.listMembers()).find((m) => m.email === e) ?? null;
  }
}

/** ConnectWise's date-time form: ISO-8601 UTC without milliseconds. */
const cwDate = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function errorMessage(body: string): string | null {
  try {
    const j = JSON.parse(body) as { message?: unknown };
    if (typeof j.message === 'string') return j.message.replace(/\s+/g, ' ').trim().slice(0, 300);
  } catch {}
  return null;
}

/** A 404 from ConnectWise itself (an ErrorResponseMessage), not from some other web server. */
function looksLikeConnectWise(a: Answer): boolean {
  try {
    const j = JSON.parse(a.body) as { code?: unknown };
    return typeof j.code === 'string';
  } catch {
    return false;
  }
}

/**
 * What this client reads of ConnectWise's answers (the documented shapes, trimmed to the fields
 * used). Ids are ConnectWise's int32 record ids (our columns are integers); text is clipped to
 * what we store and show. Unknown properties are ignored; a wrong type is an unexpected answer.
 */
const ZRecordId = z.number().int().min(1).max(2_147_483_647);
const ZClipped = (max: number) =>
  z
    .string()
    .nullish()
    .transform((v) => (v == null ? null : v.slice(0, max)));
const ZRef = z.object({ id: ZRecordId.nullish(), name: ZClipped(200), identifier: ZClipped(200) }).nullish();
const ZInfo = z.object({ version: z.unknown() });
const ZTicket = z.object({
  id: ZRecordId,
  summary: ZClipped(1000),
  company: ZRef,
  status: ZRef,
  board: ZRef,
});
const ZStatuses = z.array(
  z.object({
    id: ZRecordId,
    name: ZClipped(200),
    inactive: z.boolean().nullish(),
    closedStatus: z.boolean().nullish(),
  }),
);
const ZMembers = z.array(
  z.object({
    id: ZRecordId,
    identifier: ZClipped(200),
    firstName: ZClipped(100),
    lastName: ZClipped(100),
    primaryEmail: ZClipped(320),
    officeEmail: ZClipped(320),
  }),
);
/** The ticket's notes and time entries, read only to find our marker line. */
const ZNotes = z.array(z.object({ id: z.number().int().nullish(), text: z.string().nullish() }));
const ZTimeEntries = z.array(z.object({ id: z.number().int().nullish(), notes: z.string().nullish() }));
/** What a POST answered: its id is kept only as information. */
const ZCreated = z.object({ id: z.number().int().nullish() }).nullish();

interface Ref {
  id?: number | null;
}
interface CwServiceNote {
  text: string;
  detailDescriptionFlag: boolean;
  internalAnalysisFlag: boolean;
  resolutionFlag: boolean;
  processNotifications: boolean;
  member?: Ref;
}
interface CwTimeEntry {
  chargeToId: number;
  chargeToType: string;
  member?: Ref;
  timeStart: string;
  timeEnd: string;
  notes: string;
  addToDetailDescriptionFlag: boolean;
  addToInternalAnalysisFlag: boolean;
  addToResolutionFlag: boolean;
}
