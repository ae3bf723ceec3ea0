/**
 * The shape of a ticket note and its three renderings (decision 024).
 *
 * A note is a list of blocks: a title, headings, paragraphs and numbered lists. The plain text is
 * what is saved (after the technician's edits) and what "Copy for ticket" copies; it has no
 * Markdown symbols and no HTML, and is wrapped at WIDTH columns on spaces only, so a long path or
 * URL is never split. Markdown and HTML are made from the blocks; a saved (possibly edited) note
 * is read back into blocks by `parsePlain`, so its exports follow the edits.
 */

export type NoteBlock =
  | { type: 'title'; text: string }
  | { type: 'heading'; text: string }
  | { type: 'paragraph'; text: string }
  | { type: 'list'; items: string[] };

/** The headings a note uses: `parsePlain` recognises exactly these as headings. */
export const HEADINGS = [
  'Problem',
  'What we confirmed',
  'Observations',
  'Escalation history',
  'Root cause',
  'Resolution',
  'Time worked',
  'What was tried',
  'Assessment',
  'Why it is escalated',
  'Urgency and routing',
] as const;
export type Heading = (typeof HEADINGS)[number];

const TITLE_PREFIXES = ['Resolution note', 'Escalation note'];

/** Plain-text lines are wrapped to this many columns (a long unbroken word stays whole). */
export const WIDTH = 76;

/** Collapses runs of whitespace (a note's paragraphs are logical lines; blank lines separate blocks). */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Wraps `text` to `width` columns on spaces; `indent` starts every continuation line. */
export function wrap(text: string, width: number, firstPrefix = '', indent = ''): string[] {
  const words = oneLine(text).split(' ').filter(Boolean);
  const lines: string[] = [];
  let line = firstPrefix;
  let empty = true;
  for (const w of words) {
    if (empty) {
      line += w;
      empty = false;
    } else if (line.length + 1 + w.length <= width) {
      line += ` ${w}`;
    } else {
      lines.push(line);
      line = indent + w;
    }
  }
  lines.push(line);
  return lines;
}

/** The plain text: blocks separated by a blank line, except a heading sits right above its block. */
export function renderPlain(blocks: NoteBlock[]): string {
  const out: string[] = [];
  blocks.forEach((b, i) => {
    const prev = blocks[i - 1];
    if (i > 0 && prev?.type !== 'heading') out.push('');
    switch (b.type) {
      case 'title':
      case 'heading':
        out.push(oneLine(b.text));
        break;
      case 'paragraph':
        out.push(...wrap(b.text, WIDTH));
        break;
      case 'list': {
        const w = String(b.items.length).length + 2;
        b.items.forEach((item, n) => {
          const marker = `${n + 1}.`.padEnd(w, ' ');
          out.push(...wrap(item, WIDTH, marker, ' '.repeat(w)));
        });
        break;
      }
    }
  });
  return out.join('\n');
}

const LIST_ITEM = /^(\d{1,3})[.)]\s+(.*)$/;
const headingOf = (line: string): string | null => {
  const t = line.trim().replace(/:$/, '');
  return HEADINGS.find((h) => h.toLowerCase() === t.toLowerCase()) ?? null;
};

/**
 * Reads plain text (as generated, or as the technician edited it) back into blocks: a known
 * heading on its own line is a heading, `1. ` starts a list item and indented lines continue it,
 * other lines are paragraphs (wrapped lines joined). The first line is the title when it starts
 * like one. Whatever else was typed survives as paragraphs: nothing is dropped.
 */
export function parsePlain(text: string): NoteBlock[] {
  const blocks: NoteBlock[] = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let para: string[] = [];
  let list: string[] | null = null;
  const flushPara = () => {
    if (para.length) blocks.push({ type: 'paragraph', text: oneLine(para.join(' ')) });
    para = [];
  };
  const flushList = () => {
    if (list?.length) blocks.push({ type: 'list', items: list.map(oneLine) });
    list = null;
  };
  lines.forEach((raw, i) => {
    const line = raw.replace(/\s+$/, '');
    if (!line.trim()) {
      flushPara();
      flushList();
      return;
    }
    if (i === 0 && TITLE_PREFIXES.some((p) => line.startsWith(p))) {
      blocks.push({ type: 'title', text: oneLine(line) });
      return;
    }
    const heading = headingOf(line);
    if (heading && !/^\s/.test(line)) {
      flushPara();
      flushList();
      blocks.push({ type: 'heading', text: heading });
      return;
    }
    const item = LIST_ITEM.exec(line.trim());
    if (item && !/^\s/.test(line)) {
      flushPara();
      list ??= [];
      list.push(item[2]!);
      return;
    }
    if (list && /^\s/.test(line)) {
      list[list.length - 1] = `${list[list.length - 1]} ${line.trim()}`;
      return;
    }
    flushList();
    para.push(line.trim());
  });
  flushPara();
  flushList();
  return blocks;
}

// ---- Markdown ------------------------------------------------------------------------------------

/** Escapes what Markdown would read as markup, so user text shows as typed (and raw HTML stays text). */
export function escapeMarkdown(s: string): string {
  return (
    s
      .replace(/[\\`*_{}[\]<>|~!]/g, (c) => `\\${c}`)
      // At the start of a line these begin headings, lists or quotes.
      .replace(/^(\s*)([#+\-=>])/, '$1\\$2')
      .replace(/^(\s*\d+)([.)])/, '$1\\$2')
  );
}

export function renderMarkdown(blocks: NoteBlock[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.type) {
      case 'title':
        out.push(`# ${escapeMarkdown(oneLine(b.text))}`);
        break;
      case 'heading':
        out.push(`## ${escapeMarkdown(oneLine(b.text))}`);
        break;
      case 'paragraph':
        out.push(escapeMarkdown(oneLine(b.text)));
        break;
      case 'list':
        out.push(b.items.map((item, n) => `${n + 1}. ${escapeMarkdown(oneLine(item))}`).join('\n'));
        break;
    }
  }
  return `${out.join('\n\n')}\n`;
}

// ---- HTML ----------------------------------------------------------------------------------------

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Long unbroken strings (paths, URLs) wrap anywhere instead of widening the page or the ticket. */
const WRAP_STYLE = 'overflow-wrap:anywhere;word-break:break-word';

/** An HTML fragment (no scripts, no links, no user markup: every user character is escaped). */
export function renderHtml(blocks: NoteBlock[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.type) {
      case 'title':
        out.push(`<h1>${escapeHtml(oneLine(b.text))}</h1>`);
        break;
      case 'heading':
        out.push(`<h2>${escapeHtml(oneLine(b.text))}</h2>`);
        break;
      case 'paragraph':
        out.push(`<p>${escapeHtml(oneLine(b.text))}</p>`);
        break;
      case 'list':
        out.push(`<ol>${b.items.map((i) => `<li>${escapeHtml(oneLine(i))}</li>`).join('')}</ol>`);
        break;
    }
  }
  return `<article class="ticket-note" style="${WRAP_STYLE}">${out.join('')}</article>`;
}

/** A whole HTML document for the download: the fragment with a readable, self-contained style. */
export function htmlDocument(title: string, fragment: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(oneLine(title))}</title>`,
    '<style>',
    'body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5;color:#1f2328;margin:0;padding:24px;}',
    `.ticket-note{max-width:72ch;margin:0 auto;${WRAP_STYLE};}`,
    'h1{font-size:1.35rem;margin:0 0 16px;}h2{font-size:1.05rem;margin:20px 0 6px;}p,ol{margin:0 0 8px;}li{margin:2px 0;}',
    '</style>',
    '</head>',
    '<body>',
    fragment,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
