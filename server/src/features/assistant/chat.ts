/**
 * Chat: answers a technician's message from the session analysis. The message's intent picks one
 * handler from a table (first matching pattern wins; "next" is the default).
 */
import type { TAssessmentWithStart, TAssistantReply, TSuggestion } from '@rf/contracts';
import { type CauseState, clip, isConfirmed, type SessionAnalysis } from './analysis.js';
import { isFixTried, pct, planningCauses, quoteStep, untriedChecks } from './planning.js';
import { assessmentFromAnalysis, evidenceFor, ruledOutWhy, suggestionsFromAnalysis } from './presentation.js';
import { tokenize } from './text.js';

interface ChatContext {
  a: SessionAnalysis;
  message: string;
  top: CauseState | undefined;
  assessment: TAssessmentWithStart;
  suggestions: TSuggestion[];
}

type Handler = (ctx: ChatContext) => string[];

/** The candidate cause a chat message talks about (IDF-weighted overlap with the cause's vocabulary). */
function mentionedCause(a: SessionAnalysis, message: string): CauseState | null {
  const msg = new Set(tokenize(message));
  const all = [...a.causes, ...a.ruledOut];
  const df = new Map<string, number>();
  for (const t of msg) df.set(t, all.filter((c) => c.pc.vocab.has(t)).length);
  let best: CauseState | null = null;
  let bestScore = 0;
  for (const c of all) {
    let score = 0;
    const name = new Set(tokenize(c.pc.cause.name));
    for (const t of msg) {
      const d = df.get(t) ?? 0;
      // A word every candidate shares says nothing about which one is meant; a word of the cause's
      // name tells more than one of its check terms.
      if (d > 0 && d < all.length && c.pc.vocab.has(t)) score += (name.has(t) ? 2 : 1) / d;
    }
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

function stepsLine(a: SessionAnalysis): string {
  const steps = a.steps.filter((st) => st.entry.kind === 'step');
  if (steps.length === 0) return 'No steps are logged yet.';
  const recent = steps.slice(-3).map(quoteStep).join(', ');
  return `Logged so far (${steps.length} step${steps.length === 1 ? '' : 's'}), most recent: ${recent}.`;
}

const ruledOut: Handler = ({ a, top }) => {
  const lines: string[] = [];
  if (a.ruledOut.length === 0) {
    lines.push('Nothing is ruled out yet: no logged step has given a decisive result.');
    const decisive = untriedChecks(a, planningCauses(a, 4)).find((c) => c.check.check.decisive);
    if (decisive)
      lines.push(
        `A check that could rule something out: ${decisive.check.check.action} (for '${decisive.state.pc.cause.name}').`,
      );
  } else {
    lines.push('Ruled out so far:');
    for (const c of a.ruledOut) lines.push(`- ${c.pc.cause.name}: ${ruledOutWhy(c)}`);
  }
  if (top) lines.push(`Still the leading candidate: ${top.pc.cause.name} (${pct(top.confidence)}).`);
  return lines;
};

const why: Handler = ({ a, message, top, assessment }) => {
  const target = mentionedCause(a, message) ?? top;
  if (!target) return [];
  if (target.ruledOutBy) return [`'${target.pc.cause.name}' is ruled out.`, ruledOutWhy(target)];
  const lines = [`'${target.pc.cause.name}' is at ${pct(target.confidence)} because:`];
  for (const e of evidenceFor(target)) lines.push(`- ${e}`);
  if (target === top)
    lines.push(`Suggested next: ${assessment.startHere.action}`, `Why: ${assessment.startHere.why}`);
  return lines;
};

const fix: Handler = ({ a, top, assessment }) => {
  if (!top) return [];
  const confirmed = isConfirmed(top);
  const lines = [
    confirmed
      ? `The evidence points to '${top.pc.cause.name}' (${pct(top.confidence)}). Fixes from the playbook:`
      : `Not confirmed yet, but for the leading candidate '${top.pc.cause.name}' (${pct(top.confidence)}) the playbook fixes are:`,
  ];
  for (const f of top.pc.fixes) lines.push(`- ${f.text}${isFixTried(a, f) ? ' (already logged)' : ''}`);
  if (!confirmed) lines.push(`Confirm it first: ${assessment.startHere.action}`);
  return lines;
};

const summary: Handler = ({ a, assessment }) => {
  const lines = [`Problem: ${clip(a.session.title, 120)}.`, stepsLine(a), 'Likely causes:'];
  for (const c of a.causes.slice(0, 3)) lines.push(`- ${c.pc.cause.name} (${pct(c.confidence)})`);
  if (a.ruledOut.length > 0) lines.push(`Ruled out: ${a.ruledOut.map((c) => c.pc.cause.name).join('; ')}.`);
  lines.push(`Start here: ${assessment.startHere.action}`);
  return lines;
};

const next: Handler = ({ a, top, assessment, suggestions }) => {
  const lines = [stepsLine(a)];
  if (top) lines.push(`Most likely: ${top.pc.cause.name} (${pct(top.confidence)}).`);
  lines.push(`Next: ${assessment.startHere.action}`, `Why: ${assessment.startHere.why}`);
  const more = suggestions.filter((x) => x.action !== assessment.startHere.action).slice(0, 2);
  if (more.length > 0) {
    lines.push('Other useful checks:');
    for (const x of more) lines.push(`- ${x.action}`);
  }
  return lines;
};

/** Intent table: the first pattern that matches the (lowercased) message picks the handler. */
const INTENTS: Array<{ name: string; pattern: RegExp; handler: Handler }> = [
  {
    name: 'ruled_out',
    pattern: /rul(ed|e|es|ing) out|exclud|eliminat|can we rule|not the cause/,
    handler: ruledOut,
  },
  { name: 'why', pattern: /\bwhy\b|explain|reason|how come|how sure|confiden/, handler: why },
  { name: 'fix', pattern: /\b(fix|fixes|resolve|solution|solve|remed|repair)\b/, handler: fix },
  {
    name: 'summary',
    pattern:
      /summar|status|where are we|so far|recap|hand ?off|escalat|what do we know|what have (i|we) (tried|done)/,
    handler: summary,
  },
];

export function chatReply(a: SessionAnalysis, message: string, closest: () => string[]): TAssistantReply {
  const suggestions = suggestionsFromAnalysis(a, 3);
  if (a.causes.length === 0 && a.ruledOut.length === 0) {
    const guess = closest();
    const lines = ["I can't match this session to a playbook yet."];
    if (guess.length > 0) lines.push(`Closest playbooks: ${guess.join('; ')}.`);
    lines.push(
      'Add the exact error message, who is affected and since when, and log each step with its outcome.',
    );
    return { engine: 'builtin', text: lines.join('\n'), suggestions };
  }
  const m = message.toLowerCase();
  const handler = INTENTS.find((i) => i.pattern.test(m))?.handler ?? next;
  const ctx: ChatContext = {
    a,
    message,
    top: a.causes[0],
    assessment: assessmentFromAnalysis(a),
    suggestions,
  };
  return { engine: 'builtin', text: handler(ctx).join('\n'), suggestions };
}
