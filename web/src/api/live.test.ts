import type { TCan, THandoff, THandoffBase, TSessionSummary } from '@rf/contracts';
import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { keys } from './keys';
import { applyLiveEvent, type LiveMessage, type QueueItem } from './live';

const person = (name: string) => ({ id: name.toLowerCase(), name });

/** A handoff as a live event carries it: no `can` (events go to the whole account). */
function handoff(id: string, over: Partial<THandoffBase> = {}): THandoffBase {
  return {
    id,
    sessionId: `s-${id}`,
    intent: 'escalate',
    status: 'open',
    reason: 'Stuck',
    urgency: 'high',
    targetTier: null,
    targetUserId: null,
    createdBy: person('Jamie'),
    createdAt: `2026-01-01T10:0${id.length}:00.000Z`,
    claimedBy: null,
    claimedAt: null,
    firstActionAt: null,
    waitingSeconds: 60,
    session: { title: `Case ${id}`, customer: null, asset: null },
    ...over,
  };
}

const NOTHING: TCan = { claim: false, release: false, cancel: false, write: false, escalate: false };

/** A handoff as the caller's own fetch caches it: with what the caller may do. */
const card = (id: string, can: Partial<TCan> = {}, over: Partial<THandoffBase> = {}): THandoff => ({
  ...handoff(id, over),
  can: { ...NOTHING, ...can },
});

const msg = (type: LiveMessage['type'], event: Omit<LiveMessage['event'], 'type'>, seq = 1): LiveMessage => ({
  seq,
  type,
  event: { type, ...event },
});

function client() {
  // No observers: invalidation only marks queries stale, which is what the assertions read.
  return new QueryClient({
    defaultOptions: { queries: { retry: false, staleTime: Number.POSITIVE_INFINITY } },
  });
}

