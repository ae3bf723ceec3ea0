import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK_DIR, loadPlaybooks, parsePlaybook } from './knowledge.js';
import { stem, tokenize } from './text.js';

// Playbooks may sit in topic sub-folders.
const files = (readdirSync(DEFAULT_PLAYBOOK_DIR, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('playbook files', () => {
  it('ships at least 32 playbooks', () => {
    expect(files.length).toBeGreaterThanOrEqual(32);
  });

  it.each(files)('%s is a valid playbook', (file) => {
    const pb = parsePlaybook(basename(file), readFileSync(join(DEFAULT_PLAYBOOK_DIR, file), 'utf8'));
    expect(pb.id).toBe(basename(file).replace(/\.json$/, ''));
    for (const cause of pb.causes) {
      expect(cause.prior).toBeGreaterThan(0);
      for (const check of cause.checks) {
        // every check must be identifiable in a free-text log
        expect(check.terms.some((t) => tokenize(t).length > 0)).toBe(true);
      }
    }
  });

  it('has globally unique playbook ids', () => {
    const ids = loadPlaybooks().map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('loader fails loudly', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rf-playbooks-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the broken file on invalid JSON', () => {
    writeFileSync(join(dir, 'broken-one.json'), '{ "id": "broken-one", ');
    expect(() => loadPlaybooks(dir)).toThrow(/broken-one\.json.*invalid JSON/);
  });

  it('names the file and the field on a schema error', () => {
    rmSync(join(dir, 'broken-one.json'));
    const good = readFileSync(join(DEFAULT_PLAYBOOK_DIR, 'dns-resolution.json'), 'utf8');
    const bad = JSON.parse(good);
    bad.id = 'bad-prior';
    bad.causes[0].prior = 3;
    writeFileSync(join(dir, 'bad-prior.json'), JSON.stringify(bad));
    expect(() => loadPlaybooks(dir)).toThrow(/bad-prior\.json.*causes\.0\.prior/);
  });

  it('rejects a decisive outcome whose effect is not negative', () => {
    const good = JSON.parse(readFileSync(join(DEFAULT_PLAYBOOK_DIR, 'dns-resolution.json'), 'utf8'));
    good.causes[0].checks[0].decisive = 'failed'; // failed has a positive effect there
    expect(() => parsePlaybook('dns-resolution.json', JSON.stringify(good))).toThrow(/decisive outcome/);
  });

  it('rejects an id that differs from the file name', () => {
    const good = readFileSync(join(DEFAULT_PLAYBOOK_DIR, 'dns-resolution.json'), 'utf8');
    expect(() => parsePlaybook('other-name.json', good)).toThrow(
      /other-name\.json.*must equal the file name/,
    );
  });

  it('rejects an empty directory', () => {
    rmSync(join(dir, 'bad-prior.json'));
    expect(() => loadPlaybooks(dir)).toThrow(/No playbooks/);
  });
});

describe('tokenizer', () => {
  it('lowercases, drops stop words and stems lightly', () => {
    expect(tokenize('The printers are NOT printing')).toEqual(['printer', 'print']);
    expect(stem('flushed')).toBe(stem('flushing'));
    expect(stem('renamed')).toBe(stem('rename'));
    expect(stem('stopped')).toBe('stop');
  });

  it('folds synonyms and splits host names', () => {
    expect(tokenize('Laptop Wi-Fi')).toEqual(['pc', 'wifi']);
    expect(tokenize('nslookup DC01')).toEqual(['nslookup', 'dc01', 'dc']);
  });
});
