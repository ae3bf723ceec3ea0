/**
 * The team's own history: each resolved session of an account becomes a case (its problem, the step
 * that worked, the resolution, and the knowledge-base cause it was resolved as). The assessment of a
 * session reads the cases of ITS account only.
 *
 * Cost is capped: the newest HISTORY_LIMIT resolved sessions per account, kept in memory per account
 * with a version (the newest resolved session); a request costs one indexed query while nothing new
 * was resolved, and only newly resolved sessions are read and mapped when something was.
 */
import type { DbOrTx } from '../../db/client.js';
import { rankCauses } from './engine.js';
import * as repo from './repo.js';
import type { EngineTimelineEntry, HistoryCase } from './session.js';

export const HISTORY_LIMIT = 200;
/** Accounts whose history stays cached (least recently used ones are dropped). */
const MAX_ACCOUNTS = 500;
/** A case maps to a cause only when the engine was reasonably sure of it at resolution. */
const CASE_CAUSE_MIN_CONFIDENCE = 0.3;

interface Cached {
  version: string;
  cases: HistoryCase[];
}
const cache = new Map<string, Cached>();

type CaseRow = Awaited<ReturnType<typeof repo.listResolvedSessions>>[number];
type EntryRow = Awaited<ReturnType<typeof repo.listCaseEntries>>[number];

function toCase(row: CaseRow, entries: EntryRow[]): HistoryCase {
  const resolution = row.resolution ?? '';
  const worked = entries.filter((e) => e.kind === 'step' && e.outcome === 'worked');
  const fixStep = worked[worked.length - 1]?.text ?? null;
  const timeline: EngineTimelineEntry[] = entries.map((e) => ({
    id: e.id,
    kind: e.kind as EngineTimelineEntry['kind'],
    text: e.text,
    outcome: e.outcome,
    detail: e.detail,
    at: e.createdAt.toISOString(),
  }));
  // The resolution reads like a final step that worked: it is what confirmed the cause.
  if (resolution && !fixStep)
    timeline.push({
      id: `${row.id}-resolution`,
      kind: 'step',
      text: resolution,
      outcome: 'worked',
      detail: null,
      at: (row.resolvedAt ?? new Date(0)).toISOString(),
    });
  const top = rankCauses({
    title: row.title,
    problem: row.problem,
    customer: row.customer,
    asset: null,
    category: row.category,
    timeline,
  })[0];
  return {
    sessionId: row.id,
    title: row.title,
    problem: row.problem,
    customer: row.customer,
    resolvedAt: (row.resolvedAt ?? new Date(0)).toISOString(),
    resolution,
    fixStep,
    causeKey: top && top.confidence >= CASE_CAUSE_MIN_CONFIDENCE ? `${top.playbookId}/${top.causeId}` : null,
  };
}

/** The account's resolved cases, newest first, without `excludeSessionId`. */
export async function loadAccountHistory(
  db: DbOrTx,
  accountId: string,
  excludeSessionId?: string,
): Promise<HistoryCase[]> {
  const newest = await repo.newestResolved(db, accountId);
  if (!newest) return [];
  const version = `${newest.resolvedAt?.toISOString()}|${newest.id}`;
  let entry = cache.get(accountId);
  if (entry?.version !== version) {
    const rows = await repo.listResolvedSessions(db, accountId, HISTORY_LIMIT);
    const known = new Map((entry?.cases ?? []).map((c) => [c.sessionId, c]));
    const fresh = rows.filter((r) => !known.has(r.id));
    const entries = await repo.listCaseEntries(
      db,
      accountId,
      fresh.map((r) => r.id),
    );
    const bySession = new Map<string, EntryRow[]>();
    for (const e of entries) {
      const list = bySession.get(e.sessionId) ?? [];
      list.push(e);
      bySession.set(e.sessionId, list);
    }
    const cases = rows.map((r) => known.get(r.id) ?? toCase(r, bySession.get(r.id) ?? []));
    entry = { version, cases };
  }
  // Re-insert to keep the map in least-recently-used order.
  cache.delete(accountId);
  cache.set(accountId, entry);
  if (cache.size > MAX_ACCOUNTS) cache.delete(cache.keys().next().value!);
  return excludeSessionId ? entry.cases.filter((c) => c.sessionId !== excludeSessionId) : entry.cases;
}
