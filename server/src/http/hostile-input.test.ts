import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_ROUTES,
  type ApiRoute,
  type Fixture,
  registeredApiRoutes,
  routeKey,
  urlOf,
} from '../test/api-routes.js';
import { type Client, type Harness, makeTeam, type Res, startApp, type Team } from '../test/harness.js';

/**
 * Property: whatever a client sends to any route in API_ROUTES (test/api-routes.ts), the answer
 * is never a 5xx, and every 400 names a field (`error.field` and `error.fields`). The inputs are
 * generated: NUL bytes, lone surrogates, huge strings, wrong types, arrays for objects, numbers
 * out of range, dates outside any sane range, odd ids and odd query strings, mixed into otherwise
 * valid requests so that each bad part is met by the validation it targets.
 *
 * RUNS sets the cases per route (HOSTILE_RUNS to raise it); a failure prints the seed, and
 * HOSTILE_SEED=<seed> replays it.
 */
const RUNS = Number(process.env.HOSTILE_RUNS ?? 30);
const SEED = process.env.HOSTILE_SEED ? Number(process.env.HOSTILE_SEED) : undefined;

let h: Harness;
let team: Team;
let fixture: Fixture;
let anon: Client;

beforeAll(async () => {
  h = await startApp();
  team = await makeTeam(h, 'Hostile');
  const s = await team.junior.client.post('/api/sessions', { title: 'Printer offline', problem: 'Spooler' });
  await team.junior.client.post(`/api/sessions/${s.body.session.id}/steps`, {
    action: 'Restarted the spooler',
    outcome: 'failed',
  });
  const ho = await team.junior.client.post(`/api/sessions/${s.body.session.id}/handoffs`, {
    intent: 'escalate',
    reason: 'stuck',
    urgency: 'normal',
  });
  const bl = await team.admin.client.post('/api/analytics/baselines', {
    durationSeconds: 300,
    measuredAt: new Date().toISOString(),
  });
  const inv = await team.admin.client.post('/api/invitations', {
    email: `hostile-invitee-${Date.now()}@example.test`,
    role: 'viewer',
    tier: 1,
  });
  const notes = await team.junior.client.get(`/api/sessions/${s.body.session.id}/notes`);
  fixture = {
    note: notes.body.notes[0].id,
    session: s.body.session.id,
    handoff: ho.body.handoff.id,
    baseline: bl.body.baseline.id,
    user: team.senior.id,
    token: inv.body.token,
    invitation: (
      await team.admin.client.post('/api/invitations', {
        email: `hostile-revoked-${Date.now()}@example.test`,
        role: 'viewer',
        tier: 1,
      })
    ).body.invitation.id,
    removable: team.senior2.id,
  };
  anon = h.client();
});
afterAll(() => h.close());

// ---- generators ---------------------------------------------------------------------------------

const HUGE = 'x'.repeat(100_000);
/** What broke the API before (issue 13): each is picked often, so every run meets them. */
const KNOWN_BREAKERS = [
  'a\u0000b',
  '\u0000',
  '\ud800',
  'tail \udc00',
  'emoji cut \ud83d',
  HUGE,
  '0000-01-01T00:00:00Z',
  '0000-01-01',
  '9999-12-01',
  '9999-12-31T23:59:59Z',
  '0001-01-15',
  '+275760-09-13T00:00:00Z',
  // Terminal escapes, CR/LF, bidi overrides, invisible-only text (probe findings 10 and 11).
  'Fake\u001b[2K\r\u001b[1AZ Corp',
  'a\r\nBcc: x@example.test',
  '\u202egnp.exe',
  '\u200b\u200b',
  '\u3164',
];
const knownBreakers = fc.constantFrom(...KNOWN_BREAKERS);
const oddText = fc.constantFrom(
  '',
  '   ',
  '\u202e\u200b\ufeff',
  '2026-02-30',
  '1999-12-31T23:59:59Z',
  '2026-03-01',
  'NaN',
  '-1',
  '1e400',
  '../../etc/passwd',
  "' or 1=1 --",
  '%00',
  'me',
  'open,bogus',
  'true',
);
const hostileText = fc.oneof(
  { weight: 5, arbitrary: knownBreakers },
  { weight: 3, arbitrary: oddText },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 300 }) },
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: hostileText },
  fc.constantFrom(0, -1, -0, 1.5, 1e308, -1e308, 2 ** 53 + 1, 86_401, 4),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(hostileText, fc.integer()), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), hostileText, { maxKeys: 2 }),
);

