/**
 * The ticket's context (decision 023): a cause's sign that the problem names as what changed or as a
 * circumstance counts more than the same words stated as a symptom.
 */
import { describe, expect, it } from 'vitest';
import { contextTokens } from './analysis.js';
import { createEngine, type EngineSession } from './engine.js';
import type { Playbook } from './knowledge.js';
import { tokenize } from './text.js';

const session = (title: string, problem: string): EngineSession => ({
  title,
  problem,
  customer: null,
  asset: null,
  category: null,
  timeline: [],
});

/** One playbook: a common cause of the symptom and a rarer one whose sign is a context. */
function base(): Playbook[] {
  const cause = (id: string, name: string, prior: number, signs: string[]) => ({
    id,
    name,
    prior,
    signs,
    codes: [],
    source: { title: 'Test source', url: 'https://example.org/kb' },
    fixes: ['Apply the documented fix'],
    checks: [
      {
        id: `${id}-check`,
        action: `Run \`check-${id}\``,
        terms: [`check ${id}`],
        confirmsIf: 'the check shows it',
        effect: { worked: 2, failed: -1 },
      },
    ],
  });
  return [
    {
      id: 'phone-enrol',
      title: 'Phone will not enrol in device management',
      category: 'mobile',
      symptoms: ['phone will not enrol', 'enrolment fails'],
      keywords: ['phone', 'enrol', 'enrolment'],
      causes: [
        cause('enrol-restriction', 'Enrolment restriction blocks the platform', 0.6, ['restriction']),
        cause('enrol-old-profile', 'Profile left behind by another management tool', 0.3, ['work tab']),
      ],
    },
    // Unrelated causes, so the sign's words are rare in the base (as in a real base).
    {
      id: 'printer-offline',
      title: 'Printer shows offline',
      category: 'printing',
      symptoms: ['printer offline', 'cannot print'],
      keywords: ['printer', 'offline'],
      causes: ['ip-changed', 'paper-jam', 'driver-old', 'queue-stuck'].map((id) =>
        cause(id, `Printer problem ${id}`, 0.25, [id.replace('-', ' ')]),
      ),
    },
  ];
}

describe('context clauses', () => {
  it('collects the words of clauses that name a change or circumstance, not the symptom', () => {
    const ctx = contextTokens(
      'Phone will not enrol. He used the same phone at his previous employer. Error on the last screen',
    );
    for (const t of tokenize('previous employer')) expect(ctx.has(t)).toBe(true);
    for (const t of tokenize('enrol screen')) expect(ctx.has(t)).toBe(false);
    expect(contextTokens('Since the hardening GPO, scheduled jobs fail').has(tokenize('hardening')[0]!)).toBe(
      true,
    );
    expect(contextTokens('Printer offline on the second floor').size).toBe(0);
  });

  it('a sign named as the context lifts its cause more than the same sign named as a symptom', () => {
    const engine = createEngine(base());
    const conf = (s: EngineSession) =>
      engine.rankCauses(s).find((c) => c.causeId === 'enrol-old-profile')?.confidence ?? 0;
    const asContext = session('Phone will not enrol', 'Since the work tab appeared, enrolment fails.');
    const asSymptom = session('Phone will not enrol', 'Enrolment fails and the work tab is shown.');
    expect(conf(asContext)).toBeGreaterThan(conf(asSymptom));
    // The sign stated as a symptom still counts, less.
    expect(conf(asSymptom)).toBeGreaterThan(conf(session('Phone will not enrol', 'Enrolment fails.')));
    expect(engine.rankCauses(asContext)[0]!.causeId).toBe('enrol-old-profile');
  });
});
