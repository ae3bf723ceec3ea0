import type { THandoff, TSessionSummary } from '@rf/contracts';
import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { applyLiveEvent, type LiveMessage, liveKeys } from './live';

const person = (name: string) => ({ id: name.toLowerCase(), name });

function handoff(id: string, over: Partial<THandoff> = {}): THandoff {
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
    const mine = { ...handoff('a'), can: { claim: true } } as THandoff;
    qc.setQueryData(liveKeys.queue, [mine, handoff('bb')]);
    applyLiveEvent(
      qc,
      msg('handoff.claimed', {
        handoff: handoff('a', { status: 'claimed', claimedBy: person('Sam Rivera'), claimedAt: 'x' }),
      }),
    );
    const queue = qc.getQueryData<(THandoff & { can?: unknown })[]>(liveKeys.queue)!;
    expect(queue.map((h) => [h.id, h.status])).toEqual([
      ['a', 'claimed'],
      ['bb', 'open'],
    ]);
    expect(queue[0]!.claimedBy?.name).toBe('Sam Rivera');
    expect(queue[0]!.can).toEqual({ claim: true });
    expect(qc.getQueryState(liveKeys.queue)!.isInvalidated).toBe(true);
  });

  it('takes closed handoffs off the queue at once', () => {
    const qc = client();
    qc.setQueryData(liveKeys.queue, [handoff('a'), handoff('bb')]);
    applyLiveEvent(qc, msg('handoff.cancelled', { handoff: handoff('a', { status: 'cancelled' }) }));
    applyLiveEvent(qc, msg('handoff.resolved', { handoff: handoff('bb', { status: 'resolved' }) }, 2));
    expect(qc.getQueryData<THandoff[]>(liveKeys.queue)).toEqual([]);
  });

  it('does not invent a card from an event: the refetch brings it with its permissions', () => {
    const qc = client();
    qc.setQueryData(liveKeys.queue, [handoff('a')]);
    applyLiveEvent(qc, msg('handoff.created', { handoff: handoff('new') }));
    expect(qc.getQueryData<THandoff[]>(liveKeys.queue)!.map((h) => h.id)).toEqual(['a']);
    expect(qc.getQueryState(liveKeys.queue)!.isInvalidated).toBe(true);
  });

  it('merges into an open handoff screen without losing its context and audit', () => {
    const qc = client();
    const detail = { ...handoff('a'), context: { startHere: 'x' }, audit: [{ id: '1' }] };
    qc.setQueryData(liveKeys.handoff('a'), detail);
    qc.setQueryData(liveKeys.sessionDetail('s-a'), { id: 's-a', timeline: [] });
    applyLiveEvent(
      qc,
      msg('handoff.claimed', { handoff: handoff('a', { status: 'claimed', claimedBy: person('Sam') }) }),
    );
    const after = qc.getQueryData<typeof detail>(liveKeys.handoff('a'))!;
    expect(after.status).toBe('claimed');
    expect(after.context).toEqual({ startHere: 'x' });
    expect(after.audit).toEqual([{ id: '1' }]);
    expect(qc.getQueryState(liveKeys.handoff('a'))!.isInvalidated).toBe(true);
    expect(qc.getQueryState(liveKeys.sessionDetail('s-a'))!.isInvalidated).toBe(true);
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
    qc.setQueryData([...liveKeys.sessionsAll, { owner: 'me' }], { sessions: [summary] });
    qc.setQueryData([...liveKeys.sessionsAll, { status: 'active' }], { sessions: [summary] });
    qc.setQueryData(liveKeys.sessionDetail('s1'), {
      ...summary,
      timeline: [{ id: 't1' }],
      openHandoffId: null,
    });
    applyLiveEvent(qc, msg('session.updated', { session: { ...summary, status: 'resolved', stepCount: 2 } }));
    for (const f of [{ owner: 'me' as const }, { status: 'active' as const }]) {
      const list = qc.getQueryData<{ sessions: TSessionSummary[] }>([...liveKeys.sessionsAll, f])!;
      expect(list.sessions[0]).toMatchObject({ status: 'resolved', stepCount: 2 });
      expect(qc.getQueryState([...liveKeys.sessionsAll, f])!.isInvalidated).toBe(true);
    }
    const view = qc.getQueryData<TSessionSummary & { timeline: unknown[] }>(liveKeys.sessionDetail('s1'))!;
    expect(view).toMatchObject({ status: 'resolved', timeline: [{ id: 't1' }] });
  });
});
