import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { endpoints } from './endpoints';

const src = path.resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

describe('the endpoint table', () => {
  // e2e/contract.spec.ts checks each entry against a real server; that only protects the
  // screens if no screen reaches the API around the table.
  it('is the only way the web reaches the JSON API', () => {
    const offenders = sourceFiles(src)
      .filter((f) => !f.endsWith(path.join('api', 'client.ts')))
      .filter((f) =>
        /\bfetch\(|\brequestParsed\(|\brequest\(\s*'(GET|POST|PUT|PATCH|DELETE)'/.test(
          readFileSync(f, 'utf8'),
        ),
      )
      .map((f) => path.relative(src, f));
    expect(offenders).toEqual([]);
  });

  it('marks exactly the creates the server deduplicates as idempotent', () => {
    const idempotent = Object.entries(endpoints)
      .filter(([, ep]) => ep.idempotent)
      .map(([name]) => name)
      .sort();
    expect(idempotent).toEqual(['addNote', 'askAssistant', 'createSession', 'escalate', 'logStep']);
  });
});
