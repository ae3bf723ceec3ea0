/**
 * Matching a session to the resolved cases of its account: cosine similarity over rarity-weighted
 * word sets of title + problem. Words the base never uses (a product or customer name) weigh most.
 */
import type { KnowledgeIndex } from './knowledge-index.js';
import { ENGINE_PARAMS } from './params.js';
import type { EngineSession, HistoryCase } from './session.js';
import { tokenize } from './text.js';

export interface SeenBefore {
  case: HistoryCase;
  similarity: number;
}

interface PreparedCase {
  tokens: Map<string, number>;
  norm: number;
}
const preparedCases = new WeakMap<HistoryCase, PreparedCase>();

function weightedTokens(ix: KnowledgeIndex, text: string, maxIdf: number): PreparedCase {
  const tokens = new Map<string, number>();
  for (const t of new Set(tokenize(text))) {
    // Words the base never uses (a product or customer name) are the rarest and most telling.
    const idf = ix.playbookIndex.idfOf(t) || maxIdf;
    tokens.set(t, idf);
  }
  let norm = 0;
  for (const w of tokens.values()) norm += w * w;
  return { tokens, norm: Math.sqrt(norm) };
}

export function similarCases(ix: KnowledgeIndex, s: EngineSession, maxIdf: number): SeenBefore[] {
  if (!s.history || s.history.length === 0) return [];
  const current = weightedTokens(ix, `${s.title} ${s.problem}`, maxIdf);
  if (current.norm === 0) return [];
  const out: SeenBefore[] = [];
  for (const c of s.history) {
    let p = preparedCases.get(c);
    if (!p) {
      p = weightedTokens(ix, `${c.title} ${c.problem}`, maxIdf);
      preparedCases.set(c, p);
    }
    if (p.norm === 0) continue;
    let dot = 0;
    for (const [t, w] of current.tokens) {
      const v = p.tokens.get(t);
      if (v) dot += w * v;
    }
    const similarity = dot / (current.norm * p.norm);
    if (similarity >= ENGINE_PARAMS.historyMin) out.push({ case: c, similarity });
  }
  return out.sort(
    (a, b) => b.similarity - a.similarity || b.case.resolvedAt.localeCompare(a.case.resolvedAt),
  );
}

const maxIdfCache = new WeakMap<KnowledgeIndex, number>();
export function maxIdfOf(ix: KnowledgeIndex): number {
  let m = maxIdfCache.get(ix);
  if (m === undefined) {
    const n = ix.pre.length;
    m = Math.log(1 + (n - 1 + 0.5) / 1.5);
    maxIdfCache.set(ix, m);
  }
  return m;
}
