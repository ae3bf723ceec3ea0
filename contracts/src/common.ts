import { z } from 'zod';

// ---- field primitives -------------------------------------------------------------------------
// Every contract builds its text, id and date fields from these, so a rule about what a client
// may send (no NUL, no broken Unicode, no control or bidi characters, something visible, dates
// PostgreSQL and people can use) holds for every endpoint at once (docs/decisions/012). Messages
// are predicates ("can be at most 200 characters"): `describeIssues` puts the field's label in
// front. A message that starts with a capital letter is a whole
// sentence and is shown as it is.

/** PostgreSQL refuses NUL in text; nobody types one on purpose. */
const hasNul = (s: string) => s.includes('\u0000');
/** A lone UTF-16 surrogate cannot be encoded as UTF-8: it would break JSON or become U+FFFD. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const isWellFormedText = (s: string) => !hasNul(s) && !LONE_SURROGATE.test(s);

/**
 * Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) reorder the text around
 * them: "\u202Egnp.exe" shows as "exe.png". Nobody types them, and in a name, an e-mail subject, a
 * PSA note or a terminal they spoof what people read. The marks (LRM, RLM, ALM) stay allowed.
 */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
/** Control characters (C0, DEL, C1) other than the two a multi-line text may hold (\n and \t). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const MULTILINE_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;
/** Whatever starts a new line (answered with "must be on one line", the clearest words for it). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const LINE_BREAK = /[\n\r\u000B\u000C\u0085\u2028\u2029]/;
/** Any control character, and the Unicode line and paragraph separators: a line is one line. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const LINE_CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;
/**
 * Something a reader can see: a letter, digit, punctuation or symbol that is not default-ignorable
 * (U+3164 HANGUL FILLER is a "letter" that shows as nothing) and not the blank braille pattern.
 * Text made only of spaces, zero-width characters or combining marks shows as blank.
 */
const VISIBLE = /(?![\p{Default_Ignorable_Code_Point}\u2800])[\p{L}\p{N}\p{P}\p{S}]/u;
export const hasVisibleCharacter = (s: string) => VISIBLE.test(s);

const NUL_MESSAGE = 'contains a character that is not allowed (a NUL byte)';
const SURROGATE_MESSAGE = 'contains malformed Unicode (a broken character)';
const LINE_BREAK_MESSAGE = 'must be on one line';
const INVISIBLE_MESSAGE = 'must contain a visible character (a letter, digit or symbol)';
const codePoint = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** What every text field refuses: a NUL byte, malformed Unicode. */
function wellFormed(s: z.ZodString) {
  return s
    .refine((v) => !hasNul(v), { message: NUL_MESSAGE, abort: true })
    .refine((v) => !LONE_SURROGATE.test(v), { message: SURROGATE_MESSAGE, abort: true });
}

/** The first problem with a text's characters, or null; `control` is the kind's control set. */
function characterProblem(v: string, control: RegExp): string | null {
  const c = v.match(control);
  if (c) return `contains a control character that is not allowed (${codePoint(c[0])})`;
  const b = v.match(BIDI_CONTROL);
  if (b) return `contains a text-direction control character that is not allowed (${codePoint(b[0])})`;
  if (v !== '' && !VISIBLE.test(v)) return INVISIBLE_MESSAGE;
  return null;
}

function checkCharacters(s: z.ZodString, control: RegExp) {
  return s.check((ctx) => {
    const problem = characterProblem(ctx.value, control);
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value, continue: false });
  });
}

/**
 * Single-line text (names, titles, e-mail addresses, URLs, search): no control character at all
 * (no CR/LF, tab, ESC, BEL ...), no Unicode line separator, no bidi control, and (when not empty)
 * at least one visible character. Trimmed unless `trim: false`.
 */
function lineString(trim: boolean) {
  const s = z.string();
  return checkCharacters(
    wellFormed(trim ? s.trim() : s).refine((v) => !LINE_BREAK.test(v), {
      message: LINE_BREAK_MESSAGE,
      abort: true,
    }),
    LINE_CONTROL,
  );
}

/**
 * Multi-line text (a problem, a step's detail, a note, a resolution): line breaks and tabs are
 * kept; CR LF and a lone CR become LF (what a browser's textarea sends; a bare CR is how a line is
 * overwritten on a terminal). Every other control character and the bidi controls are refused,
 * and a non-empty text needs a visible character. Trimmed.
 */
