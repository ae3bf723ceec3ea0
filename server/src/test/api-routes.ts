import type { FastifyInstance } from 'fastify';

/**
 * THE list of API routes (PRODUCT.md's API table), shared by the route tests:
 * - http.test.ts: every route has its role gate, and id routes answer 404 for foreign ids;
 * - hostile-input.test.ts: generated hostile input to every route never answers 5xx, and every
 *   400 names a field.
 * A route the server registers but this list lacks fails `every registered route is listed`
 * (hostile-input.test.ts), so a new route cannot skip these tests. To add one, append an entry:
 * its method, its Fastify path (`:id` / `:token` are filled from the fixture), who may call it,
 * and, when it takes them, a valid body and the query parameters it reads (with a valid value).
 */
export type Who = 'anyone' | 'signed-in' | 'viewer' | 'engineer' | 'admin';

/** Rows made by the fixture that path parameters and bodies can refer to. */
export interface Fixture {
  session: string;
  handoff: string;
  baseline: string;
  user: string;
  token: string;
  /** A ticket note of `session` (its escalation note). */
  note: string;
  /** A pending invitation of the account, which a test may revoke. */
  invitation: string;
  /** A teammate no other call of the test relies on, whom a test may remove. */
  removable: string;
}

export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  min: Who;
  /** A valid body; hostile-input mutates its fields (and sends other shapes entirely). */
  body?: (f: Fixture) => Record<string, unknown>;
  /** The query parameters the route reads, each with a valid value (null: valid when left out). */
  query?: Record<string, string | null>;
  /** Which fixture row `:id` names (routes with `:id`); a `:noteId` is always the fixture's note. */
  param?: keyof Fixture;
  /** Skip the hostile-input run, with the reason. */
  notHostile?: string;
  /**
   * The route answers a stream that never ends (Server-Sent Events): a test that gets a 200 reads
   * the status and headers only and hangs up.
   */
  stream?: boolean;
  /** Send the hostile input signed out (logout would end the signed-in client's session). */
  hostileSignedOut?: boolean;
}

const now = () => new Date().toISOString();

