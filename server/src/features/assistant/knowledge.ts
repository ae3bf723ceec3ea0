/**
 * Playbook knowledge base: zod schema + loader. Every JSON file in
 * `server/src/knowledge/playbooks/` is validated at module load; a broken file throws with its name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const ZSlug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a lowercase-kebab id');
const ZOutcomeName = z.enum(['worked', 'failed']);

export const ZCheckEffect = z
  .object({
    worked: z.number().min(-5).max(5).optional(),
    failed: z.number().min(-5).max(5).optional(),
    partial: z.number().min(-5).max(5).optional(),
    info: z.number().min(-5).max(5).optional(),
  })
  .strict()
  .refine((e) => e.worked !== undefined || e.failed !== undefined, 'effect needs at least worked or failed');

export const ZCheck = z
  .object({
    id: ZSlug,
    /** Imperative, concrete instruction, e.g. "Run `nslookup contoso.com 8.8.8.8` from the affected PC". */
    action: z.string().min(10),
    /** Words/phrases that identify this check in a technician's free-text step log. */
    terms: z.array(z.string().min(2)).min(1),
    /** What result supports the cause. */
    confirmsIf: z.string().min(3),
    /** Log-odds shift applied to the cause for a logged outcome of this check. */
    effect: ZCheckEffect,
    /** An outcome of this check that rules the cause out. */
    decisive: ZOutcomeName.optional(),
    ruleOutWhy: z.string().min(3).optional(),
    /** 1 = quick look, 2 = some effort, 3 = slow or disruptive. */
    cost: z.number().int().min(1).max(3).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.decisive && !c.ruleOutWhy)
      ctx.addIssue({ code: 'custom', message: `check ${c.id}: decisive needs ruleOutWhy` });
    if (c.decisive && (c.effect[c.decisive] ?? 0) >= 0)
      ctx.addIssue({
        code: 'custom',
        message: `check ${c.id}: the decisive outcome must have a negative effect`,
      });
  });

export const ZSource = z
  .object({
    title: z.string().min(5),
    url: z.url({ protocol: /^https$/ }),
  })
  .strict();

export const ZCause = z
  .object({
    id: ZSlug,
    name: z.string().min(3),
    prior: z.number().min(0).max(1),
    /** Phrases in a problem description that point at this cause. */
    signs: z.array(z.string().min(2)).default([]),
    checks: z.array(ZCheck).min(1),
    fixes: z.array(z.string().min(5)).min(1),
    /**
     * Error codes and exact messages that point straight at this cause (`0x800f081f`,
     * `550 5.1.1`, `AADSTS50076`, `event 4740`, `ERR_CERT_DATE_INVALID`, "Need password").
     */
    codes: z.array(z.string().min(2)).default([]),
    /** The public article the facts come from (vendor KB, Microsoft Learn page, RFC). Required. */
    source: ZSource,
  })
  .strict()
  .superRefine((c, ctx) => {
    const ids = c.checks.map((k) => k.id);
    if (new Set(ids).size !== ids.length)
      ctx.addIssue({ code: 'custom', message: `cause ${c.id}: duplicate check ids` });
  });

export const ZPlaybook = z
  .object({
    id: ZSlug,
    title: z.string().min(3),
    category: z.string().min(2),
    symptoms: z.array(z.string().min(3)).min(2),
    keywords: z.array(z.string().min(2)).min(2),
    causes: z.array(ZCause).min(2),
  })
  .strict()
  .superRefine((p, ctx) => {
    const ids = p.causes.map((c) => c.id);
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', message: 'duplicate cause ids' });
    if (p.causes.reduce((s, c) => s + c.prior, 0) <= 0)
      ctx.addIssue({ code: 'custom', message: 'priors must not all be zero' });
  });

export type Playbook = z.infer<typeof ZPlaybook>;
export type Cause = z.infer<typeof ZCause>;
export type Check = z.infer<typeof ZCheck>;

export const DEFAULT_PLAYBOOK_DIR = fileURLToPath(new URL('../../knowledge/playbooks/', import.meta.url));

/** Parse and validate one playbook file's text; throws an Error naming the file. */
export function parsePlaybook(fileName: string, text: string): Playbook {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`Playbook ${fileName}: invalid JSON (${(err as Error).message})`);
  }
  const res = ZPlaybook.safeParse(raw);
  if (!res.success) {
    const issues = res.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`Playbook ${fileName}: schema validation failed: ${issues}`);
  }
  const expectedId = fileName.replace(/\.json$/, '');
  if (res.data.id !== expectedId)
    throw new Error(`Playbook ${fileName}: id "${res.data.id}" must equal the file name`);
  return res.data;
}

/** A playbook file as read from disk: its name (the playbook id + `.json`) and its bytes. */
export interface PlaybookFile {
  name: string;
  bytes: Buffer;
}

/** Every `*.json` file in a directory and its sub-folders, sorted by file name. */
export function readPlaybookFiles(dir: string = DEFAULT_PLAYBOOK_DIR): PlaybookFile[] {
  // Playbooks may sit in topic sub-folders (playbooks/identity/mfa-loop.json); the id is the file name.
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.json'))
    .sort((a, b) => basename(a).localeCompare(basename(b)))
    .map((f) => ({ name: basename(f), bytes: readFileSync(join(dir, f)) }));
}

/** Validates every file (throws naming the first bad one, or when there is none). */
export function parsePlaybookFiles(
  files: readonly PlaybookFile[],
  dir: string = DEFAULT_PLAYBOOK_DIR,
): Playbook[] {
  if (files.length === 0) throw new Error(`No playbooks found in ${dir}`);
  return files.map((f) => parsePlaybook(f.name, f.bytes.toString('utf8')));
}

/** Load every `*.json` playbook in a directory, sorted by file name. */
export function loadPlaybooks(dir: string = DEFAULT_PLAYBOOK_DIR): Playbook[] {
  return parsePlaybookFiles(readPlaybookFiles(dir), dir);
}
