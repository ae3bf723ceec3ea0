import net from 'node:net';
import { AppError } from '../../errors.js';
import { isPrivateAddress } from '../notifications/address-policy.js';

/**
 * The ConnectWise site an admin typed, as `https://host[:port]`: a host name (e.g.
 * `na.myconnectwise.net`, with or without `https://`), no path, no user name or password.
 * `http://` and private or loopback addresses only with ALLOW_PRIVATE_WEBHOOKS=true (a test or LAN
 * server); the request itself checks the address it connects to again (address-policy.ts).
 */
export function normaliseSite(raw: string, allowPrivate: boolean): string {
  const bad = (why: string) => new AppError('invalid_input', 400, `siteUrl ${why}`, { field: 'siteUrl' });
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw bad('must be a site name such as na.myconnectwise.net');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowPrivate))
    throw bad('must start with https://');
  if (url.username || url.password) throw bad('must not contain a user name or password');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash)
    throw bad('must be the site name only, without a path (for example na.myconnectwise.net)');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw bad('must name a host');
  if (net.isIP(host)) {
    if (!allowPrivate && isPrivateAddress(host))
      throw bad(`must be reachable on the public internet (${host} is a private or loopback address)`);
  } else if (
    !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(host)
  ) {
    throw bad('must be a host name such as na.myconnectwise.net');
  } else if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost'))) {
    throw bad('must be reachable on the public internet');
  }
  return url.origin;
}
