// Build step (`npm run build -w server`): validates and indexes the shipped knowledge base once, and
// writes the prepared index next to the bundle (dist/knowledge/prepared.json and the playbooks' text,
// prepared-playbooks.jsonl), so that a start reads them instead of validating and tokenizing every
// playbook again (features/assistant/knowledge-prepared.ts).
import { DEFAULT_PREPARED_FILE, writePreparedKnowledge } from './features/assistant/knowledge-prepared.js';

const started = performance.now();
const r = writePreparedKnowledge();
console.log(
  `build: knowledge index of ${r.playbooks} playbooks / ${r.causes} causes prepared (${Math.round(r.bytes / 1024)} kB, ${DEFAULT_PREPARED_FILE}) in ${Math.round(performance.now() - started)} ms`,
);
