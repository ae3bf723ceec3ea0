import dns from 'node:dns';
import net from 'node:net';

/**
 * Where the server may send a webhook (or a PSA request). An admin types the URL, so without this
 * check an admin (or a stolen admin session) could make the server probe the internal network.
 *
 * IPv4: everything is allowed except the special-purpose blocks below (loopback, private,
 * link-local with the cloud metadata at 169.254.169.254, carrier-grade NAT, reserved, multicast...).
 * IPv6 is judged the other way round, so that a range we forgot fails closed: only global unicast
 * (2000::/3) may be reached, minus the special-purpose blocks inside it, and an address that carries
 * an IPv4 address (mapped, translated, NAT64, 6to4) is judged by that IPv4 address. Lifted as a whole
 * by ALLOW_PRIVATE_WEBHOOKS=true. Source: the IANA IPv4 and IPv6 special-purpose address registries.
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
  ['192.88.99.0', 24], // former 6to4 relay anycast
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  blocked.addSubnet(net4, prefix, 'ipv4');
// Special-purpose blocks inside global unicast (2000::/3). Everything outside it (::/96, ::1,
// 64:ff9b:1::/48 local-use NAT64, 100::/64, 5f00::/16, fc00::/7, fe80::/10, fec0::/10, ff00::/8,
// and whatever IANA has not allocated yet) is refused without a list.
for (const [net6, prefix] of [
  ['2001::', 23], // IETF protocol assignments: Teredo 2001::/32, benchmarking, ORCHID, AMT...
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation (RFC 9637)
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

/**
 * The IPv4 address an IPv6 address stands for, when it stands for one and the packet goes on to
 * that IPv4 address: IPv4-mapped ::ffff:0:0/96, IPv4-translated ::ffff:0:0:0/96 (SIIT), the
 * well-known NAT64 prefix 64:ff9b::/96 and 6to4 2002::/16.
 */
function embeddedIpv4(groups: number[]): string | null {
  const zero = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  if (zero(0, 5) && groups[5] === 0xffff) return v4(groups[6]!, groups[7]!); // ::ffff:a.b.c.d
  if (zero(0, 4) && groups[4] === 0xffff && groups[5] === 0) return v4(groups[6]!, groups[7]!); // ::ffff:0:a.b.c.d
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
  if ((groups[0]! & 0xe000) !== 0x2000) return true; // not global unicast
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
