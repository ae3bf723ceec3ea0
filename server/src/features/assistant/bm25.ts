/**
 * Okapi BM25 over pre-tokenized documents with weighted term frequencies
 * (fields can be boosted by giving their tokens a weight > 1).
 */

export interface Bm25Doc {
  id: string;
  /** term -> weighted term frequency */
  tf: Map<string, number>;
  length: number;
}

export interface Bm25Options {
  k1?: number;
  b?: number;
}

export class Bm25Index {
  readonly docs: Bm25Doc[];
  private readonly idf = new Map<string, number>();
  private readonly df = new Map<string, number>();
  /** term -> documents containing it, with their weighted tf (scoring touches only those). */
  private readonly postings = new Map<string, Array<{ doc: number; tf: number }>>();
  /** Per document: k1 * (1 - b + b * length / avgdl). */
  private readonly norms: number[];
  private readonly avgdl: number;
  private readonly k1: number;
  private readonly b: number;

  constructor(
    docs: Array<{ id: string; fields: Array<{ tokens: readonly string[]; weight: number }> }>,
    opts: Bm25Options = {},
  ) {
    this.k1 = opts.k1 ?? 1.2;
    this.b = opts.b ?? 0.75;
    this.docs = docs.map((d) => {
      const tf = new Map<string, number>();
      let length = 0;
      for (const f of d.fields) {
        for (const t of f.tokens) {
          tf.set(t, (tf.get(t) ?? 0) + f.weight);
          length += f.weight;
        }
      }
      return { id: d.id, tf, length };
    });
    const n = this.docs.length;
    this.avgdl = n ? this.docs.reduce((s, d) => s + d.length, 0) / n : 1;
    const df = this.df;
    for (const d of this.docs) for (const t of d.tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
    for (const [t, c] of df) this.idf.set(t, Math.log(1 + (n - c + 0.5) / (c + 0.5)));
    this.norms = this.docs.map((d) => this.k1 * (1 - this.b + (this.b * d.length) / this.avgdl));
    this.docs.forEach((d, i) => {
      for (const [t, tf] of d.tf) {
        const list = this.postings.get(t) ?? [];
        list.push({ doc: i, tf });
        this.postings.set(t, list);
      }
    });
  }

  /** Inverse document frequency of a term (0 when no document has it). */
  idfOf(term: string): number {
    return this.idf.get(term) ?? 0;
  }

  /** Share (0..1) of the documents that contain a term. */
  shareOf(term: string): number {
    return this.docs.length ? (this.df.get(term) ?? 0) / this.docs.length : 0;
  }

  /** Score one document for a weighted query (term -> query weight). */
  scoreDoc(doc: Bm25Doc, query: Map<string, number>): number {
    let s = 0;
    const norm = this.k1 * (1 - this.b + (this.b * doc.length) / this.avgdl);
    for (const [term, qw] of query) {
      const f = doc.tf.get(term);
      if (!f) continue;
      const idf = this.idf.get(term) ?? 0;
      s += qw * idf * ((f * (this.k1 + 1)) / (f + norm));
    }
    return s;
  }

  /** Scores for all documents, in index order (walks the postings of the query's terms only). */
  scoreAll(query: Map<string, number>): number[] {
    const scores = new Array<number>(this.docs.length).fill(0);
    for (const [term, qw] of query) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = this.idf.get(term) ?? 0;
      for (const { doc, tf } of list)
        scores[doc]! += qw * idf * ((tf * (this.k1 + 1)) / (tf + this.norms[doc]!));
    }
    return scores;
  }

  /** Terms of the query that hit the document (for explanations). */
  matchedTerms(docIndex: number, query: Map<string, number>): string[] {
    const doc = this.docs[docIndex];
    if (!doc) return [];
    return [...query.keys()].filter((t) => doc.tf.has(t)).sort();
  }
}
