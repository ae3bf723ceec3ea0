/**
 * One cold start-up of the assistant's knowledge, in a fresh process (bench/assistant.ts runs it
 * several times): `prepared` reads the build's prepared index (server/dist/knowledge/prepared.json,
 * made by `npm run build`) after checking it against the playbook files' digest, and rebuilds the
 * index from it, as the built server does; `files` reads, validates and indexes every playbook file,
 * as the server does without a build. Prints one JSON line: wall and CPU milliseconds, and the split.
 * Timed from after the modules are loaded (the server loads them in either case).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPlaybooks } from '../server/src/features/assistant/knowledge.js';
import { buildKnowledgeIndex } from '../server/src/features/assistant/knowledge-index.js';
import {
  indexFromPrepared,
  loadShippedKnowledge,
} from '../server/src/features/assistant/knowledge-prepared.js';

const dist = fileURLToPath(new URL('../server/dist/knowledge/', import.meta.url));
const opts = {
  dir: join(dist, 'playbooks'),
  languageFile: join(dist, 'language.json'),
  preparedFile: join(dist, 'prepared.json'),
};
const mode = process.argv[2] === 'files' ? 'files' : 'prepared';
const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const w0 = performance.now();
const c0 = cpu();
let loadMs: number;
let causes: number;
if (mode === 'prepared') {
  const k = loadShippedKnowledge(opts);
  if (!k.prepared) throw new Error(`the prepared index was not used: ${k.notUsed}`);
  loadMs = cpu() - c0;
  causes = indexFromPrepared(k.prepared.index, k.prepared.source).causes.length;
} else {
  const playbooks = loadPlaybooks(opts.dir);
  loadMs = cpu() - c0;
  causes = buildKnowledgeIndex(playbooks).causes.length;
}
const cpuMs = cpu() - c0;
console.log(
  JSON.stringify({ mode, wallMs: performance.now() - w0, cpuMs, loadMs, indexMs: cpuMs - loadMs, causes }),
);