/** A body sent as it is (malformed JSON and the like), not JSON-encoded. */
class Raw {
  constructor(readonly text: string) {}
  toJSON() {
    return `raw:${this.text}`;
  }
}

/** A valid body with some fields replaced, removed or added; or a body of another shape. */
function hostileBody(sample: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(sample);
  const mutated = fc
    .tuple(
      fc.array(fc.tuple(fc.constantFrom(...keys), fc.option(hostileValue, { nil: undefined })), {
        minLength: 1,
        maxLength: Math.max(1, keys.length),
      }),
      fc.option(fc.tuple(fc.string({ maxLength: 8 }), hostileValue), { nil: undefined }),
    )
    .map(([changes, extra]) => {
      const body: Record<string, unknown> = { ...sample };
      for (const [k, v] of changes) {
        if (v === undefined) delete body[k];
        else body[k] = v;
      }
      if (extra) body[extra[0]] = extra[1];
      return body;
    });
  const otherShape = fc.oneof(
    fc.constantFrom<unknown>([], [sample], 'text', 42, true, null, {}),
    fc
      .constantFrom('{"title": "x",', '{"a":1}{"b":2}', '\u0000', '{"__proto__": {"x": 1}}', '[')
      .map((raw) => new Raw(raw)),
  );
  return keys.length ? fc.oneof({ weight: 4, arbitrary: mutated }, otherShape) : otherShape;
}

/** Raw query and path fragments, including percent-encodings that do not decode. */
const RAW_FRAGMENTS = ['%00', '%ED%A0%80', '%', '%zz', '%C0%80', '%FF', '%2F', 'a%00b', '%E2%80'];
const rawFragment = fc.constantFrom(...RAW_FRAGMENTS);
const encodeLoosely = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    // A lone surrogate cannot be percent-encoded as UTF-8: send its code units' bytes instead.
    return Array.from(s, (ch) =>
      ch.length === 1 && /[\ud800-\udfff]/.test(ch) ? '%ED%A0%80' : encodeURIComponent(ch),
    ).join('');
  }
};
const queryValue = fc.oneof(hostileText.map(encodeLoosely), rawFragment);

/** Each known parameter kept, dropped, made hostile or repeated; plus unknown and raw parts. */
function hostileQuery(known: Record<string, string | null>): fc.Arbitrary<string> {
  const perKey = Object.entries(known).map(([k, valid]) => {
    const kept = valid === null ? [] : [`${k}=${encodeURIComponent(valid)}`];
    return fc.oneof(
      fc.constant(kept),
      fc.constant([]),
      { weight: 3, arbitrary: queryValue.map((v) => [`${k}=${v}`]) },
      queryValue.map((v) => [...kept, `${k}=${v}`]),
    );
  });
  const extra = fc.array(
    fc.oneof(
      fc.tuple(fc.string({ maxLength: 6 }).map(encodeLoosely), queryValue).map(([k, v]) => `${k}=${v}`),
      rawFragment,
    ),
    { maxLength: 2 },
  );
  return fc.tuple(fc.tuple(...perKey), extra).map(([parts, more]) => [...parts.flat(), ...more].join('&'));
}

const hostileId = fc.oneof(
  rawFragment,
  fc.constantFrom('0', '-1', '1e308', 'null', 'undefined', '..', ' ', '%20', 'me', 'x'.repeat(5000)),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).map(encodeLoosely),
);

interface Case {
  id: string | null;
  query: string | null;
  body: unknown;
}

function caseFor(r: ApiRoute): fc.Arbitrary<Case> {
  const takesBody = r.method !== 'GET' && r.method !== 'DELETE';
  const sample = r.body ? r.body(fixture) : {};
  return fc.record({
    id: r.param ? fc.option(hostileId, { nil: null, freq: 3 }) : fc.constant(null),
    query: fc.option(hostileQuery(r.query ?? {}), { nil: null, freq: 2 }),
    body: takesBody
      ? r.body
        ? hostileBody(sample)
        : fc.option(hostileValue, { nil: undefined })
      : fc.constant(undefined),
  });
}

