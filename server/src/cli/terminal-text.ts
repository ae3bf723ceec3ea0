/**
 * Text that tenants wrote (account names, reasons) on the operator's terminal. A terminal obeys
 * what it is sent: ESC [2K erases a line, CR returns to its start, BEL rings, a bidi override
 * reverses what follows, a zero-width space hides itself. So every such character is printed as
 * its escape (`\u001b`, `\u202e`), visible and inert, and the rest is left as it is. The input
 * rules refuse these characters now (docs/decisions/012), but rows written before them may hold
 * them, and a database may be written by other means.
 */

/**
 * Control characters (C0, DEL, C1), Unicode format characters (bidi controls and marks,
 * zero-width characters, tags), the line and paragraph separators, and lone surrogates (with the
 * u flag a surrogate pair is one code point, so [\uD800-\uDFFF] matches only a lone one).
 */
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029\uD800-\uDFFF]/gu;
/** The same, except the line feed: for whole output whose lines are its own. */
const UNSAFE_KEEP_LF = /(?!\n)[\p{Cc}\p{Cf}\u2028\u2029\uD800-\uDFFF]/gu;

/** `\u` and four hex digits per UTF-16 unit (a tag character above U+FFFF gets two, as in JSON). */
const asEscapes = (c: string) =>
  Array.from({ length: c.length }, (_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');

/** One value from the database, for one cell or line: every unsafe character escaped (LF too). */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, asEscapes);
}

/**
 * A whole text the command built (a table, or JSON), as the last guard before it is written:
 * its own line feeds stay. In JSON the escapes are JSON's own (`\u202e`), so it parses to the
 * same value.
 */
export function terminalSafeOutput(text: string): string {
  return text.replace(UNSAFE_KEEP_LF, asEscapes);
}