function multilineString() {
  return checkCharacters(
    wellFormed(
      z
        .string()
        .trim()
        .overwrite((v) => v.replace(/\r\n?/g, '\n')),
    ),
    MULTILINE_CONTROL,
  );
}

/** Only the rules every field shares (no NUL, no malformed Unicode), as typed: a password at sign-in. */
function rawString() {
  return wellFormed(z.string());
}

const lengths = <S extends z.ZodString>(s: S, min: number, max: number, minMessage?: string) =>
  s
    .min(min, minMessage ?? (min === 1 ? 'is required' : `must have at least ${min} characters`))
    .max(max, `can be at most ${max} characters`);

/**
 * Required single-line text: trimmed (unless `trim: false`), at least `min` characters (default
 * 1), at most `max`, and the character rules of a line (see `lineString`).
 */
export function ZText(max: number, opts: { min?: number; trim?: boolean; minMessage?: string } = {}) {
  return lengths(lineString(opts.trim ?? true), opts.min ?? 1, max, opts.minMessage);
}

/** Optional single-line text: an empty or blank value is the same as leaving it out. */
export function ZOptionalText(max: number) {
  return lineString(true)
    .max(max, `can be at most ${max} characters`)
    .optional()
    .transform((v) => (v === '' ? undefined : v));
}

/** Required multi-line text (a textarea): \n and \t allowed, CR LF becomes LF (see `multilineString`). */
export function ZMultilineText(max: number, opts: { min?: number; minMessage?: string } = {}) {
  return lengths(multilineString(), opts.min ?? 1, max, opts.minMessage);
}

/** Optional multi-line text: an empty or blank value is the same as leaving it out. */
export function ZOptionalMultilineText(max: number) {
  return multilineString()
    .max(max, `can be at most ${max} characters`)
    .optional()
    .transform((v) => (v === '' ? undefined : v));
}

/**
 * A secret as the user typed it before these rules (a password at sign-in): not trimmed, and only
 * NUL and malformed Unicode refused, so a password set under older rules still signs in.
 */
export function ZSecret(max: number) {
  return lengths(rawString(), 1, max);
}

/** Ids are opaque strings; the same text rules apply, so a hostile id is "not found", never a 500. */
export const ZId = rawString().min(1, 'is required').max(64, 'can be at most 64 characters');
/** A path parameter naming one row; a bad one answers 404 (see server/src/http/validate.ts). */
export const ZIdParam = z.object({ id: ZId });
export const ZTokenParam = z.object({
  token: rawString().min(1, 'is required').max(200, 'can be at most 200 characters'),
});

const DAY = 86_400_000;
/** The earliest date any field accepts: no ResolutionFlow data (or MSP stopwatch) predates it. */
export const EARLIEST_DATE = '2000-01-01';
const EARLIEST_MS = Date.parse(`${EARLIEST_DATE}T00:00:00Z`);
/** The latest: one year from now (a period may end in the future; a measurement may not be far off). */
const latestMs = () => Date.now() + 366 * DAY;

const ISO_DATE = z.iso.date();
const ISO_DATETIME = z.iso.datetime({ offset: true });

function inSaneRange(s: string): boolean {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
  return Number.isFinite(ms) && ms >= EARLIEST_MS && ms <= latestMs();
}
const RANGE_MESSAGE = `must be between ${EARLIEST_DATE} and one year from today`;

/** An ISO-8601 date-time with a zone (`2026-03-01T09:30:00Z`), between 2000 and a year from now. */
export const ZDateTime = z.string().superRefine((s, ctx) => {
  if (!ISO_DATETIME.safeParse(s).success) {
    ctx.addIssue({ code: 'custom', message: 'must be a date and time like 2026-03-01T09:30:00Z' });
  } else if (!inSaneRange(s)) {
    ctx.addIssue({ code: 'custom', message: RANGE_MESSAGE });
  }
});

/** A calendar date (`2026-03-01`) or a date-time, in the same sane range. */
export const ZDateOrDateTime = z.string().superRefine((s, ctx) => {
  if (!ISO_DATE.safeParse(s).success && !ISO_DATETIME.safeParse(s).success) {
    ctx.addIssue({ code: 'custom', message: 'must be a date like 2026-03-01 or a date and time' });
  } else if (!inSaneRange(s)) {
    ctx.addIssue({ code: 'custom', message: RANGE_MESSAGE });
  }
});

