import { isIP } from 'node:net';
import type { Config } from '../../config.js';

type LinkConfig = Pick<Config, 'publicUrl' | 'port'>;

/**
 * The base of every link the server sends out (e-mails, chat messages, invitation links):
 * PUBLIC_URL, else http://localhost:PORT. Never a request's Host header, which a client can forge
 * to make a link point at a site of its choosing.
 */
export function publicBase(config: LinkConfig): string {
  return config.publicUrl ?? `http://localhost:${config.port}`;
}

export const handoffLink = (config: LinkConfig, handoffId: string) =>
  `${publicBase(config)}/handoffs/${encodeURIComponent(handoffId)}`;

export const invitationLink = (config: LinkConfig, token: string) =>
  `${publicBase(config)}/invite/${encodeURIComponent(token)}`;

export const passwordResetLink = (config: LinkConfig, token: string) =>
  `${publicBase(config)}/reset-password/${encodeURIComponent(token)}`;

export const preferencesLink = (config: LinkConfig) => `${publicBase(config)}/settings`;

/** The From of every e-mail: MAIL_FROM, else an address at PUBLIC_URL's host. */
export function mailFrom(config: Pick<Config, 'publicUrl' | 'port' | 'mailFrom'>): string {
  if (config.mailFrom) return config.mailFrom;
  const host = new URL(publicBase(config)).hostname.replace(/^\[|\]$/g, '');
  // An address literal is no mail domain.
  return `ResolutionFlow <resolutionflow@${isIP(host) ? 'localhost' : host}>`;
}
