#!/usr/bin/env node
// Production build of the server (`npm run build -w server`, run by `npm install`):
//
// 1. type-check the shipped sources with tsc (a type error fails the install, not a request);
// 2. bundle src/main.ts with esbuild into dist/main.js: our code, the zod contracts and
//    drizzle-orm in one file; every other package stays an ordinary import from node_modules.
//    dist/start.js, the entry point, prepares the process and then loads dist/main.js;
// 3. copy the files the code reads at run time (SQL migrations, the assistant's playbooks) to the
//    same place under dist/ as under src/;
// 4. make the embedded-database template (dist/db/pglite-template.tar.gz);
// 5. prepare the assistant's knowledge index (dist/knowledge/prepared.json and
//    prepared-playbooks.jsonl), so that a start reads them instead of validating and tokenizing
//    every playbook (knowledge-prepared.ts);
// 6. assess the demo seed's sessions (dist/seed-assessments.json), so that a first start does not
//    build the assistant's knowledge index before it can answer (src/seed-assessments.ts).
//
// Why a bundle: loading ~500 module files cost ~750 ms of CPU and ~130 MB of RSS on every
// start, most of it Node re-reading drizzle-orm's 180 kB package.json once per drizzle module.
// One file takes ~200 ms and ~90 MB (docs/decisions/008-running-the-server.md).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as esbuild from 'esbuild';

const root = process.cwd(); // the server workspace
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const started = performance.now();

fs.rmSync(dist, { recursive: true, force: true });

// 1. Type-check (no output: esbuild writes the JavaScript).
const tscBin = createRequire(path.join(root, 'package.json')).resolve('typescript/bin/tsc');
const tsc = spawnSync(process.execPath, [tscBin, '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

// 2. Bundle. Packages with native code, WebAssembly or files of their own (PGlite, argon2, pg)
// and the rest of node_modules are left to Node; only these are bundled in:
const BUNDLED = new Set(['@rf/contracts', 'drizzle-orm']);
const external = [
  ...Object.keys(pkg.dependencies).filter((d) => !BUNDLED.has(d)),
  'pg-native', // an optional peer of pg, never installed
].flatMap((d) => [d, `${d}/*`]);

/**
 * Our modules find their data next to themselves (new URL('./migrations', import.meta.url)).
 * In a bundle every module would see the bundle's URL, so each module's import.meta gets the
 * URL its own file has under dist/ (where step 3 puts the data).
 */
const ownUrls = (outfile) => ({
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (!args.path.startsWith(src + path.sep)) return undefined;
      let code = await fs.promises.readFile(args.path, 'utf8');
      if (/import\.meta\.(dirname|filename)/.test(code)) {
        throw new Error(
          `${args.path}: use new URL('…', import.meta.url) (import.meta.dirname cannot be bundled)`,
        );
      }
      if (code.includes('import.meta.url')) {
        const mirrored = path.join(dist, path.relative(src, args.path)).replace(/\.ts$/, '.js');
        let rel = path.relative(path.dirname(outfile), mirrored).split(path.sep).join('/');
        if (!rel.startsWith('.')) rel = `./${rel}`;
        code = code.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`);
      }
      return { contents: code, loader: 'ts' };
    });
  },
});

async function bundle(entry, alsoExternal = []) {
  const outfile = path.join(dist, path.relative(src, entry)).replace(/\.ts$/, '.js');
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    external: [...external, ...alsoExternal],
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [ownUrls(outfile)],
  });
  return outfile;
}
const main = await bundle(path.join(src, 'main.ts'));
// The entry point stays tiny: it may replace the process before the server is loaded.
await bundle(path.join(src, 'start.ts'), ['./main.js']);
const template = await bundle(path.join(src, 'db/build-template.ts'));
const seedAssessments = await bundle(path.join(src, 'build-seed-assessments.ts'));
const knowledge = await bundle(path.join(src, 'build-knowledge.ts'));

// 3. Data files.
let copied = 0;
for (const entry of fs.readdirSync(src, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || entry.name.endsWith('.ts')) continue;
  const from = path.join(entry.parentPath, entry.name);
  const to = path.join(dist, path.relative(src, from));
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
  copied++;
}
const kb = (f) => `${Math.round(fs.statSync(f).size / 1024)} kB`;
console.log(
  `build: type-checked; server/dist/main.js (${kb(main)}) bundled; ${copied} data files copied; ${Math.round(performance.now() - started)} ms`,
);

// 4. The embedded-database template, made by the same code and PGlite that will read it.
const made = spawnSync(process.execPath, ['--enable-source-maps', template], { cwd: root, stdio: 'inherit' });
if (made.status !== 0) process.exit(made.status ?? 1);

// 5. The knowledge index, by the code just bundled from the files just copied.
const prepared = spawnSync(process.execPath, ['--enable-source-maps', knowledge], {
  cwd: root,
  stdio: 'inherit',
});
if (prepared.status !== 0) process.exit(prepared.status ?? 1);

// 6. The demo seed's assessments, by the engine and knowledge base just bundled (read prepared).
const assessed = spawnSync(process.execPath, ['--enable-source-maps', seedAssessments], {
  cwd: root,
  stdio: 'inherit',
});
if (assessed.status !== 0) process.exit(assessed.status ?? 1);