export const API_ROUTES: ApiRoute[] = [
  { method: 'GET', path: '/api/healthz', min: 'anyone' },
  { method: 'GET', path: '/api/demo', min: 'anyone' },
  {
    method: 'POST',
    path: '/api/auth/signup',
    min: 'anyone',
    body: () => ({
      accountName: 'Hostile Co',
      name: 'Hal',
      email: `hal-${Math.random().toString(36).slice(2)}@example.test`,
      password: 'longenough1',
    }),
  },
  {
    method: 'POST',
    path: '/api/auth/login',
    min: 'anyone',
    body: () => ({ email: 'nobody@example.test', password: 'not-the-password' }),
  },
  { method: 'POST', path: '/api/auth/logout', min: 'signed-in', hostileSignedOut: true },
  { method: 'GET', path: '/api/me', min: 'signed-in' },
  { method: 'GET', path: '/api/me/notification-preferences', min: 'signed-in' },
  {
    method: 'PUT',
    path: '/api/me/notification-preferences',
    min: 'signed-in',
    body: () => ({ email: true, reminders: true }),
  },
  { method: 'GET', path: '/api/users', min: 'admin' },
  { method: 'GET', path: '/api/teammates', min: 'signed-in' },
  { method: 'PATCH', path: '/api/users/:id', param: 'user', min: 'admin', body: () => ({ tier: 1 }) },
  { method: 'GET', path: '/api/invitations', min: 'admin' },
  {
    method: 'POST',
    path: '/api/invitations',
    min: 'admin',
    body: () => ({
      email: `gate-${Math.random().toString(36).slice(2)}@example.test`,
      role: 'viewer',
      tier: 1,
    }),
  },
  { method: 'GET', path: '/api/invitations/:token', param: 'token', min: 'anyone' },
  {
    method: 'POST',
    path: '/api/invitations/:token/accept',
    param: 'token',
    min: 'anyone',
    body: () => ({ name: 'Ivy', password: 'longenough1' }),
  },
  {
    method: 'POST',
    path: '/api/auth/password-reset',
    min: 'anyone',
    body: () => ({ email: `reset-${Math.random().toString(36).slice(2)}@example.test` }),
  },
  // Filled with the invitation's token: any token that is not a live reset link answers 410.
  { method: 'GET', path: '/api/auth/password-reset/:token', param: 'token', min: 'anyone' },
  {
    method: 'POST',
    path: '/api/auth/password-reset/:token',
    param: 'token',
    min: 'anyone',
    body: () => ({ password: 'a new pass phrase 9' }),
  },
  { method: 'POST', path: '/api/sessions', min: 'engineer', body: () => ({ title: 't', problem: 'p' }) },
  {
    method: 'GET',
    path: '/api/sessions',
    min: 'viewer',
    query: { status: 'active', owner: 'me', q: 'printer', limit: '10' },
  },
  { method: 'GET', path: '/api/sessions/:id', param: 'session', min: 'viewer' },
  {
    method: 'POST',
    path: '/api/sessions/:id/steps',
    param: 'session',
    min: 'engineer',
    body: () => ({ action: 'a', outcome: 'info', detail: 'd' }),
  },
  {
    method: 'POST',
    path: '/api/sessions/:id/notes',
    param: 'session',
    min: 'engineer',
    body: () => ({ text: 'n' }),
  },
  {
    method: 'POST',
    path: '/api/sessions/:id/assistant/messages',
    param: 'session',
    min: 'engineer',
    body: () => ({ text: 'what next?' }),
  },
  { method: 'GET', path: '/api/sessions/:id/suggestions', param: 'session', min: 'viewer' },
  {
    method: 'POST',
    path: '/api/sessions/:id/resolve',
    param: 'session',
    min: 'engineer',
    body: () => ({ resolution: 'r', rootCause: 'c', note: { text: 'Resolution note: r', minutesWorked: 5 } }),
  },
  {
    method: 'POST',
    path: '/api/sessions/:id/notes/preview',
    param: 'session',
    min: 'engineer',
    body: () => ({ kind: 'resolution', resolution: 'r', rootCause: 'c', minutesWorked: 5 }),
  },
  { method: 'GET', path: '/api/sessions/:id/notes', param: 'session', min: 'viewer' },
  {
    method: 'GET',
    path: '/api/sessions/:id/notes/:noteId/export',
    param: 'session',
    min: 'viewer',
    query: { format: 'md' },
  },
  {
    method: 'POST',
    path: '/api/sessions/:id/handoffs',
    param: 'session',
    min: 'engineer',
    body: (f) => ({
      intent: 'escalate',
      reason: 'r',
      urgency: 'low',
      targetTier: null,
      targetUserId: f.user,
      note: { text: 'Escalation note: r' },
    }),
  },
  { method: 'GET', path: '/api/handoffs', min: 'viewer', query: { status: 'open,claimed', limit: '10' } },
  { method: 'GET', path: '/api/handoffs/:id', param: 'handoff', min: 'viewer' },
  { method: 'POST', path: '/api/handoffs/:id/claim', param: 'handoff', min: 'engineer' },
  { method: 'POST', path: '/api/handoffs/:id/release', param: 'handoff', min: 'engineer' },
  { method: 'POST', path: '/api/handoffs/:id/cancel', param: 'handoff', min: 'engineer' },
  { method: 'GET', path: '/api/handoffs/:id/notifications', param: 'handoff', min: 'admin' },
  { method: 'GET', path: '/api/account/notification-settings', min: 'admin' },
  {
    method: 'PUT',
    path: '/api/account/notification-settings',
    min: 'admin',
    // A public IP literal: saved without a DNS lookup and without being contacted (a private
    // address would be refused unless ALLOW_PRIVATE_WEBHOOKS is set).
    body: () => ({
      webhookUrl: 'https://8.8.8.8/hooks/rf',
      webhookFormat: 'auto',
      reminderDelayMinutes: 5,
    }),
  },
  {
    method: 'POST',
    path: '/api/account/webhook/test',
    min: 'admin',
    // A Send test to a URL the address policy refuses: answered without any network traffic.
    body: () => ({ webhookUrl: 'https://127.0.0.1/hook', webhookFormat: 'slack' }),
  },
  { method: 'GET', path: '/api/mail-outbox', min: 'admin', query: { limit: '20' } },
  // PSA (issue 15). The test server has no CW_CLIENT_ID: no request ever leaves for the saved site.
  { method: 'GET', path: '/api/integrations/connectwise', min: 'admin' },
  {
    method: 'PUT',
    path: '/api/integrations/connectwise',
    min: 'admin',
    body: () => ({
      siteUrl: 'https://8.8.8.8',
      companyId: 'acme',
      publicKey: 'pubkey1234',
      privateKey: 'privkey5678',
    }),
  },
  { method: 'DELETE', path: '/api/integrations/connectwise', min: 'admin' },
  {
    method: 'POST',
    path: '/api/integrations/connectwise/test',
    min: 'admin',
    body: () => ({
      siteUrl: 'https://8.8.8.8',
      companyId: 'acme',
      publicKey: 'pubkey1234',
      privateKey: 'privkey5678',
    }),
  },
  { method: 'GET', path: '/api/integrations/connectwise/members', min: 'admin' },
  {
    method: 'PUT',
    path: '/api/integrations/connectwise/members',
    min: 'admin',
    body: (f) => ({ userId: f.user, memberId: null }),
  },
  { method: 'GET', path: '/api/sessions/:id/psa-ticket', param: 'session', min: 'viewer' },
  {
    method: 'PUT',
    path: '/api/sessions/:id/psa-ticket',
    param: 'session',
    min: 'engineer',
    body: () => ({ ticketId: 4711 }),
  },
  { method: 'DELETE', path: '/api/sessions/:id/psa-ticket', param: 'session', min: 'engineer' },
  { method: 'GET', path: '/api/sessions/:id/psa-ticket/statuses', param: 'session', min: 'engineer' },
  { method: 'GET', path: '/api/sessions/:id/psa-posts', param: 'session', min: 'viewer' },
  {
    method: 'POST',
    path: '/api/sessions/:id/psa-posts/retry',
    param: 'session',
    min: 'engineer',
    body: () => ({ postId: 'no-such-post' }),
  },
  {
    method: 'GET',
    path: '/api/analytics/flowpilot/escalations',
    min: 'engineer',
    // `period` is the other way to ask (not with from/to): the hostile run adds it as a mutation.
    query: { from: '2026-01-01', to: '2026-02-01', compare: 'true', period: null },
  },
  {
    method: 'GET',
    path: '/api/analytics/flowpilot/escalations/rows',
    min: 'engineer',
    query: { from: '2026-01-01', to: '2026-02-01', period: null },
  },
  {
    method: 'GET',
    path: '/api/analytics/flowpilot/escalations/rows.csv',
    min: 'engineer',
    query: { from: '2026-01-01', to: '2026-02-01', period: null },
  },
  { method: 'GET', path: '/api/analytics/baselines', min: 'engineer' },
  {
    method: 'POST',
    path: '/api/analytics/baselines',
    min: 'admin',
    body: (f) => ({ durationSeconds: 60, measuredAt: now(), handoffId: f.handoff, note: 'timed' }),
  },
  { method: 'DELETE', path: '/api/analytics/baselines/:id', param: 'baseline', min: 'admin' },
  // The live stream; its Last-Event-ID header is fuzzed in features/live/live.test.ts.
  { method: 'GET', path: '/api/events', min: 'viewer', query: { lastEventId: '0' }, stream: true },
  // Team changes that end access come last: what they revoke or remove is theirs alone.
  {
    method: 'POST',
    path: '/api/me/password',
    min: 'signed-in',
    body: () => ({ currentPassword: 'not-the-password', newPassword: 'a new pass phrase 9' }),
  },
  { method: 'DELETE', path: '/api/invitations/:id', param: 'invitation', min: 'admin' },
  { method: 'DELETE', path: '/api/users/:id', param: 'removable', min: 'admin' },
];

/** The route's URL with its path parameter filled in (`id` overrides the fixture's row). */
export function urlOf(r: ApiRoute, f: Fixture, id?: string): string {
  const value = id ?? (r.param ? f[r.param] : '');
  return r.path
    .replace(/:(id|token)\b/, encodeURIComponent(value))
    .replace(/:noteId\b/, encodeURIComponent(f.note));
}

/** "METHOD /path" for every /api route the app registered (HEAD twins left out). */
export function registeredApiRoutes(app: FastifyInstance): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]+)\))?/.exec(line);
    if (!m) continue;
    stack.length = m[1]!.length / 4;
    stack.push(m[2]!);
    const path = stack.join('');
    if (!path.startsWith('/api/') || !m[3]) continue;
    for (const method of m[3].split(', ')) if (method !== 'HEAD') out.push(routeKey(method, path));
  }
  return out.sort();
}

/**
 * "METHOD /path" with every path parameter written `:param`: routes that share a position under
 * different names (`/api/invitations/:token` and `/api/invitations/:id`) print as one node
 * (`:token|:id`), and the name does not change which requests reach a route.
 */
export function routeKey(method: string, path: string): string {
  return `${method} ${path.replace(/:\w+(?:\|:\w+)*/g, ':param')}`;
}
