#!/usr/bin/env node
// Runs every suite (server on PGlite [+ PostgreSQL], web components, browser e2e) and prints one
// closing line: "N passed, N failed, N skipped". Exit code is non-zero when anything failed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const reports = path.join(root, '.reports');
fs.rmSync(reports, { recursive: true, force: true });
fs.mkdirSync(reports, { recursive: true });

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
let crashed = false;

function run(name, cmd, args, cwd, env = {}) {
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function vitestSuite(name, workspace) {
  const out = path.join(reports, `${name}.json`);
  const code = run(
    name,
    'npx',
    ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`],
    path.join(root, workspace),
  );
  if (!fs.existsSync(out)) {
    crashed = true;
    lines.push(`${name}: no report (exit ${code})`);
    totals.failed += 1;
    return;
  }
  const j = JSON.parse(fs.readFileSync(out, 'utf8'));
  const failed = j.numFailedTests + (code !== 0 && j.numFailedTests === 0 ? 1 : 0);
  totals.passed += j.numPassedTests;
  totals.failed += failed;
  totals.skipped += j.numPendingTests + j.numTodoTests;
  lines.push(`${name}: ${j.numPassedTests} passed, ${failed} failed, ${j.numPendingTests} skipped`);
}

vitestSuite('server', 'server');
vitestSuite('web', 'web');

if (fs.existsSync(CHROMIUM)) {
  const out = path.join(reports, 'e2e.json');
  const code = run(
    'e2e (Playwright, Chromium)',
    'npx',
    ['playwright', 'test', '--reporter=list,json'],
    path.join(root, 'e2e'),
    {
      PLAYWRIGHT_JSON_OUTPUT_NAME: out,
    },
  );
  if (fs.existsSync(out)) {
    const s = JSON.parse(fs.readFileSync(out, 'utf8')).stats;
    const failed = s.unexpected + s.flaky + (code !== 0 && s.unexpected === 0 ? 1 : 0);
    totals.passed += s.expected;
    totals.failed += failed;
    totals.skipped += s.skipped;
    lines.push(`e2e: ${s.expected} passed, ${failed} failed, ${s.skipped} skipped`);
  } else {
    totals.failed += 1;
    lines.push(`e2e: no report (exit ${code})`);
  }
} else {
  const msg = `!!! e2e SKIPPED: ${CHROMIUM} is missing. Install it with: sudo apt-get install -y chromium`;
  console.warn(`\n${msg}\n`);
  lines.push(msg);
}

if (!process.env.TEST_DATABASE_URL) {
  lines.push('!!! server suite ran on PGlite only: set TEST_DATABASE_URL to also run it on PostgreSQL');
}

console.log('\n=== summary ===');
for (const l of lines) console.log(l);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 || crashed ? 1 : 0);
