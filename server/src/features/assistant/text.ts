/**
 * Deterministic text normalisation for the assistant: lowercase, fold compounds and synonyms from the
 * user-language table, drop stop words, and stem with the Porter stemmer (`stemmer` package).
 * Phrases from the table ("the screen goes black when I dock") add technical words to a ticket.
 */
import { stemmer } from 'stemmer';
import { type Language, loadLanguage } from './language.js';

const STOP_WORDS = new Set(
  (
    'a an the and or but if then else to of in on at for from by with without is are was were be been being ' +
    'it its this that these those as into not no nor do does did doesn don didn isn wasn aren t s d ll re ve m ' +
    'can cannot cant could would should will won wont has have had i we you he she they them his her hers ' +
    'their our my me us your yours so too very just also again still any what when where which who whom why how ' +
    'there here about after before via per etc get got getting gets said says say please help issue issues ' +
    'problem problems since now today yesterday tonight morning afternoon evening than while each ' +
    "i'm im ive youre thats its' hi thanks ok okay"
  ).split(/\s+/),
);

/** Words that negate; phrase matching keeps them (as "not") so "can't print" differs from "print". */
const NEGATIONS = new Set(
  "not no cannot cant can't won't wont doesn't doesnt don't dont didn't didnt isn't isnt unable never nothing".split(
    ' ',
  ),
);
/** The only words phrase matching ignores: phrases are short, so most words carry meaning there. */
const PHRASE_STOP = new Set(
  'a an the my our your their his her its it i we you he she they me us them is are was were be been to for of on at in when whenever every all this that these those just really so and or'.split(
    ' ',
  ),
);