export const ZRole = z.enum(['viewer', 'engineer', 'admin', 'owner']);
export type TRole = z.infer<typeof ZRole>;
export const ROLE_RANK: Record<TRole, number> = { viewer: 0, engineer: 1, admin: 2, owner: 3 };

export const ZTier = z
  .number()
  .int('must be 1, 2 or 3')
  .min(1, 'must be 1, 2 or 3')
  .max(3, 'must be 1, 2 or 3');

// ---- errors -----------------------------------------------------------------------------------

export const ZFieldError = z.object({ field: z.string(), message: z.string() });
export type TFieldError = z.infer<typeof ZFieldError>;

/** Labels where the field's name does not read well on its own. */
const FIELD_LABELS: Record<string, string> = {
  accountName: 'Account name',
  targetUserId: 'Teammate',
  targetTier: 'Target tier',
  durationSeconds: 'Duration',
  measuredAt: 'Measured at',
  handoffId: 'Handoff',
  q: 'Search',
  from: 'Start date',
  to: 'End date',
  id: 'Id',
  body: 'The request body',
  query: 'The query string',
};

/** "measuredAt" → "Measured at"; for nested paths the innermost named key is used. */
export function fieldLabel(field: string): string {
  const key =
    field
      .split('.')
      .reverse()
      .find((p) => !/^\d+$/.test(p)) ?? field;
  if (FIELD_LABELS[key]) return FIELD_LABELS[key]!;
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const typeNames: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
};

const formatNames: Record<string, string> = {
  email: 'a valid email address',
  url: 'a web address',
  uuid: 'a valid id',
  datetime: 'a date and time like 2026-03-01T09:30:00Z',
  date: 'a date like 2026-03-01',
};

const list = (vals: readonly unknown[]) => {
  const parts = vals.map((v) => String(v));
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}`;
};

/**
 * zod error map: the message for an issue as a predicate in plain words. Pass it as
 * `schema.safeParse(input, { error: plainIssueMessage })`; messages written in a contract win.
 */
export function plainIssueMessage(iss: z.core.$ZodRawIssue): string {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'is required';
      return `must be ${typeNames[iss.expected] ?? iss.expected}`;
    case 'too_big': {
      const max = Number(iss.maximum);
      if (iss.origin === 'string') return `can be at most ${max} characters`;
      if (iss.origin === 'array') return `can have at most ${max} items`;
      return iss.inclusive === false ? `must be less than ${max}` : `can be at most ${max}`;
    }
    case 'too_small': {
      const min = Number(iss.minimum);
      if (iss.origin === 'string') return min <= 1 ? 'is required' : `must have at least ${min} characters`;
      if (iss.origin === 'array') return `must have at least ${min} item${min === 1 ? '' : 's'}`;
      return iss.inclusive === false ? `must be more than ${min}` : `must be at least ${min}`;
    }
    case 'invalid_format':
      return `must be ${formatNames[iss.format] ?? `in the ${iss.format} format`}`;
    case 'invalid_value':
      return `must be ${list(iss.values)}`;
    case 'not_multiple_of':
      return `must be a multiple of ${iss.divisor}`;
    case 'unrecognized_keys':
      return `has unknown field${iss.keys.length === 1 ? '' : 's'} ${list(iss.keys)}`;
    default:
      return 'is not valid';
  }
}

/**
 * One entry per bad field (its first issue), each with a message a user can read:
 * "Title can be at most 200 characters". An issue about the whole input is named `root`
 * ("body" or "query").
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], root = 'body'): TFieldError[] {
  const out: TFieldError[] = [];
  const seen = new Set<string>();
  for (const issue of issues) {
    const field = issue.path.length ? issue.path.map(String).join('.') : root;
    if (seen.has(field)) continue;
    seen.add(field);
    let message = issue.message;
    if (!issue.path.length && issue.code === 'invalid_type') {
      message = `must be a JSON ${issue.expected === 'object' ? 'object' : (typeNames[issue.expected] ?? issue.expected)}`;
    }
    out.push({ field, message: /^[A-Z]/.test(message) ? message : `${fieldLabel(field)} ${message}` });
  }
  return out;
}

export const ZUserRef = z.object({ id: ZId, name: z.string() });
export type TUserRef = z.infer<typeof ZUserRef>;
