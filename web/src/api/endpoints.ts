import {
  ZAssistantMessageResponse,
  ZAuthResponse,
  ZBaselineResponse,
  ZBaselinesResponse,
  ZDemoInfo,
  ZEscalationAnalytics,
  ZEscalationRowsResponse,
  ZEscalationsCsv,
  ZEventType,
  ZHandoffResponse,
  ZHandoffsResponse,
  ZInvitationLookup,
  ZInvitationResponse,
  ZLiveEvent,
  ZLiveReady,
  ZMailOutboxResponse,
  ZMe,
  ZNoteExport,
  ZNotePreview,
  ZNotificationPreferences,
  ZNotificationSettings,
  ZNotificationsResponse,
  ZPasswordResetLookup,
  ZPasswordResetRequested,
  ZPendingInvitations,
  ZPsaConnection,
  ZPsaMembersResponse,
  ZPsaPostsResponse,
  ZPsaStatusesResponse,
  ZPsaTestResult,
  ZPsaTicketResponse,
  ZSessionResponse,
  ZSessionsResponse,
  ZSuggestionsResponse,
  ZTeammatesResponse,
  ZTicketNotesResponse,
  ZUserResponse,
  ZUsersResponse,
  ZWebhookTestResult,
} from '@rf/contracts';
import { z } from 'zod';
import type { AnalyticsRange, SessionFilters } from './keys';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One API endpoint as the web uses it: how to build its path, and the contract schema its
 * answer must parse with. `idempotent` creates carry an Idempotency-Key header.
 */
export interface Endpoint<P, S extends z.ZodType> {
  readonly method: HttpMethod;
  readonly path: (params: P) => string;
  readonly response: S;
  readonly idempotent: boolean;
}

function endpoint<S extends z.ZodType, P = undefined>(
  method: HttpMethod,
  path: (params: P) => string,
  response: S,
  opts: { idempotent?: boolean } = {},
): Endpoint<P, S> {
  return { method, path, response, idempotent: opts.idempotent ?? false };
}

const seg = encodeURIComponent;

