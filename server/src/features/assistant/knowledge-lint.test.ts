/**
 * Knowledge lint: rules every playbook file must keep, checked over the whole base (all topic
 * sub-folders). Each test lists every offender, so a writer fixes a batch in one go.
 */
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeKeysOf, messageWords } from './codes.js';
import { DEFAULT_PLAYBOOK_DIR, loadPlaybooks } from './knowledge.js';
import { tokenize } from './text.js';

const playbooks = loadPlaybooks();
const causes = playbooks.flatMap((p) => p.causes.map((c) => ({ p, c, key: `${p.id}/${c.id}` })));
const checks = causes.flatMap(({ p, c, key }) => c.checks.map((k) => ({ p, c, k, key: `${key}/${k.id}` })));

function duplicates(ids: string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const id of ids) (seen.has(id) ? dup : seen).add(id);
  return [...dup].sort();
}

/**
 * How to run a check: a command in backticks (`gpresult /r`), an admin-centre path with ">"
 * (Exchange admin center > Mail flow > Message trace), or, for what has no command, a question to
 * the user ("Ask ...") or a hands-on step ("On site: ...").
 */
export function saysHowToRun(action: string): boolean {
  return /`[^`]+`/.test(action) || /\S\s+>\s+\S/.test(action) || /^(Ask\b|On site:)/.test(action);
}

describe('knowledge lint (whole base)', () => {
  it('has no duplicate playbook, cause or check ids anywhere in the base', () => {
    const files = (readdirSync(DEFAULT_PLAYBOOK_DIR, { recursive: true }) as string[])
      .filter((f) => f.endsWith('.json'))
      .map((f) => basename(f));
    expect(duplicates(files), 'playbook files with the same name in two folders').toEqual([]);
    expect(duplicates(playbooks.map((p) => p.id)), 'playbook ids').toEqual([]);
    expect(duplicates(causes.map(({ c }) => c.id)), 'cause ids used twice (make them specific)').toEqual([]);
    expect(duplicates(checks.map(({ k }) => k.id)), 'check ids used twice (make them specific)').toEqual([]);
  });

  it('every check tests a cause of its playbook: it moves that cause and a log can name it', () => {
    const bad = checks
      .filter(({ k }) => {
        const moves = (k.effect.worked ?? 0) !== 0 || (k.effect.failed ?? 0) !== 0;
        const named = k.terms.some((t) => tokenize(t).length > 0);
        return !moves || !named;
      })
      .map(({ key }) => key);
    expect(bad, 'checks with no effect on their cause or no usable terms').toEqual([]);
    // The same test listed under two causes of one playbook with the same meaning is a copy-paste slip.
    const dup = playbooks.flatMap((p) =>
      duplicates(p.causes.flatMap((c) => c.checks.map((k) => `${p.id}: ${k.action} -> ${k.confirmsIf}`))),
    );
    expect(dup, 'one check written twice in a playbook').toEqual([]);
  });

  it('every cause names a public https source', () => {
    const bad = causes
      .filter(
        ({ c }) =>
          !c.source || !/^https:\/\/[^\s/]+\.[^\s]+/.test(c.source.url) || c.source.title.trim().length < 5,
      )
      .map(({ key }) => key);
    expect(bad, 'causes without a usable source').toEqual([]);
  });

  it("cites SupportArticles-docs articles at that repository's own paths", () => {
    // The Exchange, Outlook, Office, Teams and SharePoint articles sit at the repository's root; the
    // Windows, Azure, SQL, Intune and Entra ones under support/. A guessed prefix is a dead link.
    const repo = 'https://github.com/MicrosoftDocs/SupportArticles-docs/blob/HEAD/';
    const bad = causes
      .filter(({ c }) => c.source.url.startsWith(repo))
      .filter(({ c }) =>
        /^support\/(Exchange|Outlook|Office|Teams|SharePoint)\//i.test(c.source.url.slice(repo.length)),
      )
      .map(({ key, c }) => `${key}: ${c.source.url}`);
    expect(bad, 'SupportArticles-docs paths that do not exist').toEqual([]);
  });

  it("every check's action says how to run it (a command in backticks or an admin-centre path with '>')", () => {
    const bad = checks.filter(({ k }) => !saysHowToRun(k.action)).map(({ key, k }) => `${key}: ${k.action}`);
    expect(bad, 'checks that do not say how to run them').toEqual([]);
  });

  it('every code is a recognised code form or an exact message of at least two words', () => {
    const bad = causes.flatMap(({ c, key }) =>
      c.codes
        .filter((code) => codeKeysOf(code).length === 0 && messageWords(code).length < 2)
        .map((code) => `${key}: "${code}"`),
    );
    expect(bad, 'codes that would match too broadly').toEqual([]);
  });

  it('the lint itself recognises the ways of saying how to run a check', () => {
    expect(saysHowToRun('Run `gpresult /r` on the client')).toBe(true);
    expect(saysHowToRun('Exchange admin center > Mail flow > Message trace')).toBe(true);
    expect(saysHowToRun('Ask the user whether the phone was replaced')).toBe(true);
    expect(saysHowToRun('On site: swap the patch cable')).toBe(true);
    expect(saysHowToRun('Check the printer and see if it works')).toBe(false);
    expect(saysHowToRun('Compare a > b')).toBe(true);
  });
});
