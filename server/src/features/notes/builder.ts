/**
 * Builds the ticket notes of issue 15 from the session's own log, deterministically: the same
 * session and inputs give the same note, byte for byte, and every sentence in it comes from
 * something logged or typed (no LLM, no invented facts; decision 024). Pure: no database, no clock.
 */
import {
  MINUTES_WORKED_MAX,
  NOTE_MAX,
  type THandoffContext,
  type TOutcome,
  type TTimelineEntry,
  type TUrgency,
} from '@rf/contracts';
import { type Heading, type NoteBlock, oneLine, renderHtml, renderMarkdown, renderPlain } from './format.js';

export interface NoteSection {
  heading: Heading;
  blocks: NoteBlock[];
}

export interface BuiltNote {
  /** The note's parts, in order (the title first, with no heading). */
  sections: NoteSection[];
  /** Plain text: what "Copy for ticket" copies and what is saved unless the technician edits it. */
  text: string;
  markdown: string;
  /** An HTML fragment with every user-written character escaped. */
  html: string;
}

export interface NoteSessionFacts {
  title: string;
  problem: string;
  customer: string | null;
  asset: string | null;
  category: string | null;
}

const OUTCOME_WORDS: Record<TOutcome, string> = {
  worked: 'worked',
  failed: 'did not work',
  partial: 'partly worked',
  info: 'checked',
};

const URGENCY_WORDS: Record<TUrgency, string> = {
  low: 'Low (whenever someone is free)',
  normal: 'Normal (within the hour)',
  high: 'High (user blocked)',
  critical: 'Critical (many users or a site down)',
};

/** "5 min", "1 h 05 min", "2 h" */
export function formatMinutes(m: number): string {
  const minutes = Math.max(0, Math.round(m));
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `${h} h ${String(rest).padStart(2, '0')} min` : `${h} h`;
}

/** Ends a sentence with a full stop unless it already ends with punctuation. */
const sentence = (s: string) => {
  const t = oneLine(s);
  return /[.!?]$/.test(t) ? t : `${t}.`;
};

/** A clause to join with others: one line, without its closing punctuation. */
const clause = (s: string) => oneLine(s).replace(/[.;,\s]+$/, '');

/** One logged check: what was done, its outcome, and what it showed (the step's detail). */
function checkLine(text: string, outcome: TOutcome | null, detail: string | null | undefined): string {
  const what = oneLine(text).replace(/[.!?:;]+$/, '');
  const head = outcome ? `${what}: ${OUTCOME_WORDS[outcome]}.` : sentence(what);
  const shown = detail ? oneLine(detail) : '';
  return shown ? `${head} It showed: ${sentence(shown)}` : head;
}

function titleSection(kind: 'Resolution note' | 'Escalation note', s: NoteSessionFacts): NoteBlock[] {
  const facts = [
    s.customer ? `Customer: ${oneLine(s.customer)}` : null,
    s.asset ? `Asset: ${oneLine(s.asset)}` : null,
    s.category ? `Category: ${oneLine(s.category)}` : null,
  ].filter((x): x is string => x !== null);
  return [
    { type: 'title', text: `${kind}: ${oneLine(s.title)}` },
    ...(facts.length ? [{ type: 'paragraph' as const, text: `${facts.join('. ')}.` }] : []),
  ];
}

function render(sections: NoteSection[], top: NoteBlock[]): BuiltNote {
  const blocks: NoteBlock[] = [...top];
  for (const s of sections) {
    if (!s.blocks.length) continue;
    blocks.push({ type: 'heading', text: s.heading }, ...s.blocks);
  }
  return {
    sections: sections.filter((s) => s.blocks.length),
    text: renderPlain(blocks),
    markdown: renderMarkdown(blocks),
    html: renderHtml(blocks),
  };
}

/** The longest a list item or paragraph stays when a note must be shortened to fit. */
const SHORT_ITEM = 400;
const clipped = (t: string, max: number) => (t.length > max ? `${t.slice(0, max - 1).trimEnd()}…` : t);

