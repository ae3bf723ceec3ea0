/** How sessions and their timelines are presented; shared by the session and handoff features. */
import type { TSessionSummary, TTimelineEntry } from '@rf/contracts';
import type * as repo from './repo.js';

export type SessionSummaryRow = NonNullable<Awaited<ReturnType<typeof repo.findSessionSummary>>>;
export type TimelineRowWithAuthor = Awaited<ReturnType<typeof repo.listTimeline>>[number];

export function presentSummary(r: SessionSummaryRow): TSessionSummary {
  const s = r.session;
  return {
    id: s.id,
    title: s.title,
    problem: s.problem,
    customer: s.customer,
    asset: s.asset,
    category: s.category,
    status: s.status,
    owner: { id: s.ownerId, name: r.ownerName },
    createdBy: { id: s.createdById, name: r.creatorName },
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    resolvedAt: s.resolvedAt?.toISOString() ?? null,
    resolution: s.resolution,
    stepCount: r.stepCount,
  };
}

export function presentTimeline(rows: TimelineRowWithAuthor[]): TTimelineEntry[] {
  return rows.map(({ entry: e, authorName }) => ({
    id: e.id,
    kind: e.kind,
    text: e.text,
    outcome: e.outcome,
    detail: e.detail,
    author: e.authorId && authorName ? { id: e.authorId, name: authorName } : null,
    at: e.createdAt.toISOString(),
  }));
}

/** Each step's record of whether the suggestions panel offered it when it was logged, by entry id. */
export function followedSteps(rows: TimelineRowWithAuthor[]): Map<string, boolean | null> {
  return new Map(rows.map(({ entry }) => [entry.id, entry.followed]));
}
