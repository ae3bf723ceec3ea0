import type { THandoffContext } from '@rf/contracts';
import type { Config } from '../../config.js';
import type { DbOrTx } from '../../db/client.js';
import { deliverPsa } from '../psa/delivery.js';
import { handoffLink, preferencesLink } from './links.js';
import type { Mailer } from './mailer.js';
import {
  type HandoffMessage,
  handoffChatMessage,
  renderChat,
  renderHandoffMail,
  renderInvitationMail,
  renderPasswordResetMail,
  resolveWebhookFormat,
} from './messages.js';
import * as repo from './repo.js';
import { postWebhook } from './webhook-sender.js';

export interface DeliveryContext {
  db: DbOrTx;
  config: Config;
  clock: () => Date;
  mailer: Mailer;
  webhookTimeoutMs?: number;
  /** Handoff reads shared by the rows of one claimed batch. */
  handoffs?: Map<string, Promise<LoadedHandoff | null>>;
  /** The recipients of one claimed batch, read together (see `batchContext`). */
  recipients?: Promise<Map<string, Recipient>>;
}

type Recipient = NonNullable<Awaited<ReturnType<typeof repo.findRecipient>>>;

/**
 * A context for the rows of one claimed batch: they share one read of each handoff and one read of
 * all their recipients (a few milliseconds old at most), instead of a query each.
 */
export function batchContext(ctx: DeliveryContext, rows: repo.NotificationRow[]): DeliveryContext {
  const ids = [...new Set(rows.map((r) => r.recipientId).filter((id): id is string => !!id))];
  const recipients = ids.length
    ? repo.findRecipients(ctx.db, ids).then((list) => new Map(list.map((u) => [`${u.accountId} ${u.id}`, u])))
    : Promise.resolve(new Map<string, Recipient>());
  // A row that is skipped early never awaits this; its failure still reaches the rows that do.
  recipients.catch(() => {});
  return { ...ctx, handoffs: new Map(), recipients };
}

async function recipient(ctx: DeliveryContext, accountId: string, userId: string): Promise<Recipient | null> {
  // Scoped by account like every read: a recipient id from another account is nobody.
  if (ctx.recipients) return (await ctx.recipients).get(`${accountId} ${userId}`) ?? null;
  return repo.findRecipient(ctx.db, accountId, userId);
}

/**
 * How a delivery ended when it did not throw: sent, or skipped with the reason shown to admins.
 * `payload` replaces the stored payload (an invitation's link is dropped once it went out).
 */
export type DeliveryOutcome =
  | { status: 'sent'; payload?: unknown }
  | { status: 'skipped'; reason: string; payload?: unknown };

/** Invitation rows carry the accept link until it is sent: the token is stored nowhere else. */
export interface InvitationPayload {
  intent: 'invitation';
  invitationId: string;
  to: string;
  acceptUrl?: string;
  accountName: string;
  inviterName: string;
  role: string;
  tier: number;
  expiresAt: string;
}

/** A "forgot password" row carries its link until it is sent, like an invitation. */
export interface PasswordResetPayload {
  intent: 'password_reset';
  resetId: string;
  to: string;
  name: string;
  resetUrl?: string;
  expiresAt: string;
}

/** Delivers one claimed outbox row; throws a DeliveryError when it should be retried or fail. */
export async function deliver(ctx: DeliveryContext, row: repo.NotificationRow): Promise<DeliveryOutcome> {
  if (row.channel === 'email' && row.intent === 'invitation') return deliverInvitation(ctx, row);
  if (row.channel === 'email' && row.intent === 'password_reset') return deliverPasswordReset(ctx, row);
  if (row.channel === 'email') return deliverHandoffMail(ctx, row);
  if (row.channel === 'webhook') return deliverHandoffWebhook(ctx, row);
  if (row.channel === 'psa') return deliverPsa(ctx, row);
  // in_app rows are delivered by the committed live event; one left pending has nothing to send.
  return { status: 'skipped', reason: 'Delivered in the app by the live event stream' };
}

type LoadedHandoff = NonNullable<Awaited<ReturnType<typeof repo.findHandoffForMessage>>>;

async function loadHandoff(
  ctx: DeliveryContext,
  row: repo.NotificationRow,
): Promise<{ skip: string } | { h: LoadedHandoff }> {
  if (!row.handoffId) return { skip: 'This notification has no escalation' };
  const key = `${row.accountId} ${row.handoffId}`;
  let read = ctx.handoffs?.get(key);
  if (!read) {
    read = repo.findHandoffForMessage(ctx.db, row.accountId, row.handoffId);
    ctx.handoffs?.set(key, read);
  }
  const h = await read;
  if (!h) return { skip: 'The escalation no longer exists' };
  // Nobody needs to hear about an escalation that is already taken or closed.
  if (h.status === 'claimed')
    return { skip: `${h.claimedByName ?? 'Someone'} picked it up before this went out` };
  if (h.status !== 'open') return { skip: `The escalation was ${h.status} before this went out` };
  return { h };
}

