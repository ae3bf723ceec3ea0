import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, engineOver, shippedPlaybooks } from './engine.js';
import { DEFAULT_PLAYBOOK_DIR } from './knowledge.js';
import {
  buildKnowledgeIndex,
  type KnowledgeIndex,
  type PreCause,
  type PrePlaybook,
} from './knowledge-index.js';
import {
  indexFromPrepared,
  loadShippedKnowledge,
  type PreparedKnowledge,
  playbookSource,
  playbooksFileOf,
  playbooksText,
  prepareKnowledge,
  writePreparedKnowledge,
} from './knowledge-prepared.js';
import { DEFAULT_LANGUAGE_FILE } from './language.js';
import { loadScenarios, scenarioSession } from './scenarios.js';

const PLAYBOOKS = shippedPlaybooks();

/** Through the build's two files and back, as the build writes them and a start reads them. */
function roundTrip(ix: KnowledgeIndex, digest: string) {
  const index = JSON.parse(JSON.stringify(prepareKnowledge(ix, digest))) as PreparedKnowledge;
  const source = playbookSource(Buffer.from(playbooksText(ix.playbooks, digest)), digest, index.heads);
  if (!source) throw new Error('the playbooks file does not belong to its index');
  return indexFromPrepared(index, source);
}

describe('the prepared knowledge index', () => {
  const built = buildKnowledgeIndex(PLAYBOOKS);
  const read = roundTrip(built, 'test');

  it('reads back into the index the build makes: every cause, check, code, message and BM25 figure', () => {
    expect(read.causes.length).toBe(built.causes.length);
    // A read cause makes its checks, fixes, signs and words when first read: compare every field.
    const plain = (c: PreCause) => ({
      key: c.key,
      index: c.index,
      cause: c.cause,
      playbook: c.playbook,
      playbookIndex: c.playbookIndex,
      logPrior: c.logPrior,
      checks: c.checks,
      fixes: c.fixes,
      signs: c.signs,
      vocab: c.vocab,
    });
    const plainPlaybook = (p: PrePlaybook) => ({
      index: p.index,
      id: p.id,
      title: p.title,
      playbook: p.playbook,
      causes: p.causes.map(plain),
    });
    expect(read.pre.map(plainPlaybook)).toEqual(built.pre.map(plainPlaybook));
    expect(read.playbooks).toEqual(built.playbooks);
    expect(read.causes.map(plain)).toEqual(built.causes.map(plain));
    const checkMap = (ix: typeof read) => [...ix.checks].map(([k, v]) => [k, v.check, v.cause.key]);
    expect(checkMap(read)).toEqual(checkMap(built));
    expect(read.codes).toEqual(built.codes);
    expect(read.messages).toEqual(built.messages);
    expect(read.playbookIndex).toEqual(built.playbookIndex);
    expect(read.causeIndex).toEqual(built.causeIndex);
  });

  it('gives the same assessments, suggestions and chat replies as the index built from the files', () => {
    const a = createEngine(PLAYBOOKS);
    const b = engineOver(read);
    const scenarios = loadScenarios();
    expect(scenarios.length).toBeGreaterThan(20);
    for (const sc of scenarios) {
      const s = scenarioSession(sc);
      expect(b.assessSession(s)).toEqual(a.assessSession(s));
      expect(b.suggestNextSteps(s)).toEqual(a.suggestNextSteps(s));
      expect(b.replyToMessage(s, 'what should I check next?')).toEqual(
        a.replyToMessage(s, 'what should I check next?'),
      );
    }
  });
});