/**
 * Renders the note, shortened if needed so that its text fits what a resolve or an escalation
 * accepts back (NOTE_MAX): first every item and paragraph is cut to a few hundred characters, then
 * the oldest entries of the longest lists give way to one line saying how many more the session log
 * holds. A note the server writes is never one the server then refuses.
 */
function finish(sections: NoteSection[], top: NoteBlock[], max = NOTE_MAX): BuiltNote {
  const full = render(sections, top);
  if (full.text.length <= max) return full;
  const shortBlock = (b: NoteBlock): NoteBlock =>
    b.type === 'list'
      ? { ...b, items: b.items.map((i) => clipped(i, SHORT_ITEM)) }
      : b.type === 'paragraph'
        ? { ...b, text: clipped(b.text, SHORT_ITEM * 5) }
        : b;
  const short = sections.map((sec) => ({ ...sec, blocks: sec.blocks.map(shortBlock) }));
  const shortTop = top.map((b) =>
    b.type === 'title' ? { ...b, text: clipped(b.text, SHORT_ITEM) } : shortBlock(b),
  );
  let note = render(short, shortTop);
  // Then the oldest entries of the longest list give way (about as many as the excess) until it fits.
  type ListBlock = Extract<NoteBlock, { type: 'list' }>;
  const lists = short.flatMap((sec) => sec.blocks).filter((b): b is ListBlock => b.type === 'list');
  const all = new Map(lists.map((b) => [b, [...b.items]]));
  const kept = new Map(lists.map((b) => [b, b.items.length]));
  while (note.text.length > max) {
    const longest = lists.filter((b) => kept.get(b)! > 1).sort((a, b) => kept.get(b)! - kept.get(a)!)[0];
    if (!longest) break;
    const items = all.get(longest)!;
    // Drop about as many characters as the note is over (each render wraps the whole note).
    let k = kept.get(longest)!;
    let freed = 0;
    const excess = note.text.length - max;
    while (k > 1 && freed < excess) freed += items[items.length - k--]!.length + 4;
    kept.set(longest, k);
    const gone = items.length - k;
    longest.items = [
      `(${gone} earlier ${gone === 1 ? 'entry is' : 'entries are'} in the session log in ResolutionFlow.)`,
      ...items.slice(items.length - k),
    ];
    note = render(short, shortTop);
  }
  if (note.text.length <= max) return note;
  // Nothing left to drop (one enormous title or problem): cut the text itself.
  return { ...note, text: clipped(note.text, max) };
}

const list = (items: string[]): NoteBlock[] => (items.length ? [{ type: 'list', items }] : []);
const para = (text: string | null | undefined): NoteBlock[] =>
  text && oneLine(text) ? [{ type: 'paragraph', text: oneLine(text) }] : [];

/**
 * The resolution note: Problem, What we confirmed (each logged step with its outcome and what it
 * showed), Observations (notes), Escalation history, Root cause, Resolution, Time worked. Chat
 * with the assistant is conversation, not a finding: it is not in the note.
 */
export function buildResolutionNote(o: {
  session: NoteSessionFacts;
  timeline: Pick<TTimelineEntry, 'kind' | 'text' | 'outcome' | 'detail'>[];
  resolution: string;
  rootCause?: string | null;
  minutesWorked: number;
}): BuiltNote {
  const steps = o.timeline.filter((e) => e.kind === 'step');
  const notes = o.timeline.filter((e) => e.kind === 'note');
  const handoffs = o.timeline.filter((e) => e.kind === 'handoff');
  const sections: NoteSection[] = [
    { heading: 'Problem', blocks: para(o.session.problem) },
    {
      heading: 'What we confirmed',
      blocks: steps.length
        ? list(steps.map((e) => checkLine(e.text, e.outcome, e.detail)))
        : para('No checks were logged in this session.'),
    },
    { heading: 'Observations', blocks: list(notes.map((e) => sentence(e.text))) },
    { heading: 'Escalation history', blocks: list(handoffs.map((e) => sentence(e.text))) },
    { heading: 'Root cause', blocks: para(o.rootCause ? sentence(o.rootCause) : 'Not recorded.') },
    {
      heading: 'Resolution',
      blocks: para(oneLine(o.resolution) ? sentence(o.resolution) : 'Not written yet.'),
    },
    { heading: 'Time worked', blocks: para(`${formatMinutes(o.minutesWorked)}.`) },
  ];
  return finish(sections, titleSection('Resolution note', o.session));
}

