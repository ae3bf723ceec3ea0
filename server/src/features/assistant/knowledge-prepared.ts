/**
 * The knowledge index prepared at build time (`npm run build` writes `dist/knowledge/prepared.json`
 * and `prepared-playbooks.jsonl`), so that a start neither validates 800-odd playbook files one by
 * one nor tokenizes and stems their texts: it reads the index, rebuilds the BM25 and code maps from
 * term numbers, and leaves each playbook's text and each cause's sets to be made when first read.
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
  type Cause,
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
  type PreCheck,
  type PreFix,
  type PrePlaybook,
} from './knowledge-index.js';
import { DEFAULT_LANGUAGE_FILE } from './language.js';

/** Bumped whenever the shape below, or what the index derives from the texts, changes. */
export const PREPARED_FORMAT = 2;
export const DEFAULT_PREPARED_FILE = fileURLToPath(new URL('../../knowledge/prepared.json', import.meta.url));
/**
 * The playbooks themselves, next to the index: a first line with the digest, then each playbook's
 * JSON on one line, in the index's order. A start reads it as bytes and parses a playbook only when
 * an assessment first needs it (most of the base's text is never shown between two starts).
 */
export const playbooksFileOf = (preparedFile: string) =>
  preparedFile.replace(/\.json$/, '') + '-playbooks.jsonl';

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

/** What the index needs of a playbook before it is parsed: its id, title, and causes' ids and priors. */
type PlaybookHead = [id: string, title: string, causes: Array<[id: string, prior: number]>];

export interface PreparedKnowledge {
  format: number;
  digest: string;
  heads: PlaybookHead[];
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
    heads: ix.pre.map((pp) => [pp.id, pp.title, pp.playbook.causes.map((c) => [c.id, c.prior])]),
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

/**
 * The playbooks' file (`playbooksFileOf`): the digest, then one playbook per line. JSON text never
 * holds a raw line break, so a line is a playbook.
 */
export function playbooksText(playbooks: readonly Playbook[], digest: string): string {
  return [digest, ...playbooks.map((pb) => JSON.stringify(pb))].join('\n');
}

/** Gives playbook i of a read-back index, parsed the first time it is asked for. */
export type PlaybookSource = (index: number) => Playbook;

/**
 * The playbooks' file as bytes, checked against the index (the same digest, one line per playbook),
 * or null when it does not belong to it. Each line is parsed once, when first asked for.
 */
export function playbookSource(
  bytes: Buffer,
  digest: string,
  heads: readonly PlaybookHead[],
): PlaybookSource | null {
  const starts: number[] = [];
  let at = bytes.indexOf(10);
  if (at < 0 || bytes.toString('utf8', 0, at) !== digest) return null;
  while (at >= 0 && starts.length <= heads.length) {
    starts.push(at + 1);
    at = bytes.indexOf(10, at + 1);
  }
  if (starts.length !== heads.length) return null;
  starts.push(bytes.length + 1);
  const parsed = new Array<Playbook | undefined>(heads.length);
  return (i) => {
    let pb = parsed[i];
    if (!pb) {
      pb = JSON.parse(bytes.toString('utf8', starts[i]!, starts[i + 1]! - 1)) as Playbook;
      const head = heads[i]!;
      if (pb.id !== head[0] || pb.causes.length !== head[2].length)
        throw new Error(`prepared knowledge: playbook ${i} is not ${head[0]}`);
      parsed[i] = pb;
    }
    return pb;
  };
}

/** What a cause's checks, fixes, signs and words become when it is first read. */
interface CauseDetail {
  checks: PreCheck[];
  fixes: PreFix[];
  signs: PreCause['signs'];
  vocab: Set<string>;
}

/** A playbook read back from the prepared index: its text is parsed when first read. */
class PreparedPrePlaybook implements PrePlaybook {
  readonly causes: PreCause[] = [];
  readonly #source: PlaybookSource;

  constructor(
    readonly index: number,
    readonly id: string,
    readonly title: string,
    source: PlaybookSource,
  ) {
    this.#source = source;
  }

  get playbook(): Playbook {
    return this.#source(this.index);
  }
}

/**
 * A cause read back from the prepared index. Its text (the playbook's), checks, fixes, signs and
 * words are made the first time any of them is read: an assessment reads them only for the causes of
 * its few candidate playbooks, so a start neither parses the base's text nor builds sets for 4,000
 * causes it may never rank (BENCHMARKS.md, start-up).
 */
class PreparedPreCause implements PreCause {
  #data: PreparedCause | null;
  readonly #terms: readonly string[];
  readonly #pp: PreparedPrePlaybook;
  readonly #at: number;
  #detail: CauseDetail | null = null;

  constructor(
    readonly key: string,
    readonly index: number,
    pp: PreparedPrePlaybook,
    at: number,
    readonly logPrior: number,
    data: PreparedCause,
    terms: readonly string[],
  ) {
    this.#pp = pp;
    this.#at = at;
    this.#data = data;
    this.#terms = terms;
  }

  get playbookIndex(): number {
    return this.#pp.index;
  }
  get playbook(): Playbook {
    return this.#pp.playbook;
  }
  get cause(): Cause {
    return this.#pp.playbook.causes[this.#at]!;
  }
  get checks(): PreCheck[] {
    return this.#details().checks;
  }
  get fixes(): PreFix[] {
    return this.#details().fixes;
  }
  get signs(): PreCause['signs'] {
    return this.#details().signs;
  }
  get vocab(): Set<string> {
    return this.#details().vocab;
  }

