/**
 * A local ConnectWise PSA stand-in for tests, on 127.0.0.1. It is built from the vendor's OpenAPI
 * document (the trimmed copy in fixtures/connectwise-openapi.json, with its attribution) for
 * exactly the operations ResolutionFlow uses, and checks every request like the real API would:
 *
 * - the path under /v4_6_release/apis/3.0 and the method are a documented operation;
 * - `Authorization: Basic base64(company+publicKey:privateKey)` names a known company and its keys
 *   (401 otherwise), the `clientId` header is the expected one, and `Accept` asks for the
 *   documented vendor media type and version;
 * - a JSON body is valid against the operation's documented request schema, unknown properties
 *   included (a guessed field name is refused with 400 and recorded as a violation).
 *
 * Answers use the documented shapes (ServiceNote, Ticket, BoardStatus, TimeEntry, Member, Info;
 * errors as ErrorResponseMessage). Tests can take it down, make it rate-limit (429 + Retry-After)
 * or swallow the answer to a request it has carried out (the "did it land?" case).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

const DOC = JSON.parse(
  readFileSync(new URL('./fixtures/connectwise-openapi.json', import.meta.url), 'utf8'),
) as OpenApiDoc;
const BASE = '/v4_6_release/apis/3.0';
const MEDIA = Object.keys(Object.values(DOC.paths['/system/info']!)[0]!.responses['200']!.content!)[0]!; // application/vnd.connectwise.com+json; version=2025.8
const VERSION = /version=([\d.]+)/.exec(MEDIA)![1]!;

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  nullable?: boolean;
  enum?: string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema;
}
interface Operation {
  operationId: string;
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}
interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/** Validates a value against a schema of the document; returns the problems (empty when valid). */
export function validate(schema: Schema, value: unknown, at = 'body'): string[] {
  if (schema.$ref) return validate(DOC.components.schemas[schema.$ref.split('/').pop()!]!, value, at);
  if (value === null) return schema.nullable || schema.type === 'object' ? [] : [`${at} must not be null`];
  const errs: string[] = [];
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${at} must be an object`];
      const obj = value as Record<string, unknown>;
      for (const r of schema.required ?? []) if (!(r in obj)) errs.push(`${at}.${r} is required`);
      for (const [k, v] of Object.entries(obj)) {
        const p = schema.properties?.[k];
        if (p) errs.push(...validate(p, v, `${at}.${k}`));
        else if (schema.additionalProperties)
          errs.push(...validate(schema.additionalProperties, v, `${at}.${k}`));
        else if (schema.properties) errs.push(`${at}.${k} is not a documented property`);
      }
      return errs;
    }
    case 'array':
      if (!Array.isArray(value)) return [`${at} must be an array`];
      return value.flatMap((v, i) => validate(schema.items!, v, `${at}[${i}]`));
    case 'string':
      if (typeof value !== 'string') return [`${at} must be a string`];
      if (schema.enum && !schema.enum.includes(value))
        return [`${at} must be one of ${schema.enum.join(', ')}`];
      if (
        schema.format === 'date-time' &&
        !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)
      )
        return [`${at} must be a date-time`];
      return [];
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return [`${at} must be an integer`];
      if (schema.format === 'int32' && Math.abs(value) > 2_147_483_647) return [`${at} must be an int32`];
      return [];
    case 'number':
      return typeof value === 'number' ? [] : [`${at} must be a number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at} must be a boolean`];
    default:
      return [];
  }
}

export interface StandinTicket {
  id: number;
  summary: string;
  company: { id: number; identifier: string; name: string };
  board: { id: number; name: string };
  status: { id: number; name: string };
}
export interface StandinMember {
  id: number;
  identifier: string;
  firstName: string;
  lastName: string;
  primaryEmail: string;
}
export interface StandinRequest {
  method: string;
  path: string;
  operationId: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  at: number;
  status: number;
}

export interface StandinOptions {
  companyId?: string;
  publicKey?: string;
  privateKey?: string;
  clientId?: string;
}

export interface ConnectWiseStandin {
  url: string;
  port: number;
  companyId: string;
  publicKey: string;
  privateKey: string;
  clientId: string;
  tickets: Map<number, StandinTicket>;
  statuses: Map<number, { id: number; name: string; closedStatus: boolean; inactive: boolean }[]>;
  notes: Map<number, Record<string, unknown>[]>;
  timeEntries: Record<string, unknown>[];
  members: StandinMember[];
  /** Every request that reached it, answered or not. */
  requests: StandinRequest[];
  /** Everything it refused as not matching the document (should stay empty in a passing test). */
  violations: string[];
  /** Down: every connection is reset at once (then `setDown(false)` brings it back). */
  setDown(down: boolean): void;
  /** The next `n` requests to `operationId` answer 429 with `Retry-After: seconds`. */
  rateLimit(operationId: string, seconds: number, n?: number): void;
  /** The next request to `operationId` is carried out, but its answer never comes (a timeout). */
  swallowAnswer(operationId: string): void;
  /** The next `n` requests to `operationId` answer 503. */
  fail(operationId: string, status: number, n?: number): void;
  calls(operationId: string): StandinRequest[];
  close(): Promise<void>;
}

export async function startConnectWiseStandin(opts: StandinOptions = {}): Promise<ConnectWiseStandin> {
  const companyId = opts.companyId ?? 'acmemsp';
  const publicKey = opts.publicKey ?? 'PUBk3yStandin9Q1x';
  const privateKey = opts.privateKey ?? 'PRIVs3cretStandin7Zr';
  const clientId = opts.clientId ?? '8c3b1f2e-5a7d-4e9b-9c1a-0f2e3d4c5b6a';
  const tickets = new Map<number, StandinTicket>();
  const statuses = new Map<
    number,
    { id: number; name: string; closedStatus: boolean; inactive: boolean }[]
  >();
  const notes = new Map<number, Record<string, unknown>[]>();
  const timeEntries: Record<string, unknown>[] = [];
  const members: StandinMember[] = [];
  const requests: StandinRequest[] = [];
  const violations: string[] = [];
  const rateLimits = new Map<string, { seconds: number; n: number }>();
  const failures = new Map<string, { status: number; n: number }>();
  const swallow = new Set<string>();
  let down = false;
  let nextId = 5000;
  const sockets = new Set<Socket>();

  tickets.set(4711, {
    id: 4711,
    summary: 'Outlook keeps asking for the password',
    company: { id: 19, identifier: 'Contoso', name: 'Contoso Dental' },
    board: { id: 1, name: 'Service Desk' },
    status: { id: 11, name: 'New' },
  });
  statuses.set(1, [
    { id: 11, name: 'New', closedStatus: false, inactive: false },
    { id: 12, name: 'In Progress', closedStatus: false, inactive: false },
    { id: 13, name: 'Escalated to Tier 2', closedStatus: false, inactive: false },
    { id: 14, name: 'Resolved', closedStatus: true, inactive: false },
    { id: 15, name: 'Old status', closedStatus: false, inactive: true },
  ]);

  const ops: { re: RegExp; path: string; method: string; op: Operation }[] = [];
  for (const [p, methods] of Object.entries(DOC.paths))
    for (const [m, op] of Object.entries(methods))
      ops.push({
        re: new RegExp(`^${p.replace(/\{[^}]+\}/g, '(\\d+)')}$`),
        path: p,
        method: m.toUpperCase(),
        op,
      });

  const cwJson = (
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': `${MEDIA}; charset=utf-8`, ...headers });
    res.end(JSON.stringify(body));
  };
  const cwError = (res: http.ServerResponse, status: number, code: string, message: string, headers = {}) =>
    cwJson(res, status, { code, message }, headers);

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://standin');
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = Symbol.for('invalid');
      }
      const rec: StandinRequest = {
        method: req.method ?? '',
        path: url.pathname,
        operationId: '',
        query: url.searchParams,
        headers: req.headers,
        body,
        at: Date.now(),
        status: 0,
      };
      requests.push(rec);
      res.on('finish', () => {
        rec.status = res.statusCode;
      });
      if (!url.pathname.startsWith(`${BASE}/`)) {
        // Some other web server: not ConnectWise.
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<html><body>Not Found</body></html>');
        return;
      }
      const rel = url.pathname.slice(BASE.length);
      const found = ops.find((o) => o.method === req.method && o.re.test(rel));
      if (!found) {
        violations.push(`undocumented operation ${req.method} ${rel}`);
        return cwError(res, 404, 'NotFound', `No operation ${req.method} ${rel}`);
      }
      const { op } = found;
      rec.operationId = op.operationId;
      const ids = (found.re.exec(rel) ?? []).slice(1).map(Number);

      // Authentication: Basic company+publicKey:privateKey.
      const auth = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
      const decoded = auth ? Buffer.from(auth[1]!, 'base64').toString('utf8') : '';
      const m = /^([^+:]+)\+([^:]+):(.*)$/.exec(decoded);
      if (!m) {
        violations.push('Authorization is not Basic company+publicKey:privateKey');
        return cwError(res, 401, 'Unauthorized', 'Authorization has been denied for this request.');
      }
      if (m[1]!.toLowerCase() !== companyId.toLowerCase())
        return cwError(res, 401, 'Unauthorized', `The company "${m[1]}" could not be found.`);
      if (m[2] !== publicKey || m[3] !== privateKey)
        return cwError(res, 401, 'Unauthorized', 'Authorization has been denied for this request.');
      if (req.headers.clientid !== clientId) {
        violations.push(`clientId header ${JSON.stringify(req.headers.clientid)} is not the integration's`);
        return cwError(res, 401, 'Unauthorized', 'A valid clientId is required.');
      }
      const accept = req.headers.accept ?? '';
      if (
        !accept.startsWith('application/vnd.connectwise.com+json') ||
        !accept.includes(`version=${VERSION}`)
      ) {
        violations.push(`Accept ${JSON.stringify(accept)} does not ask for ${MEDIA}`);
        return cwError(res, 406, 'NotAcceptable', `Accept must be ${MEDIA}`);
      }
      if (op.requestBody) {
        const ct = req.headers['content-type'] ?? '';
        if (!ct.startsWith('application/json')) {
          violations.push(`${op.operationId}: content-type ${ct}`);
          return cwError(res, 415, 'UnsupportedMediaType', 'Content-Type must be application/json');
        }
        const schema = Object.values(op.requestBody.content)[0]!.schema;
        const problems = body === Symbol.for('invalid') ? ['body is not JSON'] : validate(schema, body);
        if (problems.length) {
          violations.push(`${op.operationId}: ${problems.join('; ')}`);
          return cwJson(res, 400, {
            code: 'InvalidObject',
            message: problems.join('; '),
            errors: problems.map((p) => ({ code: 'InvalidField', message: p, resource: op.operationId })),
          });
        }
      }
      const rl = rateLimits.get(op.operationId);
      if (rl && rl.n > 0) {
        rl.n--;
        return cwError(res, 429, 'TooManyRequests', 'Too many requests', {
          'retry-after': String(rl.seconds),
        });
      }
      const fl = failures.get(op.operationId);
      if (fl && fl.n > 0) {
        fl.n--;
        return cwError(res, fl.status, 'ServerError', 'Something went wrong');
      }
      const answer = (status: number, out: unknown) => {
        if (swallow.delete(op.operationId)) return; // carried out, answer lost
        cwJson(res, status, out);
      };
      handle(op.operationId, ids, url.searchParams, body, answer, res);
    });
  });

  function handle(
    op: string,
    ids: number[],
    query: URLSearchParams,
    body: unknown,
    answer: (status: number, out: unknown) => void,
    res: http.ServerResponse,
  ) {
    const ticket = (id: number) => tickets.get(id);
    const missing = (what: string) => cwError(res, 404, 'NotFound', `${what} not found`);
    const page = <T>(list: T[]) => {
      const size = Number(query.get('pageSize') ?? 25);
      const p = Number(query.get('page') ?? 1);
      return list.slice((p - 1) * size, p * size);
    };
    switch (op) {
      case 'getSystemInfo':
        return answer(200, {
          version: 'v2025.8.12345',
          isCloud: true,
          serverTimeZone: 'Eastern Standard Time',
        });
      case 'getServiceTicketsById': {
        const t = ticket(ids[0]!);
        return t ? answer(200, t) : missing(`Ticket ${ids[0]}`);
      }
      case 'patchServiceTicketsById': {
        const t = ticket(ids[0]!);
        if (!t) return missing(`Ticket ${ids[0]}`);
        for (const p of body as { op?: string; path?: string; value?: { id?: number } }[]) {
          if (p.op !== 'replace' || p.path !== 'status' || typeof p.value?.id !== 'number') {
            violations.push(`patch: unexpected operation ${JSON.stringify(p)}`);
            return cwError(res, 400, 'InvalidObject', 'Unsupported patch operation');
          }
          const s = statuses.get(t.board.id)?.find((x) => x.id === p.value!.id);
          if (!s) return cwError(res, 400, 'InvalidObject', 'status: the status is not on the ticket board');
          t.status = { id: s.id, name: s.name };
        }
        return answer(200, t);
      }
      case 'getServiceTicketsByParentIdNotes': {
        if (!ticket(ids[0]!)) return missing(`Ticket ${ids[0]}`);
        return answer(200, page([...(notes.get(ids[0]!) ?? [])].reverse()));
      }
      case 'postServiceTicketsByParentIdNotes': {
        if (!ticket(ids[0]!)) return missing(`Ticket ${ids[0]}`);
        const n = body as Record<string, unknown>;
        if (typeof n.text !== 'string' || n.text.trim() === '')
          return cwError(res, 400, 'InvalidObject', 'text: is required');
        if (!n.detailDescriptionFlag && !n.internalAnalysisFlag && !n.resolutionFlag)
          return cwError(res, 400, 'InvalidObject', 'One of the note type flags must be set');
        const member = n.member as { id?: number } | undefined;
        if (member && !members.some((x) => x.id === member.id))
          return cwError(res, 400, 'InvalidObject', 'member: not found');
        const stored = {
          id: nextId++,
          ticketId: ids[0],
          ...n,
          dateCreated: new Date().toISOString(),
          createdBy: 'APIMember',
        };
        const list = notes.get(ids[0]!) ?? [];
        list.push(stored);
        notes.set(ids[0]!, list);
        return answer(201, stored);
      }
      case 'getServiceBoardsByParentIdStatuses': {
        const list = statuses.get(ids[0]!);
        if (!list) return missing(`Board ${ids[0]}`);
        const active = query.get('conditions')?.includes('inactive=false')
          ? list.filter((s) => !s.inactive)
          : list;
        return answer(
          200,
          page(active).map((s) => ({ ...s, board: { id: ids[0], name: 'Service Desk' } })),
        );
      }
      case 'getTimeEntries': {
        const m = /chargeToId\s*=\s*(\d+)/.exec(query.get('conditions') ?? '');
        const list = m ? timeEntries.filter((e) => e.chargeToId === Number(m[1])) : timeEntries;
        return answer(200, page(list));
      }
      case 'postTimeEntries': {
        const e = body as Record<string, unknown>;
        if (e.chargeToType !== 'ServiceTicket' || !ticket(e.chargeToId as number))
          return cwError(res, 400, 'InvalidObject', 'chargeToId: the ticket was not found');
        const member = e.member as { id?: number } | undefined;
        if (member && !members.some((x) => x.id === member.id))
          return cwError(res, 400, 'InvalidObject', 'member: not found');
        if (e.timeEnd && Date.parse(e.timeEnd as string) <= Date.parse(e.timeStart as string))
          return cwError(res, 400, 'InvalidObject', 'timeEnd: must be after timeStart');
        const hours =
          e.timeEnd !== undefined
            ? (Date.parse(e.timeEnd as string) - Date.parse(e.timeStart as string)) / 3_600_000
            : 0;
        const stored = { id: nextId++, ...e, actualHours: Math.round(hours * 100) / 100 };
        timeEntries.push(stored);
        return answer(201, stored);
      }
      case 'getSystemMembers':
        return answer(200, page(members));
      default:
        return cwError(res, 404, 'NotFound', 'Not implemented by the stand-in');
    }
  }

  server.on('connection', (s: Socket) => {
    if (down) {
      s.destroy();
      return;
    }
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    companyId,
    publicKey,
    privateKey,
    clientId,
    tickets,
    statuses,
    notes,
    timeEntries,
    members,
    requests,
    violations,
    setDown(d) {
      down = d;
      if (d) for (const s of sockets) s.destroy();
    },
    rateLimit(operationId, seconds, n = 1) {
      rateLimits.set(operationId, { seconds, n });
    },
    swallowAnswer(operationId) {
      swallow.add(operationId);
    },
    fail(operationId, status, n = 1) {
      failures.set(operationId, { status, n });
    },
    calls(operationId) {
      return requests.filter((r) => r.operationId === operationId);
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