function handoffMessage(
  ctx: DeliveryContext,
  row: repo.NotificationRow,
  h: LoadedHandoff,
  recipientId: string | null,
): HandoffMessage {
  const summary = (h.context as THandoffContext | null)?.problemSummary;
  const forYou = recipientId !== null && h.targetUserId === recipientId;
  const [target, targetPhrase] = forYou
    ? ['You', 'you']
    : h.targetUserId
      ? [h.targetName ?? 'A named teammate', h.targetName ?? 'a named teammate']
      : h.targetTier
        ? [`Tier ${h.targetTier} and up`, `tier ${h.targetTier} and up`]
        : ['Everyone on the team', 'the team'];
  return {
    intent: row.intent === 'reminder' ? 'reminder' : 'escalate',
    round: row.round,
    accountName: h.accountName,
    title: summary?.title ?? h.sessionTitle,
    problem: summary?.problem ?? h.sessionProblem,
    customer: summary ? summary.customer : h.sessionCustomer,
    asset: summary ? summary.asset : h.sessionAsset,
    urgency: h.urgency,
    reason: h.reason,
    escalatedBy: h.createdByName,
    target,
    targetPhrase,
    waitingMinutes: Math.max(0, Math.round((ctx.clock().getTime() - h.createdAt.getTime()) / 60_000)),
    link: handoffLink(ctx.config, h.id),
    preferencesLink: preferencesLink(ctx.config),
  };
}

async function deliverHandoffMail(ctx: DeliveryContext, row: repo.NotificationRow): Promise<DeliveryOutcome> {
  if (!row.recipientId) return { status: 'skipped', reason: 'No recipient' };
  const loaded = await loadHandoff(ctx, row);
  if ('skip' in loaded) return { status: 'skipped', reason: loaded.skip };
  // Preferences and membership are read again at send time: a teammate who turned e-mail off or
  // left while the mail waited for a retry does not get it.
  const user = await recipient(ctx, row.accountId, row.recipientId);
  if (!user) return { status: 'skipped', reason: 'No longer a member of the team' };
  if (user.role === 'viewer') return { status: 'skipped', reason: 'Viewers are not notified' };
  if (!user.emailNotifications) return { status: 'skipped', reason: 'E-mail notifications are turned off' };
  if (row.intent === 'reminder' && !user.reminderNotifications)
    return { status: 'skipped', reason: 'Reminders are turned off' };
  const mail = renderHandoffMail(handoffMessage(ctx, row, loaded.h, user.id), user.name);
  await ctx.mailer.send(user.email, mail, {
    notificationId: row.id,
    accountId: row.accountId,
    intent: row.intent === 'reminder' ? 'reminder' : 'escalate',
    handoffId: row.handoffId,
  });
  return { status: 'sent' };
}

async function deliverHandoffWebhook(
  ctx: DeliveryContext,
  row: repo.NotificationRow,
): Promise<DeliveryOutcome> {
  const settings = await repo.findAccountSettings(ctx.db, row.accountId);
  if (!settings?.webhookUrl) return { status: 'skipped', reason: 'The account webhook was removed' };
  const loaded = await loadHandoff(ctx, row);
  if ('skip' in loaded) return { status: 'skipped', reason: loaded.skip };
  const format = resolveWebhookFormat(settings.webhookUrl, settings.webhookFormat);
  const message = handoffChatMessage(handoffMessage(ctx, row, loaded.h, null));
  await postWebhook(settings.webhookUrl, renderChat(message, format), {
    allowPrivate: ctx.config.allowPrivateWebhooks,
    timeoutMs: ctx.webhookTimeoutMs,
  });
  return { status: 'sent' };
}

async function deliverInvitation(ctx: DeliveryContext, row: repo.NotificationRow): Promise<DeliveryOutcome> {
  const p = row.payload as InvitationPayload;
  const { acceptUrl, ...withoutLink } = p;
  if (!acceptUrl) return { status: 'skipped', reason: 'The invitation link is no longer stored' };
  const state = await repo.findInvitationState(ctx.db, row.accountId, p.invitationId);
  if (!state || state.revokedAt)
    return { status: 'skipped', reason: 'The invitation was withdrawn', payload: withoutLink };
  if (state.acceptedAt) return { status: 'skipped', reason: 'Already accepted', payload: withoutLink };
  if (state.expiresAt <= ctx.clock()) return { status: 'skipped', reason: 'Expired', payload: withoutLink };
  const mail = renderInvitationMail({
    accountName: p.accountName,
    inviterName: p.inviterName,
    role: p.role,
    tier: p.tier,
    acceptUrl,
    expiresAt: new Date(p.expiresAt),
  });
  await ctx.mailer.send(p.to, mail, {
    notificationId: row.id,
    accountId: row.accountId,
    intent: 'invitation',
    handoffId: null,
  });
  return { status: 'sent', payload: withoutLink };
}

async function deliverPasswordReset(
  ctx: DeliveryContext,
  row: repo.NotificationRow,
): Promise<DeliveryOutcome> {
  const p = row.payload as PasswordResetPayload;
  const { resetUrl, ...withoutLink } = p;
  if (!resetUrl) return { status: 'skipped', reason: 'The reset link is no longer stored' };
  const state = await repo.findPasswordResetState(ctx.db, row.accountId, p.resetId);
  if (!state || state.usedAt)
    return { status: 'skipped', reason: 'A newer link or a password change ended it', payload: withoutLink };
  if (state.expiresAt <= ctx.clock()) return { status: 'skipped', reason: 'Expired', payload: withoutLink };
  await ctx.mailer.send(
    p.to,
    renderPasswordResetMail({ name: p.name, resetUrl, expiresAt: new Date(p.expiresAt) }),
    { notificationId: row.id, accountId: row.accountId, intent: 'password_reset', handoffId: null },
  );
  return { status: 'sent', payload: withoutLink };
}
