import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, engineOver, PLAYBOOKS } from './engine.js';
import { DEFAULT_PLAYBOOK_DIR } from './knowledge.js';
import { buildKnowledgeIndex } from './knowledge-index.js';
import {
  indexFromPrepared,
  loadShippedKnowledge,
  type PreparedKnowledge,
  prepareKnowledge,
  writePreparedKnowledge,
} from './knowledge-prepared.js';
import { DEFAULT_LANGUAGE_FILE } from './language.js';
import { loadScenarios, scenarioSession } from './scenarios.js';

/** Through JSON and back, as the build writes it and a start reads it. */
const roundTrip = (p: PreparedKnowledge) => JSON.parse(JSON.stringify(p)) as PreparedKnowledge;

describe('the prepared knowledge index', () => {
  const built = buildKnowledgeIndex(PLAYBOOKS);
  const read = indexFromPrepared(roundTrip(prepareKnowledge(built, 'test')));

  it('reads back into the index the build makes: every cause, check, code, message and BM25 figure', () => {
    expect(read.causes.length).toBe(built.causes.length);
    expect(read.pre).toEqual(built.pre);
    expect(read.causes).toEqual(built.causes);
    expect(read.checks).toEqual(built.checks);
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
    expect(k.playbooks.map((p) => p.id)).toEqual(['dns-resolution', 'printer-offline', 'vpn-connect']);
    expect(engineOver(indexFromPrepared(k.prepared!)).rankPlaybooks('nslookup fails', 1)[0]?.id).toBe(
      'dns-resolution',
    );
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
    expect(loadShippedKnowledge(opts).playbooks[0]!.title).toBe(
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
