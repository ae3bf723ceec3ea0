import { NOTE_MAX, type THandoffContext, type TTimelineEntry, ZResolveBody } from '@rf/contracts';
import { describe, expect, it } from 'vitest';
import { buildEscalationNote, buildResolutionNote, formatMinutes, workedMinutes } from './builder.js';
import { parsePlain, renderHtml, renderMarkdown, WIDTH } from './format.js';

/** The note's logical lines: wrapped lines joined again (list items keep their numbers). */
const flat = (text: string) =>
  parsePlain(text)
    .map((b) => (b.type === 'list' ? b.items.map((x, i) => `${i + 1}. ${x}`).join('\n') : b.text))
    .join('\n');

const session = {
  title: 'Printer offline on 2nd floor',
  problem: 'HP printer shows offline for everyone; jobs stuck in the queue since this morning.',
  customer: 'Contoso',
  asset: 'PRN-2F',
  category: 'Printing',
};

let n = 0;
const entry = (
  kind: TTimelineEntry['kind'],
  text: string,
  outcome: TTimelineEntry['outcome'] = null,
  detail: string | null = null,
): TTimelineEntry => ({
  id: `e${++n}`,
  kind,
  text,
  outcome,
  detail,
  author: null,
  at: '2026-11-26T08:00:00.000Z',
});

const timeline: TTimelineEntry[] = [
  entry('step', 'Pinged the printer', 'failed', 'Request timed out (4/4 lost)'),
  entry('assistant_user', 'What next?'),
  entry('assistant_reply', 'Check the port IP'),
  entry('note', 'Printer panel shows a new IP 10.0.4.23'),
  entry('step', 'Compared the port IP with the panel', 'info', 'Port uses 10.0.4.17, panel says 10.0.4.23'),
  entry('step', 'Updated the port IP on the print server', 'worked'),
];

const resolution = () =>
  buildResolutionNote({
    session,
    timeline,
    resolution: 'Pointed the print server port at 10.0.4.23 and reserved the address in DHCP',
    rootCause: 'The printer took a new DHCP lease after a power cut',
    minutesWorked: 65,
  });