/** Where the escalation was sent, in words. */
export function routingWords(targetTier: number | null, targetName: string | null): string {
  if (targetName) return `Sent to ${oneLine(targetName)}.`;
  if (targetTier === 3) return 'Sent to Tier 3.';
  if (targetTier) return `Sent to Tier ${targetTier} and up.`;
  return 'Sent to anyone on the team.';
}

/**
 * The escalation note, from the handoff's snapshot: Problem, What was tried (steps with outcomes
 * and what they showed, and notes), Assessment (the snapshot's assessment and where to start),
 * Why it is escalated (the junior's reason), Urgency and routing, Time worked.
 */
export function buildEscalationNote(o: {
  session: NoteSessionFacts;
  context: THandoffContext;
  targetTier: number | null;
  targetName: string | null;
}): BuiltNote {
  const { context: c } = o;
  const tried = c.tried.map((t) =>
    t.kind === 'note' ? `Note: ${sentence(t.text)}` : checkLine(t.text, t.outcome, t.detail),
  );
  const a = c.assessment;
  const assessment: string[] = [
    ...a.likelyCauses.map((l) => {
      const head = `Likely cause: ${oneLine(l.cause)} (${Math.round(l.confidence * 100)}% confidence).`;
      const evidence = l.evidence.map(clause).filter(Boolean);
      return evidence.length ? `${head} Evidence: ${evidence.join('; ')}.` : head;
    }),
    ...a.ruledOut.map((r) => `Ruled out: ${clause(r.cause)}. Reason: ${sentence(r.why)}`),
    ...a.gaps.map((g) => `Not yet known: ${sentence(g)}`),
    `Start here: ${sentence(c.startHere.action)} ${sentence(c.startHere.why)}`,
  ];
  const sections: NoteSection[] = [
    { heading: 'Problem', blocks: para(c.problemSummary.problem) },
    {
      heading: 'What was tried',
      blocks: tried.length ? list(tried) : para('Nothing was logged before the escalation.'),
    },
    { heading: 'Assessment', blocks: list(assessment) },
    {
      heading: 'Why it is escalated',
      blocks: para(oneLine(c.problemSummary.reason) ? sentence(c.problemSummary.reason) : 'Not given yet.'),
    },
    {
      heading: 'Urgency and routing',
      blocks: para(
        `Urgency: ${URGENCY_WORDS[c.problemSummary.urgency]}. ${routingWords(o.targetTier, o.targetName)}`,
      ),
    },
    {
      heading: 'Time worked',
      blocks: para(`${formatMinutes(c.problemSummary.workedMinutes)} before escalating.`),
    },
  ];
  return finish(sections, titleSection('Escalation note', o.session));
}

/** Minutes between the session's start and `now`, never negative. */
export function minutesBetween(start: Date, now: Date): number {
  return Math.max(0, Math.round((now.getTime() - start.getTime()) / 60_000));
}

/**
 * Time worked for a ticket note or a PSA time entry: the session's open time, at most what a note
 * accepts (a week). A session left open for three weeks is not 500 hours of billable work.
 */
export function workedMinutes(minutesOpen: number): number {
  return Math.min(MINUTES_WORKED_MAX, Math.max(0, minutesOpen));
}