// ---- the property ---------------------------------------------------------------------------------

function send(r: ApiRoute, c: Case): Promise<Res> {
  const client = r.min === 'anyone' || r.hostileSignedOut ? anon : team.owner.client;
  const base = c.id === null ? urlOf(r, fixture) : r.path.replace(/:(id|token)\b/, c.id);
  const url = c.query === null ? base : `${base}?${c.query}`;
  client.allow5xx = true; // the property below reports a 5xx with its input
  if (r.stream) return openStream(client, url);
  const payload =
    c.body instanceof Raw ? c.body.text : c.body === undefined ? undefined : JSON.stringify(c.body);
  return client.req(
    r.method,
    url,
    payload,
    payload === undefined ? {} : { 'content-type': 'application/json' },
  );
}

/** A stream route: an error answer is read whole; a 200 stream is hung up on after its headers. */
async function openStream(client: Client, url: string): Promise<Res> {
  const stop = new AbortController();
  const res = await fetch(client.base + url, {
    headers: client.cookie ? { cookie: client.cookie } : {},
    signal: stop.signal,
  });
  if (res.status === 200) {
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    stop.abort();
    return { status: 200, body: null, headers: res.headers };
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: keep the text for the assertion message */
  }
  return { status: res.status, body, headers: res.headers };
}

/**
 * The sweep: every known breaker in every body field and every query parameter, and every raw
 * fragment as the id, one at a time, into an otherwise valid request. Random cases follow it.
 */
function sweep(r: ApiRoute): Case[] {
  const out: Case[] = [];
  const sample = r.body ? r.body(fixture) : null;
  for (const key of Object.keys(sample ?? {})) {
    for (const bad of KNOWN_BREAKERS) out.push({ id: null, query: null, body: { ...sample, [key]: bad } });
  }
  const valid = Object.entries(r.query ?? {}).filter((e): e is [string, string] => e[1] !== null);
  for (const key of Object.keys(r.query ?? {})) {
    for (const bad of [...KNOWN_BREAKERS.map(encodeLoosely), ...RAW_FRAGMENTS]) {
      const rest = valid.filter(([k]) => k !== key).map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
      out.push({ id: null, query: [...rest, `${key}=${bad}`].join('&'), body: sample ?? undefined });
    }
  }
  if (r.param) {
    for (const bad of [...RAW_FRAGMENTS, ...KNOWN_BREAKERS.map(encodeLoosely)]) {
      out.push({ id: bad, query: null, body: sample ?? undefined });
    }
  }
  return out;
}

function check(r: ApiRoute, c: Case, res: Res) {
  const what = `${r.method} ${r.path} ${JSON.stringify(c).slice(0, 300)} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
  expect(res.status, what).toBeLessThan(500);
  if (res.status === 400) {
    const e = res.body?.error;
    expect(typeof e?.field === 'string' && e.field.length > 0, `400 without a field: ${what}`).toBe(true);
    expect(Array.isArray(e.fields) && e.fields.length > 0, `400 without fields: ${what}`).toBe(true);
    for (const f of e.fields) {
      expect(typeof f.field === 'string' && typeof f.message === 'string' && f.message.length > 0, what).toBe(
        true,
      );
    }
    expect(e.fields[0].field, what).toBe(e.field);
  }
}

describe('hostile input to every route: never a 5xx, every 400 names a field', () => {
  it('every registered /api route is in the shared route list (test/api-routes.ts)', () => {
    const listed = API_ROUTES.map((r) => routeKey(r.method, r.path)).sort();
    expect(registeredApiRoutes(h.app)).toEqual(listed);
  });

  for (const r of API_ROUTES) {
    it.skipIf(Boolean(r.notHostile))(`${r.method} ${r.path}`, async () => {
      for (const c of sweep(r)) check(r, c, await send(r, c));
      await fc.assert(
        fc.asyncProperty(caseFor(r), async (c) => {
          check(r, c, await send(r, c));
        }),
        { numRuns: RUNS, seed: SEED },
      );
    });
  }
});
