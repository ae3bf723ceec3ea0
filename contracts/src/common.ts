import { z } from 'zod';

// ---- field primitives -------------------------------------------------------------------------
// Every contract builds its text, id and date fields from these, so a rule about what a client
// may send (no NUL, no broken Unicode, dates PostgreSQL and people can use) holds for every
// endpoint at once. Messages are predicates ("can be at most 200 characters"): `describeIssues`
// puts the field's label in front. A message that starts with a capital letter is a whole
// sentence and is shown as it is.

/** PostgreSQL refuses NUL in text; nobody types one on purpose. */
const hasNul = (s: string) => s.includes('\u0000');
/** A lone UTF-16 surrogate cannot be encoded as UTF-8: it would break JSON or become U+FFFD. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const isWellFormedText = (s: string) => !hasNul(s) && !LONE_SURROGATE.test(s);

const NUL_MESSAGE = 'contains a character that is not allowed (a NUL byte)';
const SURROGATE_MESSAGE = 'contains malformed Unicode (a broken character)';

function cleanString(trim: boolean) {
  const s = z.string();
  return (trim ? s.trim() : s)
    .refine((v) => !hasNul(v), { message: NUL_MESSAGE, abort: true })
    .refine((v) => !LONE_SURROGATE.test(v), { message: SURROGATE_MESSAGE, abort: true });
}

/**
 * Required text: trimmed (unless `trim: false`, for passwords), at least `min` characters
 * (default 1), at most `max`, no NUL byte and no malformed Unicode.
 */
export function ZText(max: number, opts: { min?: number; trim?: boolean; minMessage?: string } = {}) {
  const min = opts.min ?? 1;
  return cleanString(opts.trim ?? true)
    .min(min, opts.minMessage ?? (min === 1 ? 'is required' : `must have at least ${min} characters`))
    .max(max, `can be at most ${max} characters`);
}

/** Optional text: an empty or blank value is the same as leaving it out. */
export function ZOptionalText(max: number) {
  return cleanString(true)
    .max(max, `can be at most ${max} characters`)
    .optional()
    .transform((v) => (v === '' ? undefined : v));
}

/** Ids are opaque strings; the same text rules apply, so a hostile id is "not found", never a 500. */
export const ZId = cleanString(false).min(1, 'is required').max(64, 'can be at most 64 characters');
/** A path parameter naming one row; a bad one answers 404 (see server/src/http/validate.ts). */
export const ZIdParam = z.object({ id: ZId });
export const ZTokenParam = z.object({
  token: cleanString(false).min(1, 'is required').max(200, 'can be at most 200 characters'),
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