interface CompiledLanguage {
  compoundRe: RegExp | null;
  compounds: Map<string, string>;
  /** The compounds' written forms, to skip the regex for texts that hold none of them. */
  compoundKeys: string[];
  synonyms: Map<string, string>;
  phrases: Array<{ variants: string[][]; means: string[]; label: string }>;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(lang: Language): CompiledLanguage {
  const compounds = new Map(Object.entries(lang.compounds));
  const keys = [...compounds.keys()].sort((a, b) => b.length - a.length).map(escapeRe);
  const compiled: CompiledLanguage = {
    compoundRe: keys.length ? new RegExp(`(?<![a-z0-9])(?:${keys.join('|')})(?![a-z0-9])`, 'g') : null,
    compounds,
    compoundKeys: [...compounds.keys()],
    synonyms: new Map(Object.entries(lang.synonyms)),
    phrases: [],
  };
  return compiled;
}

let LANG: CompiledLanguage = compile({
  compounds: {},
  synonyms: {},
  phrases: [{ match: ['x'], means: 'x' }],
});

/** CamelCase status names with three or more parts (`ZtdDeviceAssignedToOtherTenant`). */
const CAMEL = /(?<![A-Za-z0-9_])[A-Z][A-Za-z0-9]{5,}(?![A-Za-z0-9_])/g;
const CAMEL_PARTS = /[A-Z]+(?![a-z])|[A-Z][a-z0-9]+/g;

/** Adds the words of long CamelCase names after them ("DeviceCapReached" also says "device cap reached"). */
function splitCamel(text: string): string {
  return text.replace(CAMEL, (word) => {
    const parts = word.match(CAMEL_PARTS) ?? [];
    return parts.length >= 3 && parts.join('') === word && /[a-z]/.test(word)
      ? `${word} ${parts.join(' ')}`
      : word;
  });
}

function fold(text: string): string {
  // Each rewrite runs only when the text can contain what it rewrites: fold runs on every text the
  // base is indexed from, so this is start-up time.
  let t = (/[a-z][A-Z]/.test(text) ? splitCamel(text) : text).toLowerCase();
  if (t.includes('\u2018') || t.includes('\u2019')) t = t.replace(/[\u2018\u2019]/g, "'");
  // "re-created" is "recreated", "re-register" is "reregister".
  if (t.includes('re-')) t = t.replace(/\bre-(?=[a-z])/g, 're');
  if (!LANG.compoundRe) return t;
  let may = false;
  for (const k of LANG.compoundKeys)
    if (t.includes(k)) {
      may = true;
      break;
    }
  return may ? t.replace(LANG.compoundRe, (m) => LANG.compounds.get(m) ?? m) : t;
}

/** Memo of word -> term (the stemmer is the hot spot of indexing); cleared when it grows too big. */
const TERMS = new Map<string, string>();
const TOKENS = new Map<string, string[]>();
const MEMO_LIMIT = 50_000;

function term(raw: string): string {
  let t = TERMS.get(raw);
  if (t !== undefined) return t;
  const syn = LANG.synonyms.get(raw) ?? raw;
  // Codes, host names and versions keep their digits unstemmed.
  t = /\d/.test(syn) ? syn : stemmer(syn);
  if (TERMS.size >= MEMO_LIMIT) TERMS.clear();
  TERMS.set(raw, t);
  return t;
}

/** Stem one word (after synonym folding). */
export function stem(word: string): string {
  return term(word.toLowerCase());
}

/** Tokenize free text into normalised terms (order kept, duplicates kept). */
export function tokenize(text: string): string[] {
  return sharedTokens(text).slice();
}

/**
 * The same terms without a copy, for callers that never change the array (indexing the base reads
 * every text once; copying each result was a measurable part of start-up).
 */
export function sharedTokens(text: string): readonly string[] {
  // The same texts (check actions, logged steps) are tokenized on every assessment: memoise.
  const hit = TOKENS.get(text);
  if (hit) return hit;
  const out = tokenizeUncached(text);
  if (TOKENS.size >= MEMO_LIMIT) TOKENS.clear();
  TOKENS.set(text, out);
  return out;
}

function tokenizeUncached(text: string): string[] {
  const out: string[] = [];
  for (const raw of fold(text).split(/[^a-z0-9]+/)) {
    if (!raw) continue;
    if (raw.length < 2 && !/^\d$/.test(raw)) continue;
    if (STOP_WORDS.has(raw)) continue;
    const t = term(raw);
    if (!t || STOP_WORDS.has(t)) continue;
    out.push(t);
    // Host names such as DC01, FS01, SQL01: also emit the alphabetic stem ("dc", "fs", "sql").
    const last = raw.charCodeAt(raw.length - 1);
    if (last >= 48 && last <= 57) {
      const host = /^([a-z]{2,})\d+$/.exec(raw);
      if (host?.[1] && !STOP_WORDS.has(host[1])) out.push(term(host[1]));
    }
  }
  return out;
}

export function tokenSet(text: string): Set<string> {
  return new Set(tokenize(text));
}

/** Tokens for phrase matching: like tokenize, but negations survive as "not" and few words are dropped. */
export function phraseTokens(text: string): string[] {
  const out: string[] = [];
  const t = fold(text)
    .replace(/\bcan't\b/g, 'can not')
    .replace(/\bwon't\b/g, 'will not')
    .replace(/n't\b/g, ' not')
    .replace(/\bcannot\b/g, 'can not');
  for (const raw of t.split(/[^a-z0-9']+/)) {
    const w = raw.replace(/'/g, '');
    if (!w || PHRASE_STOP.has(w)) continue;
    if (NEGATIONS.has(raw) || NEGATIONS.has(w)) {
      if (out[out.length - 1] !== 'not') out.push('not');
      continue;
    }
    if (w === 'can' || w === 'do' || w === 'does' || w === 'did' || w === 'will' || w === 'wo') continue;
    out.push(term(w));
  }
  return out;
}

/** Longest gap (in words) allowed between two consecutive words of a phrase. */
const PHRASE_GAP = 3;

function matchesInOrder(tokens: string[], variant: string[]): boolean {
  let from = 0;
  let last = -1;
  for (const w of variant) {
    let found = -1;
    const limit = last < 0 ? tokens.length : Math.min(tokens.length, last + 1 + PHRASE_GAP + 1);
    for (let i = from; i < limit; i++) {
      if (tokens[i] === w) {
        found = i;
        break;
      }
    }
    if (found < 0) return false;
    last = found;
    from = found + 1;
  }
  return true;
}

export interface PhraseHit {
  /** The first way of saying it, for explanations. */
  label: string;
  means: string[];
}

/** The table's phrases found in a text (each at most once). */
export function findPhrases(text: string): PhraseHit[] {
  const tokens = phraseTokens(text);
  if (tokens.length === 0) return [];
  const hits: PhraseHit[] = [];
  for (const p of LANG.phrases) {
    if (p.variants.some((v) => matchesInOrder(tokens, v))) hits.push({ label: p.label, means: p.means });
  }
  return hits;
}

/** Installs a language table (the shipped one at module load; tests may install their own). */
export function useLanguage(lang: Language): void {
  LANG = compile(lang);
  TERMS.clear();
  TOKENS.clear();
  // Phrases are compiled after the compounds and synonyms are in place, so both sides fold alike.
  LANG.phrases = lang.phrases.map((p) => {
    const variants = p.match.map((m) => {
      const v = phraseTokens(m);
      if (v.length === 0 || (v.length === 1 && v[0] === 'not'))
        throw new Error(`language table: phrase "${m}" has no meaningful word`);
      return v;
    });
    return { variants, means: tokenize(p.means), label: p.match[0]! };
  });
}

useLanguage(loadLanguage());