  #details(): CauseDetail {
    if (!this.#detail) this.#detail = this.#build();
    return this.#detail;
  }

  #build(): CauseDetail {
    const terms = this.#terms;
    const data = this.#data!;
    const { cause } = this;
    if (
      `${this.#pp.id}/${cause.id}` !== this.key ||
      data.checks.length !== cause.checks.length ||
      data.fixes.length !== cause.fixes.length ||
      data.signs.length !== cause.signs.length
    )
      throw new Error(`prepared knowledge: cause ${this.key} does not match its playbook`);
    this.#data = null; // its arrays are garbage once read
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
    const checks: PreCheck[] = [];
    for (let i = 0; i < cause.checks.length; i++) {
      const check = cause.checks[i]!;
      const d = data.checks[i]!;
      checks.push({
        key: `${this.key}/${check.id}`,
        check,
        terms: d.terms.map(words),
        actionTokens: set(d.action, true),
        actionAll: set(d.action),
        actionNorm: words(d.action).join(' '),
        changes: d.changes === 1,
      });
    }
    const fixes: PreFix[] = [];
    for (let i = 0; i < cause.fixes.length; i++) {
      const d = data.fixes[i]!;
      fixes.push({ text: cause.fixes[i]!, tokens: set(d, true), all: set(d), norm: words(d).join(' ') });
    }
    const signs: PreCause['signs'] = [];
    for (let i = 0; i < cause.signs.length; i++) {
      signs.push({ text: cause.signs[i]!, tokens: words(data.signs[i]!) });
    }
    return { checks, fixes, signs, vocab: set(data.vocab) };
  }
}

/**
 * The index back from its data (no tokenizing, no stemming, no validation). The playbooks' and
 * causes' places, the BM25 postings and the code index are made here; a playbook's text and its
 * causes' checks, fixes, signs and words when first read, and the every-check map when first read.
 */
export function indexFromPrepared(p: PreparedKnowledge, source: PlaybookSource): KnowledgeIndex {
  const { terms } = p;
  const pre: PreparedPrePlaybook[] = [];
  const causes: PreCause[] = [];
  let n = 0;
  for (const [id, title, heads] of p.heads) {
    let priorSum = 0;
    for (const [, prior] of heads) priorSum += prior;
    const pp = new PreparedPrePlaybook(pre.length, id, title, source);
    for (let at = 0; at < heads.length; at++) {
      const [causeId, prior] = heads[at]!;
      const data = p.causes[n];
      if (!data) throw new Error(`prepared knowledge: cause ${n} is missing`);
      const pc = new PreparedPreCause(
        `${id}/${causeId}`,
        n,
        pp,
        at,
        Math.log(Math.max(prior, 0.01) / priorSum),
        data,
        terms,
      );
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
  let checks: KnowledgeIndex['checks'] | undefined;
  return {
    get playbooks() {
      return pre.map((pp) => pp.playbook);
    },
    pre,
    causes,
    playbookIndex: bm(
      p.playbookIndex,
      pre.map((x) => x.id),
    ),
    causeIndex: bm(
      p.causeIndex,
      causes.map((c) => c.key),
    ),
    codes: new Map(p.codes),
    messages: p.messages,
    get checks() {
      if (!checks) {
        checks = new Map();
        for (const pc of causes) for (const c of pc.checks) checks.set(c.key, { check: c, cause: pc });
      }
      return checks;
    },
  };
}

export interface ShippedKnowledge {
  /** The validated playbooks when the files were loaded; null when the prepared index is used. */
  playbooks: readonly Playbook[] | null;
  /** The prepared index for exactly these files, or null (none, or made from other files). */
  prepared: { index: PreparedKnowledge; source: PlaybookSource } | null;
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
    let index: PreparedKnowledge | null = null;
    let source: PlaybookSource | null = null;
    try {
      index = JSON.parse(readFileSync(preparedFile, 'utf8')) as PreparedKnowledge;
      if (index.format === PREPARED_FORMAT && index.digest === digest) {
        source = playbookSource(readFileSync(playbooksFileOf(preparedFile)), digest, index.heads);
      }
    } catch (err) {
      index = null;
      notUsed = `the prepared index could not be read (${(err as Error).message})`;
    }
    if (index && source) return { playbooks: null, prepared: { index, source }, notUsed: null };
    if (index) notUsed = 'the playbooks or the language table changed since the prepared index was made';
  }
  return { playbooks: parsePlaybookFiles(files.playbooks, opts.dir), prepared: null, notUsed };
}

/** Build step: validates and indexes the files, and writes the prepared index and its playbooks. */
export function writePreparedKnowledge(
  opts: { dir?: string; languageFile?: string; preparedFile?: string } = {},
): { playbooks: number; causes: number; bytes: number } {
  const files = readKnowledgeFiles(opts.dir, opts.languageFile);
  const playbooks = parsePlaybookFiles(files.playbooks, opts.dir);
  const digest = knowledgeDigest(files);
  const prepared = prepareKnowledge(buildKnowledgeIndex(playbooks), digest);
  const preparedFile = opts.preparedFile ?? DEFAULT_PREPARED_FILE;
  const lines = playbooksText(playbooks, digest);
  const text = JSON.stringify(prepared);
  writeFileSync(playbooksFileOf(preparedFile), lines);
  writeFileSync(preparedFile, text);
  return {
    playbooks: playbooks.length,
    causes: prepared.causes.length,
    bytes: Buffer.byteLength(text) + Buffer.byteLength(lines),
  };
}
