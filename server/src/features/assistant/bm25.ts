/**
 * Okapi BM25 over pre-tokenized documents with weighted term frequencies
 * (fields can be boosted by giving their tokens a weight > 1).
 *
 * The index keeps postings only (per term: the documents holding it and its weighted frequency in
 * each), which is all that scoring reads; "does document d use term t" is a binary search in t's
 * postings. No per-document map: a start that reads a prepared index (knowledge-prepared.ts) builds
 * nothing per (document, term) pair.
 */

export interface Bm25FieldDoc {
  id: string;
  fields: Array<{ tokens: readonly string[]; weight: number }>;
}

export interface Bm25Options {
  k1?: number;
  b?: number;
}

/** The documents holding a term (ascending) and the term's weighted frequency in each. */
export interface Bm25Posting {
  docs: number[];
  tfs: number[];
}

/** What an index is made of, as plain data (a prepared index is stored this way). */
export interface Bm25Data {
  ids: string[];
  /** Each document's weighted length. */
  lengths: number[];
  postings: Map<string, Bm25Posting>;
}

export class Bm25Index {
  readonly ids: readonly string[];
  private readonly lengths: readonly number[];
  /** term -> documents containing it, with their weighted tf (scoring touches only those). */
  private readonly postings: Map<string, Bm25Posting>;
  private readonly idf = new Map<string, number>();
  /** Per document: k1 * (1 - b + b * length / avgdl). */
  private readonly norms: number[];
  private readonly k1: number;
  private readonly b: number;

  /**
   * From documents as weighted fields of tokens, or from the data of an index made before
   * (`data()`; knowledge-prepared.ts stores it at build time).
   */
  constructor(docs: ReadonlyArray<Bm25FieldDoc> | Bm25Data, opts: Bm25Options = {}) {
    this.k1 = opts.k1 ?? 1.2;
    this.b = opts.b ?? 0.75;
    if (Array.isArray(docs)) {
      const fieldDocs = docs as ReadonlyArray<Bm25FieldDoc>;
      const lengths: number[] = [];
      this.postings = new Map();
      for (let i = 0; i < fieldDocs.length; i++) {
        const tf = new Map<string, number>();
        let length = 0;
        for (const f of fieldDocs[i]!.fields) {
          for (const t of f.tokens) {
            tf.set(t, (tf.get(t) ?? 0) + f.weight);
            length += f.weight;
          }
        }
        lengths.push(length);
        for (const [t, f] of tf) {
          let p = this.postings.get(t);
          if (!p) {
            p = { docs: [], tfs: [] };
            this.postings.set(t, p);
          }
          p.docs.push(i);
          p.tfs.push(f);
        }
      }
      this.ids = fieldDocs.map((d) => d.id);
      this.lengths = lengths;
    } else {
      const data = docs as Bm25Data;
      this.ids = data.ids;
      this.lengths = data.lengths;
      this.postings = data.postings;
    }
    const n = this.ids.length;
    const avgdl = n ? this.lengths.reduce((s, l) => s + l, 0) / n : 1;
    for (const [t, p] of this.postings) {
      this.idf.set(t, Math.log(1 + (n - p.docs.length + 0.5) / (p.docs.length + 0.5)));
    }
    this.norms = this.lengths.map((l) => this.k1 * (1 - this.b + (this.b * l) / avgdl));
  }

  get size(): number {
    return this.ids.length;
  }

  /** The index as data (the constructor takes it back). */
  data(): Bm25Data {
    return { ids: [...this.ids], lengths: [...this.lengths], postings: this.postings };
  }

  /** Inverse document frequency of a term (0 when no document has it). */
  idfOf(term: string): number {
    return this.idf.get(term) ?? 0;
  }

  /** Share (0..1) of the documents that contain a term. */
  shareOf(term: string): number {
    return this.size ? (this.postings.get(term)?.docs.length ?? 0) / this.size : 0;
  }

  /** Whether a document uses a term. */
  has(docIndex: number, term: string): boolean {
    const docs = this.postings.get(term)?.docs;
    if (!docs) return false;
    let lo = 0;
    let hi = docs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const d = docs[mid]!;
      if (d === docIndex) return true;
      if (d < docIndex) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** Scores for all documents, in index order (walks the postings of the query's terms only). */
  scoreAll(query: Map<string, number>): number[] {
    const scores = new Array<number>(this.size).fill(0);
    for (const [term, qw] of query) {
      const p = this.postings.get(term);
      if (!p) continue;
      const idf = this.idf.get(term) ?? 0;
      for (let j = 0; j < p.docs.length; j++) {
        const doc = p.docs[j]!;
        const tf = p.tfs[j]!;
        scores[doc]! += qw * idf * ((tf * (this.k1 + 1)) / (tf + this.norms[doc]!));
      }
    }
    return scores;
  }

  /** Terms of the query that hit the document (for explanations). */
  matchedTerms(docIndex: number, query: Map<string, number>): string[] {
    return [...query.keys()].filter((t) => this.has(docIndex, t)).sort();
  }
}
