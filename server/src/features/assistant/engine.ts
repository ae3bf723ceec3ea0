/**
 * Built-in ("pilot") troubleshooting engine: offline and deterministic. This module is the façade;
 * the work is split by concern:
 *   knowledge-index.ts  the base prepared for retrieval (BM25, codes, exact messages)
 *   analysis.ts         retrieval and the evidence model (which causes, how likely)
 *   history-match.ts    the account's resolved cases that look like this session
 *   planning.ts         what to do next (information value, tried-by-meaning, Start here)
 *   presentation.ts     the assessment and suggestions as the contracts shape them
 *   chat.ts             chat replies (a table of intent handlers)
 */
import type { TAssessmentWithStart, TAssistantReply, TSuggestionsResponse } from '@rf/contracts';
import { addTerms, analyzeSession as analyze, rankWithQuery, type SessionAnalysis } from './analysis.js';
import { chatReply } from './chat.js';
import type { Playbook } from './knowledge.js';
import { buildKnowledgeIndex, indexTexts, type KnowledgeIndex, normalise } from './knowledge-index.js';
import { indexFromPrepared, loadShippedKnowledge, type ShippedKnowledge } from './knowledge-prepared.js';
import { isCheckTried, isTextTried } from './planning.js';
import { assessmentFromAnalysis, suggestionsFromAnalysis } from './presentation.js';
import type { EngineSession } from './session.js';
import { sharedTokens, tokenize } from './text.js';

export { ENGINE_READS, type SessionAnalysis } from './analysis.js';
export { ENGINE_PARAMS } from './params.js';
export { expectedInformation } from './planning.js';
export type { EngineSession, EngineTimelineEntry, HistoryCase } from './session.js';

export interface Engine {
  readonly index: KnowledgeIndex;
  analyzeSession(s: EngineSession): SessionAnalysis;
  assessSession(s: EngineSession): TAssessmentWithStart;
  /** The assessment and the suggestions' actions (up to `limit`) from one analysis of the session. */
  assessWithSuggestions(
    s: EngineSession,
    limit: number,
  ): { assessed: TAssessmentWithStart; suggestedActions: string[] };
  suggestNextSteps(s: EngineSession, limit?: number): TSuggestionsResponse;
  replyToMessage(s: EngineSession, message: string): TAssistantReply;
  rankPlaybooks(text: string, limit?: number): Array<{ id: string; title: string; score: number }>;
  rankCauses(
    s: EngineSession,
  ): Array<{ playbookId: string; causeId: string; name: string; confidence: number }>;
  isTriedAction(s: EngineSession, action: string): boolean;
}

/** An engine over a given base (the shipped one below; benchmarks build larger ones). */
export function createEngine(playbooks: readonly Playbook[]): Engine {
  return engineOver(buildKnowledgeIndex(playbooks));
}

/** An engine over an index already built (or read back from the build's prepared file). */
export function engineOver(ix: KnowledgeIndex): Engine {
  const analyzeSession = (s: EngineSession) => analyze(ix, s);

  function rankPlaybooks(text: string, limit = 5) {
    const q = new Map<string, number>();
    addTerms(q, tokenize(text), 1, 3);
    return rankWithQuery(ix, q, undefined, text)
      .slice(0, Math.max(0, limit))
      .map((r) => ({
        id: ix.pre[r.index]!.id,
        title: ix.pre[r.index]!.title,
        score: Math.round(r.score * 1e4) / 1e4,
      }));
  }

  return {
    index: ix,
    analyzeSession,
    assessSession: (s) => assessmentFromAnalysis(analyzeSession(s)),
    assessWithSuggestions(s, limit) {
      const a = analyzeSession(s);
      return {
        assessed: assessmentFromAnalysis(a),
        suggestedActions: suggestionsFromAnalysis(a, limit).map((x) => x.action),
      };
    },
    suggestNextSteps(s, limit = 5) {
      const a = analyzeSession(s);
      const top = a.playbooks[0];
      return {
        engine: 'builtin',
        suggestions: suggestionsFromAnalysis(a, limit),
        playbook: top ? { id: top.id, title: top.title } : null,
      };
    },
    replyToMessage: (s, message) =>
      chatReply(analyzeSession(s), message, () =>
        rankPlaybooks(`${s.title} ${s.problem} ${message}`, 3).map((g) => g.title),
      ),
    rankPlaybooks,
    rankCauses: (s) =>
      analyzeSession(s).causes.map((c) => ({
        playbookId: c.pc.playbook.id,
        causeId: c.pc.cause.id,
        name: c.pc.cause.name,
        confidence: c.confidence,
      })),
    /** True when a logged step already performed this action (used to filter LLM answers too). */
    isTriedAction(s, action) {
      const a = analyzeSession(s);
      if (isTextTried(a, action)) return true;
      const norm = normalise(action);
      for (const c of [...a.causes, ...a.ruledOut])
        for (const k of c.pc.checks) if (k.actionNorm === norm && isCheckTried(a, k)) return true;
      return false;
    },
  };
}

