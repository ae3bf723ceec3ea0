import dns from 'node:dns';
import net from 'node:net';

/**
 * Where the server may send a webhook. An admin types the URL, so without this check an admin
 * (or a stolen admin session) could make the server probe the internal network: loopback,
 * private, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, and the reserved
 * and multicast ranges are refused unless ALLOW_PRIVATE_WEBHOOKS=true.
 */
const blocked = new net.BlockList();
for (const [net4, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  blocked.addSubnet(net4, prefix, 'ipv4');
for (const [net6, prefix] of [
  ['::', 96], // unspecified, loopback, IPv4-compatible
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // old site-local
  ['ff00::', 8], // multicast
] as const)
  blocked.addSubnet(net6, prefix, 'ipv6');

/** The eight 16-bit groups of an IPv6 address, or null when it is not one. */
function ipv6Groups(ip: string): number[] | null {
  let s = ip.split('%')[0]!.toLowerCase();
  if (net.isIPv6(s) === false) return null;
  // A dotted IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  const tail = s.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (tail) {
    const [a, b, c, d] = tail[1]!.split('.').map(Number) as [number, number, number, number];
    s = `${s.slice(0, -tail[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = s.includes('::') ? s.split('::') : [s, null];
  const left = head ? head.split(':') : [];
  const right = rest ? rest.split(':') : [];
  const fill = rest === null ? [] : Array(8 - left.length - right.length).fill('0');
  const groups = [...left, ...fill, ...right].map((g) => Number.parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : null;
}

const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

/** The IPv4 address an IPv6 address carries (mapped, NAT64, 6to4), if any. */
function embeddedIpv4(groups: number[]): string | null {
  const zero = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  if (zero(0, 5) && groups[5] === 0xffff) return v4(groups[6]!, groups[7]!); // ::ffff:a.b.c.d
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zero(2, 6)) return v4(groups[6]!, groups[7]!); // NAT64
  if (groups[0] === 0x2002) return v4(groups[1]!, groups[2]!); // 6to4
  return null;
}

/** True for any address a webhook must not reach (and for anything that is not an address). */
export function isPrivateAddress(ip: string): boolean {
  if (net.isIPv4(ip)) return blocked.check(ip, 'ipv4');
  const groups = ipv6Groups(ip);
  if (!groups) return true;
  const inner = embeddedIpv4(groups);
  if (inner) return blocked.check(inner, 'ipv4');
  return blocked.check(groups.map((g) => g.toString(16)).join(':'), 'ipv6');
}

/**
 * A webhook URL that may not be used. The message is a predicate ("must start with https://"),
 * meant for the admin who typed it: the caller puts the field's name in front.
 */
export class WebhookAddressError extends Error {}

const stripBrackets = (host: string) => host.replace(/^\[|\]$/g, '');

function refusePrivate(host: string, addresses: string[], allowPrivate: boolean) {
  if (allowPrivate) return;
  const bad = addresses.find(isPrivateAddress);
  if (bad === undefined) return;
  const via = bad === host ? '' : ` resolves to ${bad}, which`;
  throw new WebhookAddressError(
    `must be reachable on the public internet (${host}${via} is a private, loopback or link-local address)`,
  );
}

async function resolveAll(host: string, timeoutMs: number): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const found = await Promise.race([
      dns.promises.lookup(host, { all: true, verbatim: true }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    if (found.length === 0) throw new Error('no addresses');
    return found.map((a) => a.address);
  } catch {
    throw new WebhookAddressError(`names a host (${host}) that could not be resolved`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Checks a webhook URL when it is saved or tested: https only, no credentials, and (unless
 * allowed) no host that resolves to a private address. The send path checks again on the address
 * it actually connects to (`guardedLookup`), so a DNS answer that changes later does not help.
 */
export async function checkWebhookUrl(
  raw: string,
  opts: { allowPrivate: boolean; dnsTimeoutMs?: number },
): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookAddressError('must be a URL starting with https://');
  }
  if (url.protocol !== 'https:') throw new WebhookAddressError('must start with https://');
  if (url.username || url.password) throw new WebhookAddressError('must not contain a user name or password');
  const host = stripBrackets(url.hostname);
  if (!host) throw new WebhookAddressError('must name a host');
  const addresses = net.isIP(host) ? [host] : await resolveAll(host, opts.dnsTimeoutMs ?? 5000);
  refusePrivate(host, addresses, opts.allowPrivate);
  return url;
}

/**
 * A `lookup` for http(s).request that refuses private addresses on the very answer the socket
 * connects to (a DNS-rebinding host cannot pass the save-time check and then point elsewhere).
 */
export function guardedLookup(allowPrivate: boolean): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { all: true, family: options.family ?? 0, hints: options.hints }, (err, found) => {
      const done = callback as (err: NodeJS.ErrnoException | null, ...rest: unknown[]) => void;
      if (err) return done(err);
      try {
        refusePrivate(
          hostname,
          found.map((a) => a.address),
          allowPrivate,
        );
      } catch (refused) {
        return done(refused as NodeJS.ErrnoException);
      }
      if (options.all) return done(null, found);
      return done(null, found[0]!.address, found[0]!.family);
    });
  };
}

/** For an IP-literal host, which never goes through `lookup`. */
export function checkLiteralHost(url: URL, allowPrivate: boolean) {
  const host = stripBrackets(url.hostname);
  if (net.isIP(host)) refusePrivate(host, [host], allowPrivate);
}
