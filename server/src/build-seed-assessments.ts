// Build step (`npm run build -w server`): the demo seed's assessments and suggestions, made by the
// same engine and knowledge base that are shipped, written next to the bundle (seed-assessments.ts).
import { writeDemoEngineAnswers } from './seed.js';
import { SEED_ASSESSMENTS_FILE } from './seed-assessments.js';

const started = performance.now();
const n = await writeDemoEngineAnswers(SEED_ASSESSMENTS_FILE, new Date());
console.log(
  `build: demo seed's ${n.assessments} assessments and ${n.suggested} suggestion lists in ${Math.round(performance.now() - started)} ms`,
);
