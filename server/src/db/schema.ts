import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const id = () => text('id').primaryKey();

export const accounts = pgTable('accounts', {
  id: id(),
  name: text('name').notNull(),
  webhookUrl: text('webhook_url'),
  /** The account's newest live-event number: bumped inside every transaction that records one. */
  eventSeq: bigint('event_seq', { mode: 'number' }).notNull().default(0),
  /** The demo seed's account (migration 0005): found by this marker, never by its name. */
  isDemo: boolean('is_demo').notNull().default(false),
  /** How the webhook payload is shaped: chosen from the URL's host, or set by an admin. */
  webhookFormat: text('webhook_format', { enum: ['auto', 'slack', 'teams_messagecard', 'teams_adaptive'] })
    .notNull()
    .default('auto'),
  /** An escalation still unclaimed after this many minutes is re-notified (at most 3 times). */
  reminderDelayMinutes: integer('reminder_delay_minutes').notNull().default(5),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const users = pgTable(
  'users',
  {
    id: id(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    name: text('name').notNull(),
    /** Always stored lower-cased: emails compare case-insensitively. */
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: ['viewer', 'engineer', 'admin', 'owner'] }).notNull(),
    tier: integer('tier').notNull().default(1),
    emailNotifications: boolean('email_notifications').notNull().default(true),
    reminderNotifications: boolean('reminder_notifications').notNull().default(true),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** Removed from the team: cannot sign in, not notified or offered as a target; history stays. */
    deactivatedAt: ts('deactivated_at'),
  },
  (t) => [uniqueIndex('users_email_key').on(t.email), index('users_account_idx').on(t.accountId)],
);

export const authSessions = pgTable(
  'auth_sessions',
  {
    /** sha256 of the cookie token; the token itself is never stored. */
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    accountId: text('account_id').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('auth_sessions_user_idx').on(t.userId)],
);

/** An audit trail of failed sign-ins (e-mail, address, time); the limiter is `rateLimits`. */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    email: text('email').notNull(),
    ip: text('ip').notNull(),
    success: boolean('success').notNull(),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('login_attempts_email_idx').on(t.email, t.at), index('login_attempts_ip_idx').on(t.ip, t.at)],
);

/**
 * Rate-limit buckets (decision 011): one row per e-mail, address, e-mail+address or user and
 * purpose, keyed `policy:subject`. Growing delays, not lockouts; see features/rate-limit/policy.ts.
 */
export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text('key').primaryKey(),
    count: integer('count').notNull(),
    countedAt: ts('counted_at').notNull(),
    blockedUntil: ts('blocked_until').notNull(),
  },
  (t) => [index('rate_limits_idle_idx').on(t.countedAt)],
);

