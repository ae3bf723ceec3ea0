/**
 * Matching a session to the resolved cases of its account: cosine similarity over rarity-weighted
 * word sets of title + problem.
 *
 * A word's rarity is the share of playbooks that use it, counted as at least 1 in 20: a word rarer
 * than that (a customer, person or product name, or a word one playbook happens to use) is as telling
 * as any other rare word. Weighing it by the base's maximum idf instead made it grow with the number
 * of playbooks (log n) while the shared problem words stayed put, so the same two tickets looked less
 * alike every time the base grew; with shares, a base twice as big with the same mix of words gives
 * the same similarity. The square root keeps one rare word that only one side mentions ("Dr Lee",
 * "reception") from outweighing several shared problem words. Words of the customer's name say
 * nothing about the problem inside one account and are left out.
 */
import { type KnowledgeIndex, rarity } from './knowledge-index.js';
import { ENGINE_PARAMS } from './params.js';
import type { EngineSession, HistoryCase } from './session.js';
import { tokenize } from './text.js';

export interface SeenBefore {
  case: HistoryCase;
  similarity: number;
}

interface Weighted {
  tokens: Map<string, number>;
}

function weightOf(ix: KnowledgeIndex, t: string): number {
  return Math.sqrt(rarity(ix, t));
}

function weighted(ix: KnowledgeIndex, text: string): Weighted {
  const tokens = new Map<string, number>();
  for (const t of new Set(tokenize(text))) tokens.set(t, weightOf(ix, t));
  return { tokens };
}

/** Prepared cases per base (weights depend on the base) and per case object. */
const prepared = new WeakMap<KnowledgeIndex, WeakMap<HistoryCase, Weighted>>();

function preparedCase(ix: KnowledgeIndex, c: HistoryCase): Weighted {
  let perBase = prepared.get(ix);
  if (!perBase) {
    perBase = new WeakMap();
    prepared.set(ix, perBase);
  }
  let p = perBase.get(c);
  if (!p) {
    p = weighted(ix, `${c.title} ${c.problem}`);
    perBase.set(c, p);
  }
  return p;
}

function norm(w: Weighted, skip: Set<string>): number {
  let n = 0;
  for (const [t, v] of w.tokens) if (!skip.has(t)) n += v * v;
  return Math.sqrt(n);
}

export function similarCases(ix: KnowledgeIndex, s: EngineSession): SeenBefore[] {
  if (!s.history || s.history.length === 0) return [];
  const current = weighted(ix, `${s.title} ${s.problem}`);
  const out: SeenBefore[] = [];
  for (const c of s.history) {
    const p = preparedCase(ix, c);
    const skip = new Set(tokenize(`${s.customer ?? ''} ${c.customer ?? ''}`));
    const n1 = norm(current, skip);
    const n2 = norm(p, skip);
    if (n1 === 0 || n2 === 0) continue;
    let dot = 0;
    for (const [t, v] of current.tokens) if (!skip.has(t) && p.tokens.has(t)) dot += v * v;
    const similarity = dot / (n1 * n2);
    if (similarity >= ENGINE_PARAMS.historyMin) out.push({ case: c, similarity });
  }
  return out.sort(
    (a, b) => b.similarity - a.similarity || b.case.resolvedAt.localeCompare(a.case.resolvedAt),
  );
}