describe('applyLiveEvent', () => {
  it("updates a cached card in place, keeps the caller's own permissions, and marks the queue for a refetch", () => {
    const qc = client();
    // `can` is per caller: it comes from the caller's own fetch, never from an event.
    qc.setQueryData(keys.handoffs.queue, [card('a', { claim: true }), card('bb')]);
    applyLiveEvent(
      qc,
      msg('handoff.claimed', {
        handoff: handoff('a', { status: 'claimed', claimedBy: person('Sam Rivera'), claimedAt: 'x' }),
      }),
    );
    const queue = qc.getQueryData<THandoff[]>(keys.handoffs.queue)!;
    expect(queue.map((h) => [h.id, h.status])).toEqual([
      ['a', 'claimed'],
      ['bb', 'open'],
    ]);
    expect(queue[0]!.claimedBy?.name).toBe('Sam Rivera');
    expect(queue[0]!.can).toEqual({ ...NOTHING, claim: true });
    expect(qc.getQueryState(keys.handoffs.queue)!.isInvalidated).toBe(true);
  });

  it('takes closed handoffs off the queue at once', () => {
    const qc = client();
    qc.setQueryData(keys.handoffs.queue, [card('a'), card('bb')]);
    applyLiveEvent(qc, msg('handoff.cancelled', { handoff: handoff('a', { status: 'cancelled' }) }));
    applyLiveEvent(qc, msg('handoff.resolved', { handoff: handoff('bb', { status: 'resolved' }) }, 2));
    expect(qc.getQueryData<THandoff[]>(keys.handoffs.queue)).toEqual([]);
  });

  it('shows a new escalation at once, offering nothing until the refetch brings what the caller may do', () => {
    const qc = client();
    qc.setQueryData(keys.handoffs.queue, [card('a')]);
    applyLiveEvent(qc, msg('handoff.created', { handoff: handoff('new') }));
    const queue = qc.getQueryData<QueueItem[]>(keys.handoffs.queue)!;
    expect(queue.map((h) => h.id)).toEqual(['a', 'new']);
    expect(queue[1]!.permissionsPending).toBe(true);
    expect(queue[1]!.can).toEqual(NOTHING);
    expect(queue[0]!.permissionsPending).toBeUndefined();
    expect(qc.getQueryState(keys.handoffs.queue)!.isInvalidated).toBe(true);
  });

  it('invents no card from any other event, and none for a handoff no longer in the queue', () => {
    const qc = client();
    qc.setQueryData(keys.handoffs.queue, [card('a')]);
    applyLiveEvent(qc, msg('handoff.claimed', { handoff: handoff('x', { status: 'claimed' }) }));
    applyLiveEvent(qc, msg('handoff.created', { handoff: handoff('y', { status: 'cancelled' }) }, 2));
    expect(qc.getQueryData<THandoff[]>(keys.handoffs.queue)!.map((h) => h.id)).toEqual(['a']);
  });

  it('merges into an open handoff screen without losing its context and audit', () => {
    const qc = client();
    const detail = { ...card('a', { claim: true }), context: { startHere: 'x' }, audit: [{ id: '1' }] };
    qc.setQueryData(keys.handoffs.one('a'), detail);
    qc.setQueryData(keys.session.detail('s-a'), { id: 's-a', timeline: [] });
    applyLiveEvent(
      qc,
      msg('handoff.claimed', { handoff: handoff('a', { status: 'claimed', claimedBy: person('Sam') }) }),
    );
    const after = qc.getQueryData<typeof detail>(keys.handoffs.one('a'))!;
    expect(after.status).toBe('claimed');
    expect(after.context).toEqual({ startHere: 'x' });
    expect(after.audit).toEqual([{ id: '1' }]);
    // The caller's permissions stay until the refetch brings the new ones.
    expect(after.can).toEqual({ ...NOTHING, claim: true });
    expect(qc.getQueryState(keys.handoffs.one('a'))!.isInvalidated).toBe(true);
    expect(qc.getQueryState(keys.session.detail('s-a'))!.isInvalidated).toBe(true);
  });

  it('updates a session in every cached list and its open view', () => {
    const qc = client();
    const summary: TSessionSummary = {
      id: 's1',
      title: 'VPN drops',
      problem: 'p',
      customer: null,
      asset: null,
      category: null,
      status: 'active',
      owner: person('Jamie'),
      createdBy: person('Jamie'),
      createdAt: 'x',
      updatedAt: 'x',
      resolvedAt: null,
      resolution: null,
      stepCount: 1,
    };
    qc.setQueryData([...keys.sessions.all, { owner: 'me' }], { sessions: [summary] });
    qc.setQueryData([...keys.sessions.all, { status: 'active' }], { sessions: [summary] });
    qc.setQueryData(keys.session.detail('s1'), {
      ...summary,
      timeline: [{ id: 't1' }],
      activeHandoffId: null,
    });
    applyLiveEvent(qc, msg('session.updated', { session: { ...summary, status: 'resolved', stepCount: 2 } }));
    for (const f of [{ owner: 'me' as const }, { status: 'active' as const }]) {
      const list = qc.getQueryData<{ sessions: TSessionSummary[] }>([...keys.sessions.all, f])!;
      expect(list.sessions[0]).toMatchObject({ status: 'resolved', stepCount: 2 });
      expect(qc.getQueryState([...keys.sessions.all, f])!.isInvalidated).toBe(true);
    }
    const view = qc.getQueryData<TSessionSummary & { timeline: unknown[] }>(keys.session.detail('s1'))!;
    expect(view).toMatchObject({ status: 'resolved', timeline: [{ id: 't1' }] });
  });
  it('refetches an open handoff when a late LLM assessment was added, and leaves the rest alone', () => {
    const qc = client();
    qc.setQueryData(keys.handoffs.one('a'), { ...card('a'), llmAssessment: null });
    qc.setQueryData(keys.handoffs.one('b'), { ...card('b'), llmAssessment: null });
    qc.setQueryData(keys.handoffs.queue, [card('a'), card('b')]);
    qc.setQueryData(keys.session.detail('s-a'), { id: 's-a', timeline: [] });
    qc.setQueryData(keys.analytics.escalations({ period: '30d' }, false), { open: 1 });
    applyLiveEvent(qc, msg('handoff.assessment_added', { handoff: handoff('a') }));
    expect(qc.getQueryState(keys.handoffs.one('a'))!.isInvalidated).toBe(true);
    expect(qc.getQueryState(keys.handoffs.one('b'))!.isInvalidated).toBe(false);
    expect(qc.getQueryState(keys.handoffs.queue)!.isInvalidated).toBe(false);
    expect(qc.getQueryState(keys.session.detail('s-a'))!.isInvalidated).toBe(false);
    expect(qc.getQueryState(keys.analytics.escalations({ period: '30d' }, false))!.isInvalidated).toBe(false);
  });

  it("marks every session list stale when a teammate's new session is announced", () => {
    const qc = client();
    qc.setQueryData(keys.sessions.list({}), { sessions: [] });
    applyLiveEvent(
      qc,
      msg('session.created', {
        session: {
          id: 'new',
          title: 'Printer offline',
          problem: 'p',
          customer: null,
          asset: null,
          category: null,
          status: 'active',
          owner: person('Alex'),
          createdBy: person('Alex'),
          createdAt: 'x',
          updatedAt: 'x',
          resolvedAt: null,
          resolution: null,
          stepCount: 0,
        },
      }),
    );
    // Not built from the event (a list has filters the client does not evaluate): refetched.
    expect(qc.getQueryData<{ sessions: unknown[] }>(keys.sessions.list({}))!.sessions).toEqual([]);
    expect(qc.getQueryState(keys.sessions.list({}))!.isInvalidated).toBe(true);
  });
});
