/**
 * Error codes and exact messages. A code a cause lists (`0x800F081F`, `550 5.1.1`, `AADSTS50076`,
 * `event ID 4740`, `ERR_CERT_DATE_INVALID`) and a code found in a ticket are reduced to the same key,
 * so written variants meet: `800f081f` = `0x800F081F`, `554 5.7.1` contains `5.7.1`, `event id 4740`
 * = `Event 4740`. Anything that is not a recognised code form is an exact message, matched as a
 * sequence of words ("Need password").
 */

export type CodeKind = 'hex' | 'smtp' | 'aadsts' | 'symbol' | 'event' | 'number' | 'kb';

export interface CodeKey {
  key: string;
  kind: CodeKind;
}

/** HRESULTs and stop codes: `0x` + 8 hex digits, or a bare 8-digit form starting with 8 or c (800f081f). */
const HEX = /(?<![0-9a-z])(?:0x([0-9a-f]{8})|([8c][0-9a-f]{7}))(?![0-9a-z])/g;
/**
 * Short Win32 and Kerberos codes (`0x54B` = `0x0000054B`, failure code `0x18`): padded to 8 digits so
 * both written forms meet.
 */
const SHORT_HEX = /(?<![0-9a-z])0x([0-9a-f]{1,7})(?![0-9a-z])/g;
/** An HRESULT printed as a signed 32-bit number (`-2146893022` = `0x80090322`), as repadmin and Intune do. */
const SIGNED_HRESULT = /(?<![0-9a-z.])-([12]\d{9})(?![0-9])/g;
/**
 * Status names written in CamelCase with at least three parts (`DeviceCapReached`,
 * `BlockedByConditionalAccess`, `APNSCertificateNotValid`). Two-part words are left alone: they are
 * mostly product names (SharePoint, FortiClient).
 */
const CAMEL = /(?<![A-Za-z0-9_])([A-Z][A-Za-z0-9]{5,})(?![A-Za-z0-9_])/g;
const CAMEL_PARTS = /[A-Z]+(?![a-z])|[A-Z][a-z0-9]+/g;
const SMTP = /(?<![0-9.])([245]\.\d{1,3}\.\d{1,3})(?![0-9.])/g;
const AADSTS = /\baadsts(\d{4,6})\b/g;
/** Entra's sign-in pages show the AADSTS number alone ("Error Code: 53003"), and users quote it so. */
const ENTRA_ERROR_CODE = /\berror\s*code\s*[:#]?\s*(\d{5,6})\b/g;
const KB = /\bkb(\d{6,7})\b/g;
const EVENT = /\bevent(?:\s*id)?\s*[:#]?\s*(\d{2,5})\b|\bid\s*[:#]?\s*(\d{3,5})\b/g;
const NUMBER = /(?<![0-9a-z.:/-])(\d{3,5})(?![0-9a-z.:/%-])/g;
/** Upper-case symbols with at least two underscores (IRQL_NOT_LESS_OR_EQUAL, ERR_CERT_DATE_INVALID). */
const SYMBOL = /(?<![A-Za-z0-9_])(?:NET::)?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+){2,})(?![A-Za-z0-9_])/g;

function add(out: Map<string, CodeKey>, key: string, kind: CodeKind): void {
  if (!out.has(key)) out.set(key, { key, kind });
}

/** Every code key in a text (ticket text or a cause's code string). */
export function extractCodes(text: string): CodeKey[] {
  const out = new Map<string, CodeKey>();
  for (const m of text.matchAll(SYMBOL)) add(out, m[1]!.toLowerCase(), 'symbol');
  for (const m of text.matchAll(CAMEL)) {
    const word = m[1]!;
    if (/[a-z]/.test(word) && (word.match(CAMEL_PARTS) ?? []).join('') === word) {
      if ((word.match(CAMEL_PARTS) ?? []).length >= 3) add(out, word.toLowerCase(), 'symbol');
    }
  }
  const lower = text.toLowerCase();
  for (const m of lower.matchAll(HEX)) {
    // An all-digit "80070005" is still an HRESULT; a bare number starting with 1-7 is not matched.
    add(out, `0x${m[1] ?? m[2]}`, 'hex');
  }
  for (const m of lower.matchAll(SHORT_HEX)) add(out, `0x${m[1]!.padStart(8, '0')}`, 'hex');
  for (const m of lower.matchAll(SIGNED_HRESULT)) {
    const n = Number(m[1]);
    if (n <= 2 ** 31) add(out, `0x${(2 ** 32 - n).toString(16).padStart(8, '0')}`, 'hex');
  }
  for (const m of lower.matchAll(SMTP)) add(out, m[1]!, 'smtp');
  for (const m of lower.matchAll(AADSTS)) add(out, `aadsts${m[1]}`, 'aadsts');
  for (const m of lower.matchAll(ENTRA_ERROR_CODE)) add(out, `aadsts${m[1]}`, 'aadsts');
  for (const m of lower.matchAll(KB)) add(out, `kb${m[1]}`, 'kb');
  const events = new Set<string>();
  for (const m of lower.matchAll(EVENT)) {
    const n = m[1] ?? m[2]!;
    events.add(n);
    add(out, n, 'event');
  }
  for (const m of lower.matchAll(NUMBER)) {
    const n = m[1]!;
    if (events.has(n) || out.has(n)) continue;
    // Years and times are not codes.
    if (/^(19|20)\d\d$/.test(n)) continue;
    add(out, n, 'number');
  }
  return [...out.values()];
}

/**
 * The keys a cause's code string stands for: its specific codes (`550 5.1.1` -> `5.1.1`), or a bare
 * number in a short string (`Error 1603`, `Event 4740`). Empty for an exact message.
 */
export function codeKeysOf(code: string): CodeKey[] {
  const keys = extractCodes(code);
  const specific = keys.filter((k) => k.kind !== 'number' && k.kind !== 'event');
  if (specific.length > 0) return specific;
  if (messageWords(code).length <= 3) return keys;
  return [];
}

/** Filler words a user adds or drops when quoting a message ("it says my mailbox is full"). */
const FILLER = new Set([
  'a',
  'an',
  'the',
  'is',
  'are',
  'was',
  'were',
  'has',
  'have',
  'been',
  'my',
  'your',
  'its',
]);

/** Words of an exact message, lowercased, fillers dropped (no stemming: matched as written). */
export function messageWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .split(/[^a-z0-9']+/)
    .map((w) => w.replace(/'/g, ''))
    .filter((w) => w.length > 0 && !FILLER.has(w));
}

/** Index of `needle` as a contiguous word sequence in `hay`, or -1. */
export function findWords(hay: string[], needle: string[]): number {
  if (needle.length === 0 || needle.length > hay.length) return -1;
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
