// Build step (`npm run build -w server`): the demo seed's assessments and suggestions, made by the
// same engine and knowledge base that are shipped, written next to the bundle (seed-assessments.ts).
import { createAssistant } from './features/assistant/assistant.js';
import { suggestNextSteps } from './features/assistant/engine.js';
import { demoEngineInputs } from './seed.js';
import { SEED_ASSESSMENTS_FILE, writeSeedAssessments } from './seed-assessments.js';

const started = performance.now();
const builtin = createAssistant({ llm: null });
const inputs = demoEngineInputs(new Date());
const assessed = [];
for (const session of inputs.assess) assessed.push({ session, assessment: await builtin.assess(session) });
const suggested = inputs.suggest.map((session) => ({
  session,
  actions: suggestNextSteps(session, 50).suggestions.map((x) => x.action),
}));
const n = writeSeedAssessments(SEED_ASSESSMENTS_FILE, assessed, suggested);
console.log(
  `build: demo seed's ${n.assessments} assessments and ${n.suggested} suggestion lists in ${Math.round(performance.now() - started)} ms`,
);
