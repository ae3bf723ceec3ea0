/**
 * The knowledge base prepared for retrieval, built once at start-up: tokenized playbooks, causes,
 * checks and fixes, two BM25 indexes (playbooks; causes' signs), the error-code index and the
 * exact-message list. Everything here is read-only after `buildKnowledgeIndex` returns.
 */
import { Bm25Index } from './bm25.js';
import { codeKeysOf, messageWords } from './codes.js';
import type { Cause, Check, Playbook } from './knowledge.js';
import { changesSomething } from './step-kind.js';
import { sharedTokens, tokenize } from './text.js';

export interface PreCheck {
  key: string;
  check: Check;
  /** The check's terms, each as a set of tokens that must all appear in a step. */
  terms: string[][];
  /** Action tokens without generic action words (for matching a step in other words). */
  actionTokens: Set<string>;
  actionAll: Set<string>;
  actionNorm: string;
  /** The check changes something (restart, reset, reinstall) rather than looks at something. */
  changes: boolean;
}
export interface PreFix {
  text: string;
  tokens: Set<string>;
  all: Set<string>;
  norm: string;
}
export interface PreCause {
  key: string;
  index: number;
  cause: Cause;
  playbook: Playbook;
  playbookIndex: number;
  logPrior: number;
  checks: PreCheck[];
  fixes: PreFix[];
  signs: Array<{ text: string; tokens: string[] }>;
  /** Chat: the words that name this cause (name, signs, check terms). */
  vocab: Set<string>;
}
export interface PrePlaybook {
  index: number;
  /** The playbook's id and title (what ranking reads of every playbook; the rest is `playbook`). */
  id: string;
  title: string;
  playbook: Playbook;
  causes: PreCause[];
}

export interface KnowledgeIndex {
  playbooks: readonly Playbook[];
  pre: PrePlaybook[];
  causes: PreCause[];
  playbookIndex: Bm25Index;
  causeIndex: Bm25Index;
  /** Code key -> indexes of the causes listing it. */
  codes: Map<string, number[]>;
  /** Exact messages (as lowercase words) -> causes listing them. */
  messages: Array<{ text: string; words: string[]; causes: number[] }>;
  /** Check key -> check, for every check in the base. */
  checks: Map<string, { check: PreCheck; cause: PreCause }>;
}

/** Words too common in check actions to identify a check on their own. */
export const ACTION_GENERIC = new Set(
  tokenize(
    'run check confirm open see whether look note then retest test try user pc affected same new old ' +
      'one each every any other settings setting show list make sure directly',
  ),
);

/** The smallest share of playbooks a word counts with in `rarity` (1 in 20). */
const MIN_SHARE = 0.05;

/**
 * How telling a word is, from the share of playbooks that use it (not their number): a base twice
 * as big with the same mix of words gives the same rarities, and a word rarer than 1 in 20 playbooks
 * (a name, or a word one playbook happens to use) counts like any other rare word instead of growing
 * with log(n) as idf does. A word the base never uses counts as rarest.
 */
export function rarity(ix: KnowledgeIndex, term: string): number {
  const p = ix.playbookIndex.shareOf(term);
  return Math.log(1 + (1 - p) / (p + MIN_SHARE));
}

export function normalise(text: string): string {
  return tokenize(text).join(' ');
}

/** Every text `buildKnowledgeIndex` tokenizes (for warming the tokenizer's memo ahead of it). */
export function* indexTexts(playbooks: readonly Playbook[]): Generator<string> {
  for (const p of playbooks) {
    yield p.title;
    yield p.category;
    yield* p.symptoms;
    yield* p.keywords;
    for (const c of p.causes) {
      yield c.name;
      yield* c.signs;
      yield* c.fixes;
      for (const k of c.checks) {
        yield k.action;
        yield k.confirmsIf;
        yield* k.terms;
      }
    }
  }
}

