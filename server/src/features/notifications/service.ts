import type {
  TMailOutboxResponse,
  TNotificationPreferences,
  TNotificationPreferencesBody,
  TNotificationSettings,
  TNotificationSettingsBody,
  TWebhookTestBody,
  TWebhookTestResult,
} from '@rf/contracts';
import type { Deps } from '../../deps.js';
import { AppError, notFound } from '../../errors.js';
import { type AuthUser, mayGrantRole } from '../../http/auth-context.js';
import { checkWebhookUrl, WebhookAddressError } from './address-policy.js';
import { DeliveryError } from './delivery-error.js';
import { preferencesLink } from './links.js';
import { renderChat, resolveWebhookFormat } from './messages.js';
import * as repo from './repo.js';
import { postWebhook } from './webhook-sender.js';

export async function getPreferences(deps: Deps, actor: AuthUser): Promise<TNotificationPreferences> {
  const p = await repo.findPreferences(deps.db.db, actor.accountId, actor.id);
  if (!p) throw notFound('User');
  return p;
}

export async function setPreferences(
  deps: Deps,
  actor: AuthUser,
  body: TNotificationPreferencesBody,
): Promise<TNotificationPreferences> {
  const p = await repo.updatePreferences(deps.db.db, actor.accountId, actor.id, {
    emailNotifications: body.email,
    ...(body.reminders === undefined ? {} : { reminderNotifications: body.reminders }),
  });
  if (!p) throw notFound('User');
  return p;
}

function presentSettings(a: NonNullable<Awaited<ReturnType<typeof repo.findAccountSettings>>>) {
  return {
    webhookUrl: a.webhookUrl,
    webhookFormat: a.webhookFormat,
    effectiveWebhookFormat: a.webhookUrl ? resolveWebhookFormat(a.webhookUrl, a.webhookFormat) : null,
    reminderDelayMinutes: a.reminderDelayMinutes,
  } satisfies TNotificationSettings;
}

export async function getSettings(deps: Deps, actor: AuthUser): Promise<TNotificationSettings> {
  const a = await repo.findAccountSettings(deps.db.db, actor.accountId);
  if (!a) throw notFound('Account');
  return presentSettings(a);
}

/** A URL the policy refuses is a 400 naming `webhookUrl`, with the reason in words. */
async function checkedWebhookUrl(deps: Deps, raw: string) {
  try {
    return (await checkWebhookUrl(raw, { allowPrivate: deps.config.allowPrivateWebhooks })).toString();
  } catch (err) {
    if (err instanceof WebhookAddressError) {
      throw new AppError('invalid_input', 400, `Webhook URL ${err.message}`, { field: 'webhookUrl' });
    }
    throw err;
  }
}

export async function saveSettings(
  deps: Deps,
  actor: AuthUser,
  body: TNotificationSettingsBody,
): Promise<TNotificationSettings> {
  const patch: Parameters<typeof repo.updateAccountSettings>[2] = {
    reminderDelayMinutes: body.reminderDelayMinutes,
  };
  if (body.webhookFormat) patch.webhookFormat = body.webhookFormat;
  if (body.webhookUrl === null || body.webhookUrl === '') patch.webhookUrl = null;
  else if (body.webhookUrl !== undefined) patch.webhookUrl = await checkedWebhookUrl(deps, body.webhookUrl);
  await repo.updateAccountSettings(deps.db.db, actor.accountId, patch);
  return getSettings(deps, actor);
}

/**
 * Sends a test message now, in the request (an admin pressing "Send test" wants the answer), to
 * the URL given or else the saved one. A receiver that refuses it is an answer, not an error.
 */
export async function testWebhook(
  deps: Deps,
  actor: AuthUser,
  body: TWebhookTestBody,
): Promise<TWebhookTestResult> {
  const a = await repo.findAccountSettings(deps.db.db, actor.accountId);
  if (!a) throw notFound('Account');
  const raw = body.webhookUrl ?? a.webhookUrl;
  if (!raw) {
    throw new AppError('invalid_input', 400, 'Webhook URL is required (no webhook is saved yet)', {
      field: 'webhookUrl',
    });
  }
  const url = await checkedWebhookUrl(deps, raw);
  const format = resolveWebhookFormat(url, body.webhookFormat ?? a.webhookFormat);
  const message = renderChat(
    {
      title: 'ResolutionFlow test message',
      lead: `${actor.name} checked the ${a.name} webhook. New escalations and reminders will appear here.`,
      facts: [
        ['Account', a.name],
        ['Sent by', actor.name],
      ],
      linkLabel: 'Open notification settings',
      link: preferencesLink(deps.config),
      footer: `${a.name} · ResolutionFlow`,
      urgency: null,
    },
    format,
  );
  const t0 = performance.now();
  try {
    const answer = await postWebhook(url, message, { allowPrivate: deps.config.allowPrivateWebhooks });
    return {
      delivered: true,
      format,
      status: answer.status,
      error: null,
      durationMs: performance.now() - t0,
    };
  } catch (err) {
    if (!(err instanceof DeliveryError)) throw err;
    return {
      delivered: false,
      format,
      status: err.httpStatus,
      error: err.message,
      durationMs: performance.now() - t0,
    };
  }
}

