/**
 * `can` is the server's one answer to "may I?" (decision 005): for every state of a handoff, every
 * kind of teammate and every action, what `can` says is what the action then does.
 */
import type { TCan } from '@rf/contracts';
import { ZHandoffWithContext, ZSessionDetail } from '@rf/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeTeam, startApp, type Team, type TeamMember } from '../../test/harness.js';

let h: Harness;
let t: Team;
beforeAll(async () => {
  h = await startApp();
  t = await makeTeam(h, 'Permissions Co');
});
afterAll(() => h.close());

type State = 'open' | 'claimed' | 'cancelled' | 'resolved';

/** A fresh session of the junior's, escalated and brought to `state` (claims are the senior's). */
async function inState(state: State) {
  const s = await t.junior.client.post('/api/sessions', {
    title: 'Wi-Fi drops',
    problem: 'Drops every hour',
  });
  const sessionId = s.body.session.id as string;
  const e = await t.junior.client.post(`/api/sessions/${sessionId}/handoffs`, {
    intent: 'escalate',
    reason: 'stuck',
    urgency: 'normal',
  });
  const handoffId = e.body.handoff.id as string;
  if (state === 'claimed' || state === 'resolved')
    expect((await t.senior.client.post(`/api/handoffs/${handoffId}/claim`)).status).toBe(200);
  if (state === 'cancelled')
    expect((await t.junior.client.post(`/api/handoffs/${handoffId}/cancel`)).status).toBe(200);
  if (state === 'resolved')
    expect(
      (await t.senior.client.post(`/api/sessions/${sessionId}/resolve`, { resolution: 'done' })).status,
    ).toBe(200);
  return { sessionId, handoffId };
}

const act: Record<
  keyof TCan,
  (m: TeamMember, ids: { sessionId: string; handoffId: string }) => Promise<number>
> = {
  claim: async (m, i) => (await m.client.post(`/api/handoffs/${i.handoffId}/claim`)).status,
  release: async (m, i) => (await m.client.post(`/api/handoffs/${i.handoffId}/release`)).status,
  cancel: async (m, i) => (await m.client.post(`/api/handoffs/${i.handoffId}/cancel`)).status,
  write: async (m, i) =>
    (await m.client.post(`/api/sessions/${i.sessionId}/notes`, { text: 'a note' })).status,
  escalate: async (m, i) =>
    (
      await m.client.post(`/api/sessions/${i.sessionId}/handoffs`, {
        intent: 'escalate',
        reason: 'again',
        urgency: 'low',
      })
    ).status,
};

const members = ['junior', 'senior', 'senior2', 'admin', 'viewer'] as const;
const states: State[] = ['open', 'claimed', 'cancelled', 'resolved'];

describe('can agrees with what the server then does', () => {
  for (const state of states) {
    for (const who of members) {
      it(`${state} handoff, ${who}`, async () => {
        const m = t[who];
        for (const action of Object.keys(act) as (keyof TCan)[]) {
          const ids = await inState(state);
          const handoff = ZHandoffWithContext.parse(
            (await m.client.get(`/api/handoffs/${ids.handoffId}`)).body.handoff,
          );
          const session = ZSessionDetail.parse(
            (await m.client.get(`/api/sessions/${ids.sessionId}`)).body.session,
          );
          // The session presents the same rules for itself and its active handoff.
          expect(session.can.write).toBe(handoff.can.write);
          expect(session.can.escalate).toBe(handoff.can.escalate);
          if (session.activeHandoffId) {
            expect(session.can).toEqual(handoff.can);
          } else {
            expect([session.can.claim, session.can.release, session.can.cancel]).toEqual([
              false,
              false,
              false,
            ]);
          }
          const status = await act[action](m, ids);
          expect(
            status < 300,
            `${state}/${who}/${action}: can says ${handoff.can[action]}, got ${status}`,
          ).toBe(handoff.can[action]);
        }
      });
    }
  }

  it('spot checks read as the product says', async () => {
    const open = await inState('open');
    const can = async (m: TeamMember, id: string) =>
      (await m.client.get(`/api/handoffs/${id}`)).body.handoff.can;
    expect(await can(t.senior, open.handoffId)).toEqual({
      claim: true,
      release: false,
      cancel: false,
      write: false,
      escalate: false,
    });
    // The escalator still owns the session while it waits: may write, may cancel, may not claim.
    expect(await can(t.junior, open.handoffId)).toEqual({
      claim: false,
      release: false,
      cancel: true,
      write: true,
      escalate: false,
    });
    expect(Object.values(await can(t.viewer, open.handoffId))).toEqual([false, false, false, false, false]);
    const queue = (await t.senior.client.get('/api/handoffs?status=open')).body.handoffs;
    expect(queue.find((x: { id: string }) => x.id === open.handoffId).can.claim).toBe(true);
  });
});
