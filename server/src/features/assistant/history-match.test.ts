/** Resolved cases of the account: similarity must not depend on how big the knowledge base is. */
import { describe, expect, it } from 'vitest';
import { createEngine, type EngineSession, type HistoryCase, shippedPlaybooks } from './engine.js';
import type { Playbook } from './knowledge.js';

const PLAYBOOKS = shippedPlaybooks();

/** The shipped base repeated k times under new ids: every word keeps its share of the playbooks. */
function grown(k: number): Playbook[] {
  const out: Playbook[] = [];
  for (let i = 0; i < k; i++)
    for (const p of PLAYBOOKS) out.push(i === 0 ? p : { ...p, id: `${p.id}-copy${i}` });
  return out;
}

const resolved: HistoryCase = {
  sessionId: 's1',
  title: 'Authenticator gets no sign-in requests after phone swap',
  problem:
    'Dr Lee moved to a new phone; Microsoft Authenticator shows no approval requests and she cannot sign in to Outlook or Teams.',
  customer: 'Contoso Dental',
  resolvedAt: '2026-10-12T15:00:00.000Z',
  resolution: 'Re-registered the authenticator on the new phone',
  fixStep: 'Issued a Temporary Access Pass and re-registered the authenticator on the new phone',
  causeKey: null,
};
const unrelated: HistoryCase = {
  ...resolved,
  sessionId: 's2',
  title: 'Upstairs printer offline',
  problem: 'The upstairs HP printer at Contoso Dental shows offline on every PC since the power cut.',
};
const session: EngineSession = {
  title: 'No MFA approval requests on new phone',
  problem:
    'Reception got a new phone; Authenticator shows no approval requests so she cannot sign in to Outlook.',
  customer: 'Contoso Dental',
  asset: null,
  category: null,
  timeline: [],
  history: [resolved, unrelated],
};

describe('seen before: similarity to resolved cases', () => {
  const similarity = (k: number) => {
    const a = createEngine(grown(k)).analyzeSession(session);
    return a.seenBefore.find((sb) => sb.case.sessionId === 's1')?.similarity ?? 0;
  };

  it('does not decay as the base grows', () => {
    const one = similarity(1);
    const four = similarity(4);
    expect(one).toBeGreaterThanOrEqual(0.5);
    expect(Math.abs(four - one)).toBeLessThan(0.03);
  });

  it("the customer's name in both texts does not make two problems alike", () => {
    const outlook: EngineSession = {
      ...session,
      title: 'Contoso Dental: Outlook keeps asking for the password',
      problem: 'At Contoso Dental Outlook asks for the password every few minutes.',
      history: [{ ...unrelated, title: 'Contoso Dental printer offline' }],
    };
    expect(createEngine(PLAYBOOKS).analyzeSession(outlook).seenBefore).toEqual([]);
    // Only the same problem is seen before, not the printer case of the same customer.
    const a = createEngine(PLAYBOOKS).analyzeSession(session);
    expect(a.seenBefore.map((sb) => sb.case.sessionId)).toEqual(['s1']);
  });
});
