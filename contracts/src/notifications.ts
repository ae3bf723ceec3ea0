import { z } from 'zod';
import { ZId, ZText } from './common.js';

/** Per-user channel switches. `reminders` may be left out of a PUT (it then stays as it is). */
export const ZNotificationPreferences = z.object({ email: z.boolean(), reminders: z.boolean() });
export type TNotificationPreferences = z.infer<typeof ZNotificationPreferences>;
export const ZNotificationPreferencesBody = z.object({
  email: z.boolean(),
  reminders: z.boolean().optional(),
});
export type TNotificationPreferencesBody = z.infer<typeof ZNotificationPreferencesBody>;

/**
 * How the account webhook's message is shaped. `auto` picks by the URL's host: Slack's hosts get
 * Slack blocks, Teams connector hosts a MessageCard, Power Automate (Teams Workflows) hosts an
 * Adaptive Card, anything else (Mattermost, Rocket.Chat, ...) the Slack shape.
 */
export const ZWebhookFormat = z.enum(['auto', 'slack', 'teams_messagecard', 'teams_adaptive']);
export type TWebhookFormat = z.infer<typeof ZWebhookFormat>;

/** The text rules of every field (no NUL, no broken Unicode); the address policy checks the rest. */
const webhookUrl = ZText(2000, { min: 0 });

export const ZNotificationSettings = z.object({
  webhookUrl: z.string().nullable(),
  webhookFormat: ZWebhookFormat,
  /** The format `auto` resolves to for the saved URL (null without a webhook). */
  effectiveWebhookFormat: ZWebhookFormat.exclude(['auto']).nullable(),
  reminderDelayMinutes: z.number().int(),
});
export type TNotificationSettings = z.infer<typeof ZNotificationSettings>;

/** `webhookUrl`: left out keeps the saved one; null or "" removes it. */
export const ZNotificationSettingsBody = z.object({
  webhookUrl: webhookUrl.nullable().optional(),
  webhookFormat: ZWebhookFormat.optional(),
  reminderDelayMinutes: z
    .number({ message: 'must be a whole number of minutes' })
    .int('must be a whole number of minutes')
    .min(1, 'must be at least 1 minute')
    .max(1440, 'must be at most 1440 minutes (one day)'),
});
export type TNotificationSettingsBody = z.infer<typeof ZNotificationSettingsBody>;

/** Send test: to the URL given (not saved), or to the saved one when left out. */
export const ZWebhookTestBody = z.object({
  webhookUrl: ZText(2000).optional(),
  webhookFormat: ZWebhookFormat.optional(),
});
export type TWebhookTestBody = z.infer<typeof ZWebhookTestBody>;
export const ZWebhookTestResult = z.object({
  delivered: z.boolean(),
  format: ZWebhookFormat.exclude(['auto']),
  /** The receiver's HTTP status, when it answered. */
  status: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number(),
});
export type TWebhookTestResult = z.infer<typeof ZWebhookTestResult>;

export const ZNotificationIntent = z.enum(['escalate', 'reminder', 'invitation', 'password_reset']);
export type TNotificationIntent = z.infer<typeof ZNotificationIntent>;

export const ZMailOutboxQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const ZOutboxMail = z.object({
  id: ZId,
  intent: ZNotificationIntent,
  handoffId: ZId.nullable(),
  to: z.string(),
  from: z.string(),
  subject: z.string(),
  /** The body is null when `withheld` says why the caller may not read it. */
  text: z.string().nullable(),
  html: z.string().nullable(),
  /** The whole MIME message, as it would have gone to an SMTP server (null when withheld). */
  raw: z.string().nullable(),
  /**
   * Why the caller sees this mail without its body, or null when they see all of it. A mail that
   * carries a sign-in link (an invitation) is read only by the person who sent it, while they may
   * still grant its role, and by the account's owners.
   */
  withheld: z.string().nullable(),
  createdAt: z.string(),
});
export type TOutboxMail = z.infer<typeof ZOutboxMail>;
export const ZMailOutboxResponse = z.object({
  /** True when SMTP_URL is set: new mail then goes to the SMTP server, not here. */
  smtpConfigured: z.boolean(),
  mail: z.array(ZOutboxMail),
});
export type TMailOutboxResponse = z.infer<typeof ZMailOutboxResponse>;
