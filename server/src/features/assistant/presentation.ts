/** Presentation: the assessment, its evidence lines and the suggestions, as the contracts shape them. */
import type { TAssessmentWithStart, TSuggestion } from '@rf/contracts';
import { type CauseState, isStrongMatch, type SessionAnalysis } from './analysis.js';
import {
  type Candidate,
  entryLabel,
  pct,
  planningCauses,
  quoteStep,
  seenBeforeLine,
  startHereFor,
  untriedChecks,
} from './planning.js';

export function evidenceFor(c: CauseState): string[] {
  const ev: string[] = [];
  for (const h of c.codeHits) {
    ev.push(
      h.step
        ? `${entryLabel(h.step)} ${quoteStep(h.step)} shows '${h.code}', which this cause produces.`
        : `The problem shows '${h.code}', which this cause produces.`,
    );
  }
  for (const f of c.signFindings)
    ev.push(`${entryLabel(f.step)} ${quoteStep(f.step)} shows a typical sign of this: "${f.sign}".`);
  for (const o of c.observations) {
    const label = `${entryLabel(o.step)} ${quoteStep(o.step)}`;
    if (o.intervention) {
      if (o.delta > 0.2) ev.push(`${label} changed what this depends on and it helped: supports this.`);
      else if (o.delta < -0.2)
        ev.push(`${label} changed what this depends on and it did not help: weakens this.`);
      else ev.push(`${label} changed what this depends on; the result says little either way.`);
      continue;
    }
    if (o.delta > 0.2) ev.push(`${label} supports this: expected if ${o.check.check.confirmsIf}.`);
    else if (o.delta < -0.2)
      ev.push(`${label} weakens this: it would show ${o.check.check.confirmsIf} if this were the cause.`);
    else ev.push(`${label} covers a check for this but says little either way.`);
  }
  for (const f of c.fixAttempts)
    ev.push(
      f.delta > 0
        ? `${entryLabel(f.step)} ${quoteStep(f.step)} applied this cause's fix ('${f.fix.text}') and it helped: supports this.`
        : `${entryLabel(f.step)} ${quoteStep(f.step)} applied this cause's fix ('${f.fix.text}') without success: weakens this.`,
    );
  for (const sb of c.seenBefore) ev.push(`${seenBeforeLine(sb)}.`);
  if (c.signHits.length > 0)
    ev.push(`The problem description matches typical signs: ${c.signHits.map((h) => `"${h}"`).join(', ')}.`);
  if (
    c.observations.length === 0 &&
    c.fixAttempts.length === 0 &&
    c.codeHits.length === 0 &&
    c.signFindings.length === 0 &&
    c.seenBefore.length === 0
  )
    ev.push(
      `No logged step tests this yet; it ranks from the problem matching the playbook "${c.pc.playbook.title}" (prior ${pct(c.pc.cause.prior)}).`,
    );
  return ev;
}

export function ruledOutWhy(c: CauseState): string {
  const o = c.ruledOutBy!;
  return `${entryLabel(o.step)} ${quoteStep(o.step)} rules this out: ${o.check.check.ruleOutWhy ?? 'the decisive check came back clean'}.`;
}

export function suggestionFrom(c: Candidate): TSuggestion {
  const check = c.check.check;
  const decisive =
    check.decisive === 'worked'
      ? ' A clean result rules it out.'
      : check.decisive === 'failed'
        ? ' If this fails, the cause is ruled out.'
        : '';
  return {
    id: c.check.key,
    action: check.action,
    why: `Tests '${c.state.pc.cause.name}' (${pct(c.state.confidence)} likely): points to it if ${check.confirmsIf}.${decisive}`,
    cause: c.state.pc.cause.name,
    playbook: c.state.pc.playbook.id,
  };
}

export function assessmentFromAnalysis(a: SessionAnalysis): TAssessmentWithStart {
  const likely = a.causes.slice(0, 5).filter((c, i) => i === 0 || c.confidence >= 0.02);
  const cands = untriedChecks(a, planningCauses(a, 4));
  const topKeys = new Set(a.causes.slice(0, 3).map((c) => c.pc.key));
  const gaps = cands
    .filter((c) => topKeys.has(c.state.pc.key))
    .slice(0, 6)
    .map((c) => `${c.check.check.action} (tests: ${c.state.pc.cause.name})`);
  if (a.causes.length > 0 && !isStrongMatch(a))
    gaps.unshift(
      `No strong match: the knowledge base explains only part of this problem, so treat these causes as leads, not findings.`,
    );
  return {
    assessment: {
      engine: 'builtin',
      likelyCauses: likely.map((c) => ({
        cause: c.pc.cause.name,
        confidence: Math.round(c.confidence * 1000) / 1000,
        evidence: evidenceFor(c),
      })),
      ruledOut: a.ruledOut.map((c) => ({ cause: c.pc.cause.name, why: ruledOutWhy(c) })),
      gaps,
    },
    startHere: startHereFor(a, cands),
  };
}

export function suggestionsFromAnalysis(a: SessionAnalysis, limit: number): TSuggestion[] {
  let cands = untriedChecks(a, planningCauses(a, 5));
  // Every check of the likely causes is done (a resolved case of the account can make one cause
  // near certain, leaving the rest under the planning threshold): offer the next causes of the
  // playbooks that match rather than nothing.
  if (cands.length === 0)
    cands = untriedChecks(a, a.causes.filter((c) => c.playbookRel >= 0.5 || c.support > 0).slice(0, 5));
  return cands.slice(0, Math.max(0, limit)).map(suggestionFrom);
}
