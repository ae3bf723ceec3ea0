/**
 * The knowledge index prepared at build time (`npm run build` writes `dist/knowledge/prepared.json`),
 * so that a start neither validates 500-odd playbook files one by one nor tokenizes and stems their
 * 47,000 texts: it reads one file and rebuilds the index's maps from term numbers.
 *
 * The prepared file is only used for the exact files it was made from: it carries a digest of the
 * playbook files and the language table (their bytes, and this format's version), and a start hashes
 * the files on disk and compares. The playbooks in it are the schema's output for those bytes, made
 * by the same `parsePlaybook` at build time, so a match means validated content; a mismatch (a
 * playbook added or edited after the build) loads, validates and indexes the files as before, and
 * says so in the log. Decision 026 has the why.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Bm25Index, type Bm25Posting } from './bm25.js';
import {
  DEFAULT_PLAYBOOK_DIR,
  type Playbook,
  type PlaybookFile,
  parsePlaybookFiles,
  readPlaybookFiles,
} from './knowledge.js';
import {
  ACTION_GENERIC,
  buildKnowledgeIndex,
  type KnowledgeIndex,
  type PreCause,
  type PrePlaybook,
} from './knowledge-index.js';
import { DEFAULT_LANGUAGE_FILE } from './language.js';

/** Bumped whenever the shape below, or what the index derives from the texts, changes. */
export const PREPARED_FORMAT = 1;
export const DEFAULT_PREPARED_FILE = fileURLToPath(new URL('../../knowledge/prepared.json', import.meta.url));

/** Term numbers: every token below is an index into `terms`. */
type Ids = number[];
interface PreparedCheck {
  terms: Ids[];
  action: Ids;
  /** 1 when the check changes something (step-kind.ts). */
  changes: 0 | 1;
}
interface PreparedCause {
  checks: PreparedCheck[];
  fixes: Ids[];
  signs: Ids[];
  vocab: Ids;
}
/** A BM25 index: each document's weighted length; per term, the documents and frequencies. */
interface PreparedBm25 {
  lengths: number[];
  postings: Array<[term: number, docs: number[], tfs: number[]]>;
}

export interface PreparedKnowledge {
  format: number;
  digest: string;
  playbooks: Playbook[];
  terms: string[];
  /** Every cause of every playbook, in order. */
  causes: PreparedCause[];
  playbookIndex: PreparedBm25;
  causeIndex: PreparedBm25;
  codes: Array<[string, number[]]>;
  messages: Array<{ text: string; words: string[]; causes: number[] }>;
}

/** The playbook files and the language table, as read from disk. */
export interface KnowledgeFiles {
  playbooks: PlaybookFile[];
  language: Buffer;
}

export function readKnowledgeFiles(
  dir: string = DEFAULT_PLAYBOOK_DIR,
  languageFile: string = DEFAULT_LANGUAGE_FILE,
): KnowledgeFiles {
  return { playbooks: readPlaybookFiles(dir), language: readFileSync(languageFile) };
}

export function knowledgeDigest(files: KnowledgeFiles): string {
  const h = createHash('sha256');
  h.update(`format ${PREPARED_FORMAT}\0language\0`);
  h.update(files.language);
  for (const f of files.playbooks) {
    h.update(`\0${f.name}\0`);
    h.update(f.bytes);
  }
  return h.digest('hex');
}

/** The index as data: what `indexFromPrepared` turns back into the same index. */
export function prepareKnowledge(ix: KnowledgeIndex, digest: string): PreparedKnowledge {
  const terms: string[] = [];
  const ids = new Map<string, number>();
  const id = (t: string) => {
    let n = ids.get(t);
    if (n === undefined) {
      n = terms.length;
      terms.push(t);
      ids.set(t, n);
    }
    return n;
  };
  const many = (ts: Iterable<string>) => Array.from(ts, id);
  const bm25 = (bm: Bm25Index): PreparedBm25 => {
    const d = bm.data();
    return { lengths: d.lengths, postings: Array.from(d.postings, ([t, p]) => [id(t), p.docs, p.tfs]) };
  };
  return {
    format: PREPARED_FORMAT,
    digest,
    playbooks: [...ix.playbooks],
    terms,
    causes: ix.causes.map((c) => ({
      checks: c.checks.map((k) => ({
        terms: k.terms.map(many),
        action: many(k.actionNorm === '' ? [] : k.actionNorm.split(' ')),
        changes: k.changes ? 1 : 0,
      })),
      fixes: c.fixes.map((f) => many(f.norm === '' ? [] : f.norm.split(' '))),
      signs: c.signs.map((s) => many(s.tokens)),
      vocab: many(c.vocab),
    })),
    playbookIndex: bm25(ix.playbookIndex),
    causeIndex: bm25(ix.causeIndex),
    codes: [...ix.codes],
    messages: ix.messages,
  };
}

