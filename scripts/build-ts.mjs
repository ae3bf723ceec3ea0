#!/usr/bin/env node
// Compiles a workspace's src/ to dist/ with tsc (which type-checks on the way) and copies the
// files the code reads at run time (SQL migrations, the assistant's playbooks, fixtures) beside
// the JavaScript, so that paths built from import.meta.url work the same in src/ and dist/.
// Usage (from a workspace folder): node ../scripts/build-ts.mjs
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const cwd = process.cwd();
const src = path.join(cwd, 'src');
const dist = path.join(cwd, 'dist');

fs.rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync('tsc', ['-p', 'tsconfig.build.json'], { cwd, stdio: 'inherit', shell: false });
if (tsc.error) {
  console.error(`build: cannot run tsc: ${tsc.error.message}`);
  process.exit(1);
}
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

let copied = 0;
for (const entry of fs.readdirSync(src, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || entry.name.endsWith('.ts')) continue;
  const from = path.join(entry.parentPath, entry.name);
  const to = path.join(dist, path.relative(src, from));
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
  copied++;
}
console.log(`build: ${path.relative(path.dirname(cwd), dist)} compiled, ${copied} data files copied`);
