/**
 * Every query key of the app, in one table. Hooks build their keys here and mutations
 * invalidate through here, so "what does this change touch" has one answer. Keys are
 * hierarchical: invalidating a prefix (e.g. `keys.sessions.all`) refreshes every list under it.
 */
export type Period = '7d' | '30d' | '90d';
/** An analytics window as the URL keeps it: a relative period, or UTC days (a date-only `to` includes that day). */
export type AnalyticsRange = { period: Period } | { from: string; to: string };
const rangeKey = (r: AnalyticsRange) => ('period' in r ? r.period : `${r.from}..${r.to}`);

export interface SessionFilters {
  status?: 'active' | 'escalated' | 'resolved';
  owner?: 'me';
  q?: string;
}

export const keys = {
  me: ['me'] as const,
  demo: ['demo'] as const,
  invitation: (token: string) => ['invitation', token] as const,
  passwordReset: (token: string) => ['password-reset', token] as const,

  sessions: {
    /** Every session list, whatever its filters. */
    all: ['sessions'] as const,
    list: (filters: SessionFilters) => ['sessions', filters] as const,
  },
  session: {
    /** Every single-session query (detail and suggestions) of every session. */
    all: ['session'] as const,
    /** One session: its detail and everything under it (suggestions). */
    one: (id: string) => ['session', id] as const,
    detail: (id: string) => ['session', id, 'detail'] as const,
    suggestions: (id: string) => ['session', id, 'suggestions'] as const,
    /** The session's linked PSA ticket, the ticket's statuses, and what was sent to it. */
    psaTicket: (id: string) => ['session', id, 'psa-ticket'] as const,
    psaStatuses: (id: string) => ['session', id, 'psa-ticket', 'statuses'] as const,
    psaPosts: (id: string) => ['session', id, 'psa-posts'] as const,
    /** The session's saved ticket notes (refreshed with the session after resolve or escalate). */
    notes: (id: string) => ['session', id, 'notes'] as const,
  },

  /**
   * A ticket-note preview for what was typed so far. Not under `session.one`: a resolve must not
   * refetch the preview of the dialog it is closing (the preview is refetched whenever it is shown).
   */
  notePreview: (sessionId: string, body: unknown) => ['note-preview', sessionId, body] as const,

  handoffs: {
    /** The queue and every single handoff. */
    all: ['handoffs'] as const,
    queue: ['handoffs', 'queue'] as const,
    one: (id: string) => ['handoffs', 'one', id] as const,
    /** Under `one`: refreshing a handoff refreshes its delivery rows too. */
    delivery: (id: string) => ['handoffs', 'one', id, 'notifications'] as const,
  },

  analytics: {
    /** The figures, the period's escalations and the baselines: every write that moves them invalidates this. */
    all: ['analytics'] as const,
    escalations: (range: AnalyticsRange, compare: boolean) =>
      ['analytics', 'escalations', rangeKey(range), compare] as const,
    rows: (range: AnalyticsRange) => ['analytics', 'rows', rangeKey(range)] as const,
    baselines: ['analytics', 'baselines'] as const,
  },

  team: {
    users: ['team', 'users'] as const,
    teammates: ['team', 'teammates'] as const,
    invitations: ['team', 'invitations'] as const,
  },
  notificationPreferences: ['preferences', 'notifications'] as const,
  notificationSettings: ['account', 'notification-settings'] as const,
  mailOutbox: ['mail-outbox'] as const,
  psa: {
    connection: ['psa', 'connection'] as const,
    members: ['psa', 'members'] as const,
  },
};