export function buildKnowledgeIndex(playbooks: readonly Playbook[]): KnowledgeIndex {
  const pre: PrePlaybook[] = [];
  const causes: PreCause[] = [];
  const checks = new Map<string, { check: PreCheck; cause: PreCause }>();
  const codes = new Map<string, number[]>();
  const messageMap = new Map<string, { text: string; words: string[]; causes: number[] }>();
  // Each text is tokenized once here and the pieces reused for the joined fields below: indexing
  // is start-up cost, and the tokenizer (stemming, compounds) dominates it.
  const tok = sharedTokens;
  const toks = (texts: readonly string[]): string[] => {
    const out: string[] = [];
    for (const t of texts) for (const x of tok(t)) out.push(x);
    return out;
  };

  for (const playbook of playbooks) {
    const priorSum = playbook.causes.reduce((s, c) => s + c.prior, 0);
    const pp: PrePlaybook = {
      index: pre.length,
      id: playbook.id,
      title: playbook.title,
      playbook,
      causes: [],
    };
    for (const cause of playbook.causes) {
      const pc: PreCause = {
        key: `${playbook.id}/${cause.id}`,
        index: causes.length,
        cause,
        playbook,
        playbookIndex: pp.index,
        logPrior: Math.log(Math.max(cause.prior, 0.01) / priorSum),
        checks: cause.checks.map((check) => ({
          key: `${playbook.id}/${cause.id}/${check.id}`,
          check,
          terms: check.terms.map((t) => [...new Set(tok(t))]).filter((t) => t.length > 0),
          actionTokens: new Set(tok(check.action).filter((t) => !ACTION_GENERIC.has(t))),
          actionAll: new Set(tok(check.action)),
          actionNorm: tok(check.action).join(' '),
          changes: changesSomething(check.action),
        })),
        fixes: cause.fixes.map((text) => ({
          text,
          tokens: new Set(tok(text).filter((t) => !ACTION_GENERIC.has(t))),
          all: new Set(tok(text)),
          norm: tok(text).join(' '),
        })),
        signs: cause.signs.map((text) => ({ text, tokens: [...new Set(tok(text))] })),
        vocab: new Set(toks([cause.name, ...cause.signs, ...cause.checks.flatMap((k) => k.terms)])),
      };
      for (const c of pc.checks) checks.set(c.key, { check: c, cause: pc });
      for (const code of cause.codes) {
        const keys = codeKeysOf(code);
        if (keys.length > 0) {
          for (const k of keys) {
            const list = codes.get(k.key) ?? [];
            if (!list.includes(pc.index)) list.push(pc.index);
            codes.set(k.key, list);
          }
        } else {
          const words = messageWords(code);
          const id = words.join(' ');
          const entry = messageMap.get(id) ?? { text: code, words, causes: [] };
          if (!entry.causes.includes(pc.index)) entry.causes.push(pc.index);
          messageMap.set(id, entry);
        }
      }
      pp.causes.push(pc);
      causes.push(pc);
    }
    pre.push(pp);
  }

  const playbookIndex = new Bm25Index(
    pre.map((p) => ({
      id: p.playbook.id,
      fields: [
        { tokens: tok(p.playbook.title), weight: 3 },
        { tokens: tok(p.playbook.category), weight: 1 },
        { tokens: toks(p.playbook.symptoms), weight: 2 },
        { tokens: toks(p.playbook.keywords), weight: 2 },
        { tokens: toks(p.playbook.causes.map((c) => c.name)), weight: 1 },
        { tokens: toks(p.playbook.causes.flatMap((c) => c.signs)), weight: 0.5 },
        {
          tokens: toks(p.playbook.causes.flatMap((c) => c.checks.map((k) => k.action))),
          weight: 1,
        },
        {
          tokens: toks(p.playbook.causes.flatMap((c) => c.checks.flatMap((k) => k.terms))),
          weight: 0.5,
        },
      ],
    })),
  );

  const causeIndex = new Bm25Index(
    causes.map((c) => ({
      id: c.key,
      fields: [
        { tokens: tok(c.cause.name), weight: 1 },
        { tokens: toks(c.cause.signs), weight: 1.5 },
        { tokens: toks(c.cause.checks.map((k) => k.confirmsIf)), weight: 0.5 },
      ],
    })),
  );

  return {
    playbooks,
    pre,
    causes,
    playbookIndex,
    causeIndex,
    codes,
    messages: [...messageMap.values()],
    checks,
  };
}