/**
 * The shipped base, read when the module loads: from the build's prepared index when it was made
 * from these exact files (no validation or tokenizing again, and each playbook's text parsed only
 * when first needed: knowledge-prepared.ts), otherwise the playbook files, each validated.
 */
const SHIPPED: ShippedKnowledge = loadShippedKnowledge();
/** Why the shipped engine is indexed at start rather than read prepared (null: it is read). */
export const SHIPPED_NOT_PREPARED = SHIPPED.notUsed;

/** Every shipped playbook (read from the prepared index, each one is parsed by this call). */
export function shippedPlaybooks(): readonly Playbook[] {
  return SHIPPED.playbooks ?? shippedEngine().index.playbooks;
}

let shipped: Engine | undefined;
/**
 * The engine over the shipped base. From the prepared index it takes a few tens of milliseconds of
 * CPU; without one (sources run with tsx, or playbooks changed after the build) indexing costs about
 * 0.7 s cold at 670 playbooks (BENCHMARKS.md). Either way it is built on first use, not when the
 * module loads: the server answers its health check without waiting for it, and `main` builds it
 * right after listening (`warmShippedEngineInSlices`), so a first request rarely pays for it.
 */
export function shippedEngine(): Engine {
  if (!shipped) {
    const { prepared, playbooks } = SHIPPED;
    SHIPPED.prepared = null; // the index keeps what it still needs of it
    shipped = engineOver(
      prepared ? indexFromPrepared(prepared.index, prepared.source) : buildKnowledgeIndex(playbooks ?? []),
    );
  }
  return shipped;
}
/** Build the shipped engine now if nothing has yet; returns the milliseconds it took (0 if built). */
export function warmShippedEngine(): number {
  if (shipped) return 0;
  const t0 = performance.now();
  shippedEngine();
  return performance.now() - t0;
}

/**
 * The same, for a server that is already answering. Without a prepared index the texts the index
 * reads are tokenized first, a slice of about `sliceMs` at a time with the event loop free in
 * between (tokenizing is about half of the build and its results are memoised), then the index is
 * built from them in one go. A request that needs the engine meanwhile builds it at once, as
 * `shippedEngine` always does. Returns the total and the longest time the event loop was held.
 */
export async function warmShippedEngineInSlices(
  sliceMs = 8,
): Promise<{ totalMs: number; longestMs: number }> {
  const t0 = performance.now();
  let longest = 0;
  let sliceStart = t0;
  if (SHIPPED.playbooks && !shipped) {
    for (const text of indexTexts(SHIPPED.playbooks)) {
      if (shipped) break;
      sharedTokens(text);
      const now = performance.now();
      if (now - sliceStart >= sliceMs) {
        longest = Math.max(longest, now - sliceStart);
        await new Promise<void>((r) => setImmediate(r));
        sliceStart = performance.now();
      }
    }
  }
  const built = warmShippedEngine();
  longest = Math.max(longest, performance.now() - sliceStart, built);
  return { totalMs: performance.now() - t0, longestMs: longest };
}

export const analyzeSession: Engine['analyzeSession'] = (s) => shippedEngine().analyzeSession(s);
export const assessSession: Engine['assessSession'] = (s) => shippedEngine().assessSession(s);
export const assessWithSuggestions: Engine['assessWithSuggestions'] = (s, limit) =>
  shippedEngine().assessWithSuggestions(s, limit);
export const suggestNextSteps: Engine['suggestNextSteps'] = (s, limit) =>
  shippedEngine().suggestNextSteps(s, limit);
export const replyToMessage: Engine['replyToMessage'] = (s, m) => shippedEngine().replyToMessage(s, m);
export const rankPlaybooks: Engine['rankPlaybooks'] = (t, limit) => shippedEngine().rankPlaybooks(t, limit);
export const rankCauses: Engine['rankCauses'] = (s) => shippedEngine().rankCauses(s);
export const isTriedAction: Engine['isTriedAction'] = (s, a) => shippedEngine().isTriedAction(s, a);