export const invitations = pgTable(
  'invitations',
  {
    id: id(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    email: text('email').notNull(),
    role: text('role', { enum: ['viewer', 'engineer', 'admin', 'owner'] }).notNull(),
    tier: integer('tier').notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedBy: text('invited_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    acceptedAt: ts('accepted_at'),
    /** Withdrawn by an admin before it was accepted: the link no longer works. */
    revokedAt: ts('revoked_at'),
  },
  (t) => [
    uniqueIndex('invitations_token_key').on(t.tokenHash),
    index('invitations_account_idx').on(t.accountId),
  ],
);

/**
 * "Forgot password" links: one row per link sent (only its sha256 is kept). A link works once, for
 * an hour, and only while it is the user's newest; using it or changing the password ends the rest.
 */
export const passwordResets = pgTable(
  'password_resets',
  {
    id: id(),
    accountId: text('account_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    /** Used, or ended by a newer link, a password change or the user's removal. */
    usedAt: ts('used_at'),
  },
  (t) => [
    uniqueIndex('password_resets_token_key').on(t.tokenHash),
    index('password_resets_user_idx').on(t.userId),
  ],
);

export const flowSessions = pgTable(
  'flow_sessions',
  {
    id: id(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    title: text('title').notNull(),
    problem: text('problem').notNull(),
    customer: text('customer'),
    asset: text('asset'),
    category: text('category'),
    status: text('status', { enum: ['active', 'escalated', 'resolved'] })
      .notNull()
      .default('active'),
    ownerId: text('owner_id')
      .notNull()
      .references(() => users.id),
    createdById: text('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    resolvedAt: ts('resolved_at'),
    resolution: text('resolution'),
  },
  (t) => [
    index('flow_sessions_account_idx').on(t.accountId, t.updatedAt),
    // The assistant's team history: an account's newest resolved sessions (migration 0007).
    index('flow_sessions_resolved_idx')
      .on(t.accountId, t.resolvedAt.desc(), t.id.desc())
      .where(sql`${t.status} = 'resolved'`),
  ],
);

export const timelineEntries = pgTable(
  'timeline_entries',
  {
    id: id(),
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    accountId: text('account_id').notNull(),
    sessionId: text('session_id')
      .notNull()
      .references(() => flowSessions.id),
    kind: text('kind', {
      enum: ['step', 'note', 'assistant_user', 'assistant_reply', 'resolution', 'handoff'],
    }).notNull(),
    text: text('text').notNull(),
    outcome: text('outcome', { enum: ['worked', 'failed', 'partial', 'info'] }),
    detail: text('detail'),
    /** A step: whether the suggestions panel offered it when it was logged (null: not recorded). */
    followed: boolean('followed'),
    authorId: text('author_id'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('timeline_session_idx').on(t.sessionId, t.seq)],
);

export const handoffs = pgTable(
  'handoffs',
  {
    id: id(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    sessionId: text('session_id')
      .notNull()
      .references(() => flowSessions.id),
    intent: text('intent', { enum: ['escalate'] }).notNull(),
    status: text('status', { enum: ['open', 'claimed', 'cancelled', 'resolved'] }).notNull(),
    reason: text('reason').notNull(),
    urgency: text('urgency', { enum: ['low', 'normal', 'high', 'critical'] }).notNull(),
    targetTier: integer('target_tier'),
    targetUserId: text('target_user_id'),
    createdById: text('created_by')
      .notNull()
      .references(() => users.id),
    /** Who owned the session when it was escalated: a release gives it back to them. */
    ownerAtEscalation: text('owner_at_escalation'),
    createdAt: ts('created_at').notNull().defaultNow(),
    claimedById: text('claimed_by'),
    claimedAt: ts('claimed_at'),
    firstActionAt: ts('first_action_at'),
    closedAt: ts('closed_at'),
    /** The immutable context snapshot built in the escalating transaction. */
    context: jsonb('context').notNull(),
    /** An LLM assessment that arrived after the escalation was answered (TLlmAssessment), or null. */
    llmAssessment: jsonb('llm_assessment'),
    /** Reminder rounds written so far (at most 3), and when the last one was. */
    remindersSent: integer('reminders_sent').notNull().default(0),
    lastRemindedAt: ts('last_reminded_at'),
    /**
     * Its delivery rows (in-app, e-mail, webhook) are still to be written: set by the escalating
     * transaction, cleared by the statement that writes them after the commit (decision 032).
     */
    deliveriesPending: boolean('deliveries_pending').notNull().default(false),
  },
  (t) => [
    // At most one open or claimed handoff per session, enforced by the database.
    uniqueIndex('handoffs_one_active_per_session').on(t.sessionId).where(sql`status in ('open', 'claimed')`),
    index('handoffs_queue_idx').on(t.accountId, t.status, t.createdAt),
    index('handoffs_created_idx').on(t.accountId, t.createdAt),
    index('handoffs_reminder_due_idx').on(t.createdAt).where(sql`status = 'open' AND reminders_sent < 3`),
    index('handoffs_deliveries_pending_idx').on(t.createdAt).where(sql`deliveries_pending`),
  ],
);

/**
 * Ticket notes (issue 15, migration 0009): the note a resolve or an escalation writes from the
 * session's log, as saved after the technician's edits (`body` is plain text). Saved in the same
 * transaction as the status change it documents.
 */
export const ticketNotes = pgTable(
  'ticket_notes',
  {
    id: id(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    sessionId: text('session_id')
      .notNull()
      .references(() => flowSessions.id),
    handoffId: text('handoff_id').references(() => handoffs.id),
    kind: text('kind', { enum: ['escalation', 'resolution'] }).notNull(),
    body: text('body').notNull(),
    minutesWorked: integer('minutes_worked'),
    createdById: text('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('ticket_notes_session_idx').on(t.sessionId, t.createdAt),
    check('ticket_notes_kind_check', sql`${t.kind} in ('escalation', 'resolution')`),
    check('ticket_notes_minutes_check', sql`${t.minutesWorked} IS NULL OR ${t.minutesWorked} >= 0`),
  ],
);

export const handoffAudit = pgTable(
  'handoff_audit',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: text('account_id').notNull(),
    handoffId: text('handoff_id')
      .notNull()
      .references(() => handoffs.id),
    action: text('action', {
      enum: ['created', 'claimed', 'released', 'cancelled', 'first_action', 'resolved'],
    }).notNull(),
    actorId: text('actor_id'),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('handoff_audit_handoff_idx').on(t.handoffId, t.id)],
);

/**
 * The replayable live stream. SSE ids are `seq`, numbered per account in commit order (see
 * migration 0001); `id` is only a row key.
 */
export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: text('account_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    type: text('type').notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('events_account_seq_key').on(t.accountId, t.seq),
    index('events_created_idx').on(t.createdAt),
  ],
);

/**
 * Who has ResolutionFlow open now: a row per user and server process (`origin`) holding at least
 * one of the user's live streams, written again every 15 s (decision 030). Rows of
 * a process that died go stale (older than `PRESENCE_FRESH_MS`) and are swept.
 */
export const livePresence = pgTable(
  'live_presence',
  {
    userId: text('user_id').notNull(),
    origin: text('origin').notNull(),
    seenAt: ts('seen_at').notNull(),
  },
  (t) => [primaryKey({ name: 'live_presence_pkey', columns: [t.userId, t.origin] })],
);

/** Transactional outbox: one row per recipient per channel. */
export const notifications = pgTable(
  'notifications',
  {
    id: id(),
    accountId: text('account_id').notNull(),
    handoffId: text('handoff_id').references(() => handoffs.id),
    channel: text('channel', { enum: ['in_app', 'email', 'webhook', 'psa'] }).notNull(),
    /**
     * What the message is about: a new escalation, a reminder round, an invitation, or (channel
     * `psa`) a note, status change or time entry for the session's linked PSA ticket.
     */
    intent: text('intent', {
      enum: ['escalate', 'reminder', 'invitation', 'password_reset', 'psa_note', 'psa_status', 'psa_time'],
    })
      .notNull()
      .default('escalate'),
    /** The reminder round (1..3) for `reminder` rows. */
    round: integer('round'),
    recipientId: text('recipient_id'),
    status: text('status', { enum: ['pending', 'sent', 'failed', 'skipped'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: ts('next_attempt_at'),
    sentAt: ts('sent_at'),
    /**
     * A worker that claims a row leases it until `lease_until` and stamps a fresh `lease_token`;
     * a process that dies mid-send stops renewing, and the row is due again when the lease ends.
     */
    leaseUntil: ts('lease_until'),
    leaseToken: text('lease_token'),
    payload: jsonb('payload').notNull(),
    /** PSA rows: the session whose note they carry (its page lists them). */
    sessionId: text('session_id'),
    /** PSA rows: one per note and operation (`psa:<note>:note|status|time`), so none is queued twice. */
    dedupeKey: text('dedupe_key'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('notifications_due_idx').on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index('notifications_handoff_idx').on(t.handoffId),
    uniqueIndex('notifications_dedupe_key').on(t.dedupeKey).where(sql`dedupe_key IS NOT NULL`),
    index('notifications_session_idx').on(t.sessionId).where(sql`session_id IS NOT NULL`),
  ],
);

/** The account's PSA connection (one per account). The API keys are encrypted (features/psa/secrets.ts). */
export const psaConnections = pgTable('psa_connections', {
  accountId: text('account_id')
    .primaryKey()
    .references(() => accounts.id),
  provider: text('provider', { enum: ['connectwise'] })
    .notNull()
    .default('connectwise'),
  siteUrl: text('site_url').notNull(),
  companyId: text('company_id').notNull(),
  /** AES-256-GCM of `{publicKey, privateKey, siteUrl, companyId}` (the keys are only used there); never sent to a browser or logged. */
  keysEnc: text('keys_enc').notNull(),
  publicKeyLast4: text('public_key_last4').notNull(),
  updatedBy: text('updated_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** An admin's choice of PSA member for a user (without one, the member is found by e-mail). */
export const psaMemberOverrides = pgTable(
  'psa_member_overrides',
  {
    accountId: text('account_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    memberId: integer('member_id').notNull(),
    memberIdentifier: text('member_identifier').notNull(),
    memberName: text('member_name').notNull(),
    setBy: text('set_by'),
    setAt: ts('set_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'psa_member_overrides_pk', columns: [t.accountId, t.userId] })],
);

/** The PSA ticket a session is linked to (at most one), with what the ticket said when linked. */
export const psaTicketLinks = pgTable(
  'psa_ticket_links',
  {
    sessionId: text('session_id')
      .primaryKey()
      .references(() => flowSessions.id),
    accountId: text('account_id').notNull(),
    provider: text('provider', { enum: ['connectwise'] })
      .notNull()
      .default('connectwise'),
    ticketId: integer('ticket_id').notNull(),
    summary: text('summary').notNull(),
    company: text('company'),
    status: text('status'),
    boardId: integer('board_id'),
    boardName: text('board_name'),
    linkedBy: text('linked_by').notNull(),
    linkedAt: ts('linked_at').notNull().defaultNow(),
  },
  (t) => [index('psa_ticket_links_account_idx').on(t.accountId)],
);

/** Mail kept in the database when no SMTP_URL is set: admins read it on the Mail outbox page. */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: id(),
    accountId: text('account_id').notNull(),
    /** One stored mail per outbox row, so a retried delivery cannot store it twice. */
    notificationId: text('notification_id').notNull(),
    intent: text('intent', { enum: ['escalate', 'reminder', 'invitation', 'password_reset'] }).notNull(),
    handoffId: text('handoff_id'),
    toAddress: text('to_address').notNull(),
    fromAddress: text('from_address').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body').notNull(),
    /** The complete MIME message, byte for byte what would have gone to an SMTP server. */
    raw: text('raw').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('mail_outbox_notification_key').on(t.notificationId),
    index('mail_outbox_account_idx').on(t.accountId, t.createdAt),
  ],
);

export const baselines = pgTable(
  'baselines',
  {
    id: id(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id),
    durationSeconds: doublePrecision('duration_seconds').notNull(),
    measuredAt: ts('measured_at').notNull(),
    handoffId: text('handoff_id'),
    note: text('note'),
    recordedById: text('recorded_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('baselines_account_idx').on(t.accountId, t.measuredAt)],
);

/**
 * `Idempotency-Key` of a create request: the first request with a key inserts the row (the unique
 * key decides between concurrent twins), runs, and stores its answer; a retry with the same key
 * replays that answer. Rows expire after 24 hours.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    accountId: text('account_id').notNull(),
    /** sha256 of method, route, path parameters and body: a reused key with another request is refused. */
    requestHash: text('request_hash').notNull(),
    /** Null while the first request runs. */
    responseStatus: integer('response_status'),
    responseBody: jsonb('response_body'),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** Refreshed when an abandoned run (its process died) is taken over. */
    lockedAt: ts('locked_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('idempotency_keys_user_key').on(t.userId, t.key),
    index('idempotency_keys_created_idx').on(t.createdAt),
  ],
);