/** The index back from its data (no tokenizing, no stemming, no validation). */
export function indexFromPrepared(p: PreparedKnowledge): KnowledgeIndex {
  const { terms } = p;
  // Plain loops and no intermediate arrays: this runs once per start, before the code is optimised,
  // and what it allocates all survives (the garbage collector copies it), so less is faster.
  const words = (ids: Ids) => {
    const out = new Array<string>(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = terms[ids[i]!]!;
    return out;
  };
  const set = (ids: Ids, skipGeneric = false) => {
    const out = new Set<string>();
    for (let i = 0; i < ids.length; i++) {
      const t = terms[ids[i]!]!;
      if (!skipGeneric || !ACTION_GENERIC.has(t)) out.add(t);
    }
    return out;
  };
  const pre: PrePlaybook[] = [];
  const causes: PreCause[] = [];
  const checks: KnowledgeIndex['checks'] = new Map();
  let n = 0;
  for (const playbook of p.playbooks) {
    let priorSum = 0;
    for (const c of playbook.causes) priorSum += c.prior;
    const pp: PrePlaybook = { index: pre.length, playbook, causes: [] };
    for (const cause of playbook.causes) {
      const data = p.causes[n];
      if (
        !data ||
        data.checks.length !== cause.checks.length ||
        data.fixes.length !== cause.fixes.length ||
        data.signs.length !== cause.signs.length
      )
        throw new Error(`prepared knowledge: cause ${n} does not match its playbook`);
      const pc: PreCause = {
        key: `${playbook.id}/${cause.id}`,
        index: n,
        cause,
        playbook,
        playbookIndex: pp.index,
        logPrior: Math.log(Math.max(cause.prior, 0.01) / priorSum),
        checks: [],
        fixes: [],
        signs: [],
        vocab: set(data.vocab),
      };
      for (let i = 0; i < cause.checks.length; i++) {
        const check = cause.checks[i]!;
        const d = data.checks[i]!;
        const c = {
          key: `${pc.key}/${check.id}`,
          check,
          terms: d.terms.map(words),
          actionTokens: set(d.action, true),
          actionAll: set(d.action),
          actionNorm: words(d.action).join(' '),
          changes: d.changes === 1,
        };
        pc.checks.push(c);
        checks.set(c.key, { check: c, cause: pc });
      }
      for (let i = 0; i < cause.fixes.length; i++) {
        const d = data.fixes[i]!;
        pc.fixes.push({
          text: cause.fixes[i]!,
          tokens: set(d, true),
          all: set(d),
          norm: words(d).join(' '),
        });
      }
      for (let i = 0; i < cause.signs.length; i++) {
        pc.signs.push({ text: cause.signs[i]!, tokens: words(data.signs[i]!) });
      }
      pp.causes.push(pc);
      causes.push(pc);
      n++;
    }
    pre.push(pp);
  }
  if (n !== p.causes.length) throw new Error('prepared knowledge: cause count does not match');
  const bm = (b: PreparedBm25, ids: string[]) => {
    const postings = new Map<string, Bm25Posting>();
    for (const [t, docs, tfs] of b.postings) postings.set(terms[t]!, { docs, tfs });
    return new Bm25Index({ ids, lengths: b.lengths, postings });
  };
  return {
    playbooks: p.playbooks,
    pre,
    causes,
    playbookIndex: bm(
      p.playbookIndex,
      pre.map((x) => x.playbook.id),
    ),
    causeIndex: bm(
      p.causeIndex,
      causes.map((c) => c.key),
    ),
    codes: new Map(p.codes),
    messages: p.messages,
    checks,
  };
}

export interface ShippedKnowledge {
  playbooks: Playbook[];
  /** The prepared index for exactly these files, or null (none, or made from other files). */
  prepared: PreparedKnowledge | null;
  /** Why the prepared file was not used (for the log); null when it was. */
  notUsed: string | null;
}

/**
 * The knowledge base as a start needs it: the prepared index when it was made from the files on
 * disk, otherwise the files loaded and validated (the index is then built from them on first use).
 */
export function loadShippedKnowledge(
  opts: { dir?: string; languageFile?: string; preparedFile?: string } = {},
): ShippedKnowledge {
  const files = readKnowledgeFiles(opts.dir, opts.languageFile);
  const preparedFile = opts.preparedFile ?? DEFAULT_PREPARED_FILE;
  let notUsed = 'no prepared index (it is made by `npm run build`)';
  if (existsSync(preparedFile)) {
    const digest = knowledgeDigest(files);
    let prepared: PreparedKnowledge | null = null;
    try {
      prepared = JSON.parse(readFileSync(preparedFile, 'utf8')) as PreparedKnowledge;
    } catch (err) {
      notUsed = `the prepared index could not be read (${(err as Error).message})`;
    }
    if (prepared && prepared.format === PREPARED_FORMAT && prepared.digest === digest) {
      return { playbooks: prepared.playbooks, prepared, notUsed: null };
    }
    if (prepared) notUsed = 'the playbooks or the language table changed since the prepared index was made';
  }
  return { playbooks: parsePlaybookFiles(files.playbooks, opts.dir), prepared: null, notUsed };
}

/** Build step: validates and indexes the files, and writes the prepared index. */
export function writePreparedKnowledge(
  opts: { dir?: string; languageFile?: string; preparedFile?: string } = {},
): { playbooks: number; causes: number; bytes: number } {
  const files = readKnowledgeFiles(opts.dir, opts.languageFile);
  const playbooks = parsePlaybookFiles(files.playbooks, opts.dir);
  const prepared = prepareKnowledge(buildKnowledgeIndex(playbooks), knowledgeDigest(files));
  const text = JSON.stringify(prepared);
  writeFileSync(opts.preparedFile ?? DEFAULT_PREPARED_FILE, text);
  return { playbooks: playbooks.length, causes: prepared.causes.length, bytes: Buffer.byteLength(text) };
}
