/**
 * Reading a session as the API and the assistant see it. Used by the session and handoff services
 * (which never import each other); it only uses repos, presenters and the policy.
 */
import type { TSessionDetail } from '@rf/contracts';
import type { DbOrTx } from '../../db/client.js';
import { notFound } from '../../errors.js';
import type { AuthUser } from '../../http/auth-context.js';
import type { EngineSession } from '../assistant/engine.js';
import { loadAccountHistory } from '../assistant/history.js';
import { presentCan } from '../handoffs/policy.js';
import * as handoffsRepo from '../handoffs/repo.js';
import { followedSteps, presentSummary, presentTimeline } from './present.js';
import * as repo from './repo.js';

/** One session with its timeline, its active handoff and what `actor` may do with them. */
export async function readSessionDetail(db: DbOrTx, actor: AuthUser, id: string): Promise<TSessionDetail> {
  const summary = await repo.findSessionSummary(db, actor.accountId, id);
  if (!summary) throw notFound('Session');
  const [timeline, active] = await Promise.all([
    repo.listTimeline(db, actor.accountId, id),
    handoffsRepo.findActiveForSession(db, actor.accountId, id),
  ]);
  return {
    ...presentSummary(summary),
    timeline: presentTimeline(timeline),
    activeHandoffId: active?.id ?? null,
    can: presentCan(actor, active && { ...active, claimedByName: null }, summary.session, active?.id ?? null),
  };
}

/** The session as the assistant reads it, or null when it does not exist in the account. */
export async function readEngineSession(db: DbOrTx, accountId: string, id: string) {
  const summary = await repo.findSessionSummary(db, accountId, id);
  if (!summary) return null;
  // The account's resolved sessions are the assistant's "seen before" cases (never another account's).
  const [timeline, history] = await Promise.all([
    repo.listTimeline(db, accountId, id),
    loadAccountHistory(db, accountId, id),
  ]);
  const engine: EngineSession = {
    title: summary.session.title,
    problem: summary.session.problem,
    customer: summary.session.customer,
    asset: summary.session.asset,
    category: summary.session.category,
    timeline: presentTimeline(timeline),
    history,
  };
  return { session: summary.session, engine, followed: followedSteps(timeline) };
}