describe('loading the shipped knowledge', () => {
  const root = mkdtempSync(join(tmpdir(), 'rf-prepared-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const names = ['dns-resolution.json', 'printer-offline.json', 'vpn-connect.json'];
  let n = 0;
  /** A small base of three shipped playbooks, its language table, and its prepared index. */
  function base() {
    const dir = join(root, `b${n++}`);
    mkdirSync(join(dir, 'playbooks', 'sub'), { recursive: true });
    copyFileSync(join(DEFAULT_PLAYBOOK_DIR, names[0]!), join(dir, 'playbooks', names[0]!));
    copyFileSync(join(DEFAULT_PLAYBOOK_DIR, names[1]!), join(dir, 'playbooks', names[1]!));
    copyFileSync(join(DEFAULT_PLAYBOOK_DIR, names[2]!), join(dir, 'playbooks', 'sub', names[2]!));
    copyFileSync(DEFAULT_LANGUAGE_FILE, join(dir, 'language.json'));
    const opts = {
      dir: join(dir, 'playbooks'),
      languageFile: join(dir, 'language.json'),
      preparedFile: join(dir, 'prepared.json'),
    };
    return { dir, opts };
  }

  it('uses the prepared index made from exactly these files', () => {
    const { opts } = base();
    expect(writePreparedKnowledge(opts)).toMatchObject({ playbooks: 3 });
    const k = loadShippedKnowledge(opts);
    expect(k.notUsed).toBeNull();
    expect(k.prepared).not.toBeNull();
    expect(k.playbooks).toBeNull();
    const ix = indexFromPrepared(k.prepared!.index, k.prepared!.source);
    expect(engineOver(ix).rankPlaybooks('nslookup fails', 1)[0]?.id).toBe('dns-resolution');
    expect(ix.playbooks.map((p) => p.id)).toEqual(['dns-resolution', 'printer-offline', 'vpn-connect']);
  });

  it('parses a playbook of the prepared index only when it is first read', () => {
    const { opts } = base();
    writePreparedKnowledge(opts);
    const k = loadShippedKnowledge(opts);
    const asked: number[] = [];
    const ix = indexFromPrepared(k.prepared!.index, (i) => {
      asked.push(i);
      return k.prepared!.source(i);
    });
    const engine = engineOver(ix);
    expect(engine.rankPlaybooks('nslookup fails', 3).map((r) => r.id)).toContain('dns-resolution');
    expect(asked).toEqual([]); // ranking reads ids, titles and postings only
    const ranked = engine.rankCauses({
      title: 'Names do not resolve',
      problem: 'nslookup fails for every internal name on one PC',
      customer: null,
      asset: null,
      category: null,
      timeline: [],
    });
    expect(ranked[0]?.playbookId).toBe('dns-resolution');
    expect(asked.length).toBeGreaterThan(0);
    expect(new Set(asked).size).toBeLessThan(3); // only the candidates' playbooks
  });

  it('refuses a playbooks file that does not belong to the index: another digest, a line missing', () => {
    const { opts } = base();
    writePreparedKnowledge(opts);
    const file = playbooksFileOf(opts.preparedFile);
    const text = readFileSync(file, 'utf8');
    const [digest, ...lines] = text.split('\n');
    writeFileSync(file, ['0'.repeat(64), ...lines].join('\n'));
    let k = loadShippedKnowledge(opts);
    expect(k.prepared).toBeNull();
    expect(k.playbooks).toHaveLength(3);
    writeFileSync(file, [digest, ...lines.slice(1)].join('\n'));
    k = loadShippedKnowledge(opts);
    expect(k.prepared).toBeNull();
    expect(k.playbooks).toHaveLength(3);
    rmSync(file);
    k = loadShippedKnowledge(opts);
    expect(k.prepared).toBeNull();
    expect(k.notUsed).toMatch(/could not be read/);
  });

  it('without a prepared file, loads and validates the files', () => {
    const { opts } = base();
    const k = loadShippedKnowledge(opts);
    expect(k.prepared).toBeNull();
    expect(k.notUsed).toMatch(/no prepared index/);
    expect(k.playbooks).toHaveLength(3);
  });

  it('ignores a prepared index made from other files: an edited, added or removed playbook, or another language table', () => {
    const edits: Array<(dir: string) => void> = [
      (dir) => {
        const f = join(dir, 'playbooks', names[0]!);
        const p = JSON.parse(readFileSync(f, 'utf8'));
        p.title = 'DNS names do not resolve (edited after the build)';
        writeFileSync(f, JSON.stringify(p));
      },
      (dir) => rmSync(join(dir, 'playbooks', names[1]!)),
      (dir) => copyFileSync(join(DEFAULT_PLAYBOOK_DIR, 'bsod.json'), join(dir, 'playbooks', 'bsod.json')),
      (dir) =>
        writeFileSync(join(dir, 'language.json'), `${readFileSync(join(dir, 'language.json'), 'utf8')}\n`),
    ];
    for (const edit of edits) {
      const { dir, opts } = base();
      writePreparedKnowledge(opts);
      edit(dir);
      const k = loadShippedKnowledge(opts);
      expect(k.prepared).toBeNull();
      expect(k.notUsed).toMatch(/changed since the prepared index was made/);
    }
    const { dir, opts } = base();
    writePreparedKnowledge(opts);
    edits[0]!(dir);
    expect(loadShippedKnowledge(opts).playbooks?.[0]?.title).toBe(
      'DNS names do not resolve (edited after the build)',
    );
  });

  it('validates a playbook changed after the build: a broken one stops the start, naming its file', () => {
    const { dir, opts } = base();
    writePreparedKnowledge(opts);
    const f = join(dir, 'playbooks', names[1]!);
    const p = JSON.parse(readFileSync(f, 'utf8'));
    p.causes[0].source.url = 'http://not-https.example';
    writeFileSync(f, JSON.stringify(p));
    expect(() => loadShippedKnowledge(opts)).toThrow(/printer-offline\.json: schema validation failed/);
  });

  it('falls back to the files when the prepared file is unreadable or of another format', () => {
    const { opts } = base();
    writePreparedKnowledge(opts);
    const text = readFileSync(opts.preparedFile, 'utf8');
    writeFileSync(opts.preparedFile, text.slice(0, text.length / 2));
    let k = loadShippedKnowledge(opts);
    expect(k.prepared).toBeNull();
    expect(k.notUsed).toMatch(/could not be read/);
    expect(k.playbooks).toHaveLength(3);
    writeFileSync(opts.preparedFile, JSON.stringify({ ...JSON.parse(text), format: 0 }));
    k = loadShippedKnowledge(opts);
    expect(k.prepared).toBeNull();
    expect(k.playbooks).toHaveLength(3);
  });
});