export function qs(params: Record<string, string | number | undefined | null>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

const rangeParams = (r: AnalyticsRange) =>
  'period' in r ? { period: r.period } : { from: r.from, to: r.to };

/** A 204 answer has no body; the client reads it as null. */
const ZNoContent = z.null();

/**
 * Every endpoint the web calls, with the response schema it parses. This is the only place a
 * response schema is chosen: `call()` takes it from here, and e2e/contract.spec.ts calls every
 * entry against a real server and parses the real answer with it, so a drift between what the
 * server sends and what the web expects fails a test instead of a user's screen.
 */
export const endpoints = {
  // auth
  me: endpoint('GET', () => '/api/me', ZMe),
  demo: endpoint('GET', () => '/api/demo', ZDemoInfo),
  login: endpoint('POST', () => '/api/auth/login', ZAuthResponse),
  signup: endpoint('POST', () => '/api/auth/signup', ZAuthResponse),
  logout: endpoint('POST', () => '/api/auth/logout', ZNoContent),
  invitationLookup: endpoint(
    'GET',
    (p: { token: string }) => `/api/invitations/${seg(p.token)}`,
    ZInvitationLookup,
  ),
  acceptInvitation: endpoint(
    'POST',
    (p: { token: string }) => `/api/invitations/${seg(p.token)}/accept`,
    ZAuthResponse,
  ),
  requestPasswordReset: endpoint('POST', () => '/api/auth/password-reset', ZPasswordResetRequested),
  passwordResetLookup: endpoint(
    'GET',
    (p: { token: string }) => `/api/auth/password-reset/${seg(p.token)}`,
    ZPasswordResetLookup,
  ),
  completePasswordReset: endpoint(
    'POST',
    (p: { token: string }) => `/api/auth/password-reset/${seg(p.token)}`,
    ZPasswordResetLookup,
  ),

  // sessions
  sessions: endpoint(
    'GET',
    (f: SessionFilters) => `/api/sessions${qs({ status: f.status, owner: f.owner, q: f.q })}`,
    ZSessionsResponse,
  ),
  session: endpoint('GET', (p: { id: string }) => `/api/sessions/${seg(p.id)}`, ZSessionResponse),
  createSession: endpoint('POST', () => '/api/sessions', ZSessionResponse, { idempotent: true }),
  logStep: endpoint('POST', (p: { id: string }) => `/api/sessions/${seg(p.id)}/steps`, ZSessionResponse, {
    idempotent: true,
  }),
  addNote: endpoint('POST', (p: { id: string }) => `/api/sessions/${seg(p.id)}/notes`, ZSessionResponse, {
    idempotent: true,
  }),
  resolveSession: endpoint(
    'POST',
    (p: { id: string }) => `/api/sessions/${seg(p.id)}/resolve`,
    ZSessionResponse,
  ),

  // ticket notes (issue 15)
  notePreview: endpoint(
    'POST',
    (p: { id: string }) => `/api/sessions/${seg(p.id)}/notes/preview`,
    ZNotePreview,
  ),
  sessionNotes: endpoint(
    'GET',
    (p: { id: string }) => `/api/sessions/${seg(p.id)}/notes`,
    ZTicketNotesResponse,
  ),
  /** A download (text, Markdown or HTML): the page links to it; the text parses as a string. */
  noteExport: endpoint(
    'GET',
    (p: { id: string; noteId: string; format: 'md' | 'txt' | 'html' }) =>
      `/api/sessions/${seg(p.id)}/notes/${seg(p.noteId)}/export${qs({ format: p.format })}`,
    ZNoteExport,
  ),

  // assistant
  suggestions: endpoint(
    'GET',
    (p: { id: string }) => `/api/sessions/${seg(p.id)}/suggestions`,
    ZSuggestionsResponse,
  ),
  askAssistant: endpoint(
    'POST',
    (p: { id: string }) => `/api/sessions/${seg(p.id)}/assistant/messages`,
    ZAssistantMessageResponse,
    { idempotent: true },
  ),

  // handoffs
  escalate: endpoint('POST', (p: { id: string }) => `/api/sessions/${seg(p.id)}/handoffs`, ZHandoffResponse, {
    idempotent: true,
  }),
  queue: endpoint('GET', () => '/api/handoffs?status=open,claimed', ZHandoffsResponse),
  handoff: endpoint('GET', (p: { id: string }) => `/api/handoffs/${seg(p.id)}`, ZHandoffResponse),
  claimHandoff: endpoint('POST', (p: { id: string }) => `/api/handoffs/${seg(p.id)}/claim`, ZHandoffResponse),
  releaseHandoff: endpoint(
    'POST',
    (p: { id: string }) => `/api/handoffs/${seg(p.id)}/release`,
    ZHandoffResponse,
  ),
  cancelHandoff: endpoint(
    'POST',
    (p: { id: string }) => `/api/handoffs/${seg(p.id)}/cancel`,
    ZHandoffResponse,
  ),
  handoffDelivery: endpoint(
    'GET',
    (p: { id: string }) => `/api/handoffs/${seg(p.id)}/notifications`,
    ZNotificationsResponse,
  ),

  // analytics
  escalationAnalytics: endpoint(
    'GET',
    (p: { range: AnalyticsRange; compare: boolean }) =>
      `/api/analytics/flowpilot/escalations${qs({ ...rangeParams(p.range), compare: p.compare ? 'true' : undefined })}`,
    ZEscalationAnalytics,
  ),
  escalationRows: endpoint(
    'GET',
    (p: { range: AnalyticsRange }) => `/api/analytics/flowpilot/escalations/rows${qs(rangeParams(p.range))}`,
    ZEscalationRowsResponse,
  ),
  /** text/csv: the page links to it (the browser downloads it with the cookie); the text parses as a string. */
  escalationsCsv: endpoint(
    'GET',
    (p: { range: AnalyticsRange }) =>
      `/api/analytics/flowpilot/escalations/rows.csv${qs(rangeParams(p.range))}`,
    ZEscalationsCsv,
  ),
  baselines: endpoint('GET', () => '/api/analytics/baselines', ZBaselinesResponse),
  recordBaseline: endpoint('POST', () => '/api/analytics/baselines', ZBaselineResponse),
  deleteBaseline: endpoint(
    'DELETE',
    (p: { id: string }) => `/api/analytics/baselines/${seg(p.id)}`,
    ZNoContent,
  ),

  // team and preferences
  users: endpoint('GET', () => '/api/users', ZUsersResponse),
  teammates: endpoint('GET', () => '/api/teammates', ZTeammatesResponse),
  patchUser: endpoint('PATCH', (p: { id: string }) => `/api/users/${seg(p.id)}`, ZUserResponse),
  invitations: endpoint('GET', () => '/api/invitations', ZPendingInvitations),
  invite: endpoint('POST', () => '/api/invitations', ZInvitationResponse),
  removeUser: endpoint('DELETE', (p: { id: string }) => `/api/users/${seg(p.id)}`, ZNoContent),
  revokeInvitation: endpoint('DELETE', (p: { id: string }) => `/api/invitations/${seg(p.id)}`, ZNoContent),
  changePassword: endpoint('POST', () => '/api/me/password', ZNoContent),
  notificationPreferences: endpoint(
    'GET',
    () => '/api/me/notification-preferences',
    ZNotificationPreferences,
  ),
  saveNotificationPreferences: endpoint(
    'PUT',
    () => '/api/me/notification-preferences',
    ZNotificationPreferences,
  ),

  // notifications (account settings, mail outbox)
  notificationSettings: endpoint('GET', () => '/api/account/notification-settings', ZNotificationSettings),
  saveNotificationSettings: endpoint(
    'PUT',
    () => '/api/account/notification-settings',
    ZNotificationSettings,
  ),
  testWebhook: endpoint('POST', () => '/api/account/webhook/test', ZWebhookTestResult),
  mailOutbox: endpoint(
    'GET',
    (p: { limit: number }) => `/api/mail-outbox${qs({ limit: p.limit })}`,
    ZMailOutboxResponse,
  ),

  // PSA integration (ConnectWise)
  psaConnection: endpoint('GET', () => '/api/integrations/connectwise', ZPsaConnection),
  savePsaConnection: endpoint('PUT', () => '/api/integrations/connectwise', ZPsaConnection),
  deletePsaConnection: endpoint('DELETE', () => '/api/integrations/connectwise', ZPsaConnection),
  testPsaConnection: endpoint('POST', () => '/api/integrations/connectwise/test', ZPsaTestResult),
  psaMembers: endpoint('GET', () => '/api/integrations/connectwise/members', ZPsaMembersResponse),
  setPsaMember: endpoint('PUT', () => '/api/integrations/connectwise/members', ZPsaMembersResponse),
  psaTicket: endpoint(
    'GET',
    (p: { id: string }) => `/api/sessions/${seg(p.id)}/psa-ticket`,
    ZPsaTicketResponse,
  ),
  linkPsaTicket: endpoint(
    'PUT',
    (p: { id: string }) => `/api/sessions/${seg(p.id)}/psa-ticket`,
    ZPsaTicketResponse,
  ),
  unlinkPsaTicket: endpoint(
    'DELETE',
    (p: { id: string }) => `/api/sessions/${seg(p.id)}/psa-ticket`,
    ZPsaTicketResponse,
  ),
  psaTicketStatuses: endpoint(
    'GET',
    (p: { id: string }) => `/api/sessions/${seg(p.id)}/psa-ticket/statuses`,
    ZPsaStatusesResponse,
  ),
  psaPosts: endpoint('GET', (p: { id: string }) => `/api/sessions/${seg(p.id)}/psa-posts`, ZPsaPostsResponse),
  retryPsaPost: endpoint(
    'POST',
    (p: { id: string }) => `/api/sessions/${seg(p.id)}/psa-posts/retry`,
    ZPsaPostsResponse,
  ),
};

export type EndpointName = keyof typeof endpoints;

/**
 * The live stream (Server-Sent Events), read by api/live.ts with an EventSource rather than
 * `call()`: where it is, which event types the web listens to, and the schemas their `data:`
 * parses with. e2e/contract.spec.ts reads a real stream with these too.
 */
export const liveStream = {
  /** A fresh EventSource cannot send Last-Event-ID: the position travels in the query. */
  path: (lastEventId: number | null) => `/api/events${qs({ lastEventId })}`,
  /** The first event on every stream, once the replay is written. */
  ready: ZLiveReady,
  types: ZEventType.options,
  event: ZLiveEvent,
};