describe('resolution note', () => {
  it('is deterministic: the same session gives the same note, byte for byte', () => {
    const a = resolution();
    const b = resolution();
    expect(a).toEqual(b);
    expect(a.text).toBe(b.text);
  });

  it('has the sections in order, each check with its outcome and what it showed, no chat', () => {
    const { text: wrapped, sections } = resolution();
    const text = flat(wrapped);
    expect(sections.map((s) => s.heading)).toEqual([
      'Problem',
      'What we confirmed',
      'Observations',
      'Root cause',
      'Resolution',
      'Time worked',
    ]);
    expect(text).toContain('Resolution note: Printer offline on 2nd floor');
    expect(text).toContain('Customer: Contoso. Asset: PRN-2F. Category: Printing.');
    expect(text).toContain('1. Pinged the printer: did not work. It showed: Request timed out (4/4 lost).');
    expect(text).toContain(
      '2. Compared the port IP with the panel: checked. It showed: Port uses 10.0.4.17, panel says 10.0.4.23.',
    );
    expect(text).toContain('3. Updated the port IP on the print server: worked.');
    expect(text).toContain('Root cause\nThe printer took a new DHCP lease after a power cut.');
    expect(text).toContain('Time worked\n1 h 05 min.');
    // Wrapped list items continue under their text, not under the number.
    expect(wrapped).toContain('It showed: Port uses\n   10.0.4.17, panel says 10.0.4.23.');
    // The assistant chat is conversation, not a finding.
    expect(text).not.toContain('What next?');
    expect(text).not.toContain('Check the port IP');
    // Order: problem before checks before root cause before resolution.
    const at = (s: string) => text.indexOf(s);
    expect(at('Problem')).toBeLessThan(at('What we confirmed'));
    expect(at('What we confirmed')).toBeLessThan(at('Root cause'));
    expect(at('Root cause')).toBeLessThan(at('Resolution\n'));
  });

  it('says plainly when nothing was logged and no root cause was given', () => {
    const { text } = buildResolutionNote({ session, timeline: [], resolution: 'Rebooted', minutesWorked: 3 });
    expect(text).toContain('What we confirmed\nNo checks were logged in this session.');
    expect(text).toContain('Root cause\nNot recorded.');
    expect(text).toContain('Resolution\nRebooted.');
    expect(text).toContain('Time worked\n3 min.');
    expect(text).not.toContain('Observations');
  });

  it('plain text has no Markdown or HTML, and wraps on spaces without breaking long strings', () => {
    const path = `\\\\fs01\\${'very-long-share-name-'.repeat(6)}\\logs\\spooler.log`;
    const url = `https://support.example.com/kb/${'a'.repeat(120)}?q=1`;
    const { text } = buildResolutionNote({
      session: {
        ...session,
        problem: `Jobs fail writing to ${path} and the KB ${url} did not help. `.repeat(3),
      },
      timeline: [entry('step', `Opened ${path}`, 'failed', `Access denied on ${url}`)],
      resolution: '**Fixed** the `ACL` on <the share> #1',
      minutesWorked: 10,
    });
    for (const line of text.split('\n')) {
      // A line is only longer than the width when it is one unbreakable word (plus a list marker).
      if (line.length > WIDTH) expect(line.trim().replace(/^\d+\.\s+/, '')).not.toMatch(/\s/);
    }
    expect(text).toContain(path);
    expect(text).toContain(url);
    expect(text).not.toMatch(/^#{1,6} /m);
    // The generator adds no markup of its own (the only angle brackets are the user's).
    expect(text.split('<the share>').join('')).not.toMatch(/[<>]/);
    // What the user typed is kept as typed in the plain text (it is their ticket note).
    expect(text).toContain('**Fixed** the `ACL` on <the share> #1.');
  });

  it('reads back into the same blocks it was written from, so exports follow edits', () => {
    const note = resolution();
    const blocks = parsePlain(note.text);
    expect(renderMarkdown(blocks)).toBe(note.markdown);
    expect(renderHtml(blocks)).toBe(note.html);
    // An edit: a line added under Resolution shows up in the exports.
    const edited = note.text.replace(
      'Time worked',
      'Also told the user to call us if it recurs.\n\nTime worked',
    );
    expect(renderHtml(parsePlain(edited))).toContain('Also told the user to call us if it recurs.');
  });
});

describe('HTML and Markdown escape everything user-written', () => {
  const hostile = '<img src=x onerror=alert(1)>';
  const note = buildResolutionNote({
    session: { ...session, title: `<script>alert("t")</script>`, customer: `"><svg onload=alert(2)>` },
    timeline: [entry('step', hostile, 'failed', `<a href="javascript:alert(3)">x</a>`)],
    resolution: `Fixed & done ' " <b>bold</b>`,
    rootCause: '[link](javascript:alert(4))',
    minutesWorked: 1,
  });

  it('HTML: no tag or attribute from user text survives', () => {
    const tags = [...note.html.matchAll(/<\/?([a-z0-9]+)[^>]*>/gi)].map((m) => m[1]!.toLowerCase());
    expect(new Set(tags)).toEqual(new Set(['article', 'h1', 'h2', 'p', 'ol', 'li']));
    expect(note.html).not.toMatch(/<img|<script|<svg|<a |<b>/i);
    expect(note.html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(note.html).toContain('Fixed &#38; done &#39; &#34; &#60;b&#62;bold&#60;/b&#62;');
    expect(note.html).toContain('overflow-wrap:anywhere');
  });

  it('Markdown: markup characters are escaped, raw HTML is not HTML', () => {
    expect(note.markdown).toContain('\\<img src=x onerror=alert(1)\\>');
    expect(note.markdown).toContain('\\[link\\](javascript:alert(4))');
    expect(note.markdown).not.toMatch(/(^|[^\\])<img/);
    expect(note.markdown.split('\n')[0]).toBe('# Resolution note: \\<script\\>alert("t")\\</script\\>');
  });
});

describe('escalation note', () => {
  const context: THandoffContext = {
    problemSummary: {
      title: session.title,
      problem: session.problem,
      customer: 'Contoso',
      asset: 'PRN-2F',
      urgency: 'high',
      reason: 'Port IP looks right but jobs still fail',
      workedMinutes: 42,
    },
    tried: [
      {
        kind: 'step',
        text: 'Restarted the spooler',
        outcome: 'failed',
        at: 'x',
        detail: 'Same error 0x0000011b',
      },
      { kind: 'note', text: 'Only PCL6 driver affected', outcome: null, at: 'x' },
    ],
    assessment: {
      engine: 'builtin',
      likelyCauses: [
        {
          cause: 'Driver isolation',
          confidence: 0.62,
          evidence: ['Only PCL6 driver affected.', 'Matches "0x0000011b".'],
        },
      ],
      ruledOut: [{ cause: 'Spooler hang', why: 'restarting it did not help' }],
      gaps: ['Whether KB5005565 is installed'],
    },
    startHere: { action: 'Check the installed updates', why: 'The error matches a known update' },
  };

  it('lists what was tried, the assessment, the reason, urgency and routing, time worked', () => {
    const built = buildEscalationNote({ session, context, targetTier: 2, targetName: null });
    const a = { ...built, text: flat(built.text) };
    expect(built).toEqual(buildEscalationNote({ session, context, targetTier: 2, targetName: null }));
    expect(a.sections.map((s) => s.heading)).toEqual([
      'Problem',
      'What was tried',
      'Assessment',
      'Why it is escalated',
      'Urgency and routing',
      'Time worked',
    ]);
    expect(a.text).toContain('1. Restarted the spooler: did not work. It showed: Same error 0x0000011b.');
    expect(a.text).toContain('2. Note: Only PCL6 driver affected.');
    expect(a.text).toContain(
      'Likely cause: Driver isolation (62% confidence). Evidence: Only PCL6 driver affected; Matches "0x0000011b".',
    );
    expect(a.text).not.toMatch(/\.;|\.\./);
    expect(a.text).toContain('Ruled out: Spooler hang. Reason: restarting it did not help.');
    expect(a.text).toContain('Start here: Check the installed updates. The error matches a known update.');
    expect(a.text).toContain('Why it is escalated\nPort IP looks right but jobs still fail.');
    expect(a.text).toContain('Urgency: High (user blocked). Sent to Tier 2 and up.');
    expect(a.text).toContain('Time worked\n42 min before escalating.');
    const named = buildEscalationNote({ session, context, targetTier: null, targetName: 'Sam Senior' });
    expect(named.text).toContain('Sent to Sam Senior.');
  });
});

describe('formatMinutes', () => {
  it.each([
    [0, '0 min'],
    [59, '59 min'],
    [60, '1 h'],
    [65, '1 h 05 min'],
    [600, '10 h'],
  ])('%d → %s', (m, s) => expect(formatMinutes(m)).toBe(s));
});

describe('a note always fits what a resolve or an escalation accepts back', () => {
  const long = (i: number) =>
    `Step ${i}: ran the diagnostic again and pasted its output ${'C:\\ProgramData\\Vendor\\Logs\\agent.log '.repeat(60)}`;
  const big: TTimelineEntry[] = Array.from({ length: 300 }, (_, i) =>
    entry(
      i % 10 === 9 ? 'note' : 'step',
      `Check ${i} on the print server`,
      i % 10 === 9 ? null : 'failed',
      long(i),
    ),
  );

  it('shortens a long resolution note to fit, keeping the latest entries and saying how many more the log holds', () => {
    const note = buildResolutionNote({
      session,
      timeline: big,
      resolution: 'Replaced the driver',
      minutesWorked: 90,
    });
    expect(note.text.length).toBeLessThanOrEqual(NOTE_MAX);
    // The server accepts it back as it is (the web's Resolve dialog sends the preview's text).
    expect(
      ZResolveBody.safeParse({
        resolution: 'Replaced the driver',
        note: { text: note.text, minutesWorked: 90 },
      }).success,
    ).toBe(true);
    const text = flat(note.text);
    expect(text).toMatch(/\(\d+ earlier entries are in the session log in ResolutionFlow\.\)/);
    expect(text).toContain('Check 298 on the print server'); // the latest step is kept
    expect(text).not.toContain('Check 0 on the print server');
    // Every section is still there.
    for (const h of [
      'Problem',
      'What we confirmed',
      'Observations',
      'Root cause',
      'Resolution',
      'Time worked',
    ])
      expect(text).toContain(h);
  });

  it('leaves a note that fits as it is', () => {
    expect(resolution().text).not.toContain('earlier entr');
    expect(resolution().text).not.toContain('…');
  });

  it('time worked is at most a week, the most a note or a time entry takes', () => {
    expect(workedMinutes(3 * 7 * 24 * 60)).toBe(10_080);
    expect(workedMinutes(42)).toBe(42);
    expect(workedMinutes(-5)).toBe(0);
  });
});
