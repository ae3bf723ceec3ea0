import nodemailer from 'nodemailer';
import type { Config } from '../../config.js';
import type { DbOrTx } from '../../db/client.js';
import { newId } from '../auth/tokens.js';
import { DeliveryError } from './delivery-error.js';
import { mailFrom } from './links.js';
import type { RenderedMail } from './messages.js';
import * as repo from './repo.js';

export interface MailMeta {
  notificationId: string;
  accountId: string;
  intent: 'escalate' | 'reminder' | 'invitation' | 'password_reset';
  handoffId: string | null;
}

/** Sends mail over SMTP, or (without SMTP_URL) keeps it in the database's mail outbox. */
export interface Mailer {
  readonly kind: 'smtp' | 'outbox';
  send(to: string, mail: RenderedMail, meta: MailMeta): Promise<void>;
  close(): void;
}

export interface MailerOptions {
  /** Parallel SMTP connections (the worker's concurrency). */
  maxConnections?: number;
  /** Per-phase SMTP timeouts; a server that accepts and never answers fails after these. */
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
}

export function createMailer(
  ctx: { db: DbOrTx; config: Config; clock: () => Date },
  opts: MailerOptions = {},
): Mailer {
  const from = mailFrom(ctx.config);
  if (ctx.config.smtpUrl) {
    const transport = nodemailer.createTransport({
      url: ctx.config.smtpUrl,
      pool: true,
      maxConnections: opts.maxConnections ?? 4,
      maxMessages: 200,
      connectionTimeout: opts.connectionTimeoutMs ?? 10_000,
      greetingTimeout: opts.greetingTimeoutMs ?? 10_000,
      socketTimeout: opts.socketTimeoutMs ?? 30_000,
    });
    return {
      kind: 'smtp',
      async send(to, mail) {
        try {
          await transport.sendMail({ from, to, subject: mail.subject, text: mail.text, html: mail.html });
        } catch (err) {
          throw smtpFailure(err);
        }
      },
      close: () => transport.close(),
    };
  }
  // The same message builder as SMTP, written to a buffer: the outbox holds exactly what a mail
  // server would have received.
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    kind: 'outbox',
    async send(to, mail, meta) {
      const info = await builder.sendMail({
        from,
        to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });
      await repo.insertOutboxMail(ctx.db, {
        id: newId(),
        accountId: meta.accountId,
        notificationId: meta.notificationId,
        intent: meta.intent,
        handoffId: meta.handoffId,
        toAddress: to,
        fromAddress: from,
        subject: mail.subject,
        textBody: mail.text,
        htmlBody: mail.html,
        raw: (info.message as Buffer).toString('utf8'),
        createdAt: ctx.clock(),
      });
    },
    close: () => builder.close(),
  };
}

/**
 * A refused recipient (5xx to RCPT TO) will be refused again: that row fails at once. Everything
 * else (connection refused, timeouts, 4xx, a misconfigured login) may heal and is retried.
 */
function smtpFailure(err: unknown): DeliveryError {
  const e = err as {
    responseCode?: number;
    command?: string;
    code?: string;
    response?: string;
    message?: string;
  };
  const code = e.responseCode ?? 0;
  const permanent = code >= 500 && code < 600 && e.command === 'RCPT TO';
  const detail = e.response
    ? `${e.command ? `${e.command}: ` : ''}${e.response}`
    : `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`;
  return new DeliveryError(`SMTP ${detail}`.slice(0, 500), permanent);
}