/** Mail that points at things every admin may open anyway, and carries no secret. */
const READ_BY_EVERY_ADMIN = new Set<string>(['escalate', 'reminder']);

type StoredMail = Awaited<ReturnType<typeof repo.listOutboxMail>>[number];

/**
 * Why `actor` may not read a stored mail's body, or null when they may. Escalations and reminders:
 * every admin and owner (the route's role). Anything else is treated as carrying a sign-in secret
 * (an invitation's accept link works for whoever holds it): only the owners, and the person who
 * sent the invitation while they may still grant its role. Everyone else sees that it went out,
 * to whom and when, but not the link: an admin must not pick up an owner invitation's token.
 */
function withheldReason(actor: AuthUser, row: StoredMail): string | null {
  // A password-reset link signs in as its recipient: nobody else may read it, owners included.
  if (row.mail.intent === 'password_reset')
    return `This e-mail holds a password-reset link for ${row.mail.toAddress}, so it is shown to nobody. Set SMTP_URL so that such mail reaches its recipient.`;
  if (READ_BY_EVERY_ADMIN.has(row.mail.intent) || actor.role === 'owner') return null;
  if (
    row.mail.intent === 'invitation' &&
    row.invitedBy === actor.id &&
    row.invitedRole !== null &&
    mayGrantRole(actor, row.invitedRole)
  )
    return null;
  if (row.mail.intent !== 'invitation')
    return "This e-mail holds a sign-in link, so only the account's owners can read it.";
  if (row.invitedBy === actor.id)
    return `You sent this invitation, but you can no longer grant the ${row.invitedRole} role: only the account's owners can read it, and it can no longer be accepted.`;
  return `This invitation holds a sign-in link, so only ${row.inviterName ?? 'the person who sent it'} and the account's owners can read it.`;
}

export async function listMailOutbox(
  deps: Deps,
  actor: AuthUser,
  limit: number,
): Promise<TMailOutboxResponse> {
  const rows = await repo.listOutboxMail(deps.db.db, actor.accountId, limit);
  return {
    smtpConfigured: deps.config.smtpUrl !== null,
    mail: rows.map((row) => {
      const m = row.mail;
      const withheld = withheldReason(actor, row);
      return {
        id: m.id,
        intent: m.intent,
        handoffId: m.handoffId,
        to: m.toAddress,
        from: m.fromAddress,
        subject: m.subject,
        text: withheld ? null : m.textBody,
        html: withheld ? null : m.htmlBody,
        raw: withheld ? null : m.raw,
        withheld,
        createdAt: m.createdAt.toISOString(),
      };
    }),
  };
}

export async function listHandoffNotifications(deps: Deps, actor: AuthUser, handoffId: string) {
  if (!(await repo.handoffExists(deps.db.db, actor.accountId, handoffId))) throw notFound('Handoff');
  const rows = await repo.listForHandoff(deps.db.db, actor.accountId, handoffId);
  // PSA rows (channel `psa`) belong to a session, not to a handoff: they are listed there.
  type Channel = 'in_app' | 'email' | 'webhook';
  type Intent = 'escalate' | 'reminder' | 'invitation';
  return rows.flatMap(({ n, recipientName }) =>
    n.channel === 'psa'
      ? []
      : [
          {
            id: n.id,
            channel: n.channel as Channel,
            intent: n.intent as Intent,
            round: n.round,
            recipientId: n.recipientId,
            recipient: n.recipientId && recipientName ? { id: n.recipientId, name: recipientName } : null,
            status: n.status,
            attempts: n.attempts,
            lastError: n.lastError,
            nextAttemptAt: n.status === 'pending' ? (n.nextAttemptAt?.toISOString() ?? null) : null,
            sentAt: n.sentAt?.toISOString() ?? null,
          },
        ],
  );
}
