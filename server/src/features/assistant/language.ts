/**
 * The user-language table (`server/src/knowledge/language.json`): compounds, word synonyms and
 * phrases that map how technicians and end users describe a problem onto the playbooks' words.
 * Validated at load; a broken table stops start-up with a message naming the entry.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const ZWord = z.string().regex(/^[a-z0-9]+$/, 'must be one lowercase word');

export const ZLanguage = z
  .object({
    $comment: z.string().optional(),
    /** Multi-word or hyphenated forms rewritten to one word before splitting ("wi-fi" -> "wifi"). */
    compounds: z.record(z.string().regex(/^[a-z0-9][a-z0-9 .-]*[a-z0-9]$/), ZWord),
    /** One word folded into another before stemming ("laptop" -> "pc"). */
    synonyms: z.record(ZWord, ZWord),
    phrases: z
      .array(
        z
          .object({
            /** Ways of saying it; every word of one entry must appear, in order, for the phrase to match. */
            match: z.array(z.string().min(3)).min(1),
            /** The technical words the phrase adds to the ticket's query. */
            means: z.string().min(3),
          })
          .strict(),
      )
      .min(1),
  })
  .strict()
  .superRefine((l, ctx) => {
    for (const [from, to] of Object.entries(l.synonyms)) {
      if (from === to) ctx.addIssue({ code: 'custom', message: `synonym "${from}" maps to itself` });
      if (l.synonyms[to] !== undefined && l.synonyms[to] !== to)
        ctx.addIssue({
          code: 'custom',
          message: `synonym "${from}" -> "${to}" chains to "${l.synonyms[to]}"`,
        });
    }
  });
export type Language = z.infer<typeof ZLanguage>;

export const DEFAULT_LANGUAGE_FILE = fileURLToPath(new URL('../../knowledge/language.json', import.meta.url));

export function parseLanguage(text: string, fileName = 'language.json'): Language {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${fileName}: invalid JSON (${(err as Error).message})`);
  }
  const res = ZLanguage.safeParse(raw);
  if (!res.success) {
    const issues = res.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${fileName}: schema validation failed: ${issues}`);
  }
  return res.data;
}

export function loadLanguage(file: string = DEFAULT_LANGUAGE_FILE): Language {
  return parseLanguage(readFileSync(file, 'utf8'), file);
}
