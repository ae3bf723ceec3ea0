/**
 * The demo seed's assessments and suggestions, computed when the server is built instead of on its
 * first start.
 *
 * Assessing the seed's sessions (and listing what the assistant suggested in each, for the handoff
 * snapshot) needs the assistant's knowledge index, and building that index (tokenizing and stemming
 * ~1,300 causes) plus ~200 rankings was about 0.4 s of a first start's 2–3 s before the server could
 * answer. The built-in engine is deterministic and reads no clock, so the build
 * (`scripts/build-server.mjs`) runs it over every session the seed will show it and writes the
 * results next to the bundle; a first start looks them up by what the engine reads, and asks the
 * engine only for what it does not find (running from the sources, a changed seed). The index is
 * then built after the server listens, like on every later start.
 */
import fs from 'node:fs';
import { type TAssessmentWithStart, ZAssessmentWithStart } from '@rf/contracts';
import { z } from 'zod';
import type { EngineSession } from './features/assistant/engine.js';

/** Where the build writes them: next to the bundle (under src/, nothing is there). */
export const SEED_ASSESSMENTS_FILE = new URL('./seed-assessments.json', import.meta.url);

/** Everything the engine reads of a session, and nothing else (no ids, no times). */
export function assessmentKey(s: EngineSession): string {
  return JSON.stringify([
    s.title,
    s.problem,
    s.customer ?? null,
    s.asset ?? null,
    s.category ?? null,
    s.timeline.map((e) => [e.kind, e.text, e.outcome ?? null, e.detail ?? null]),
  ]);
}

const ZFile = z.object({
  version: z.literal(2),
  assessments: z.record(z.string(), ZAssessmentWithStart),
  /** The actions the suggestions panel listed (up to 50), by session. */
  suggested: z.record(z.string(), z.array(z.string())),
});
type SeedFile = z.infer<typeof ZFile>;

export interface SeedPrebuilt {
  assessments: Map<string, TAssessmentWithStart>;
  suggested: Map<string, string[]>;
}

/** The prebuilt results, or none when the file is missing or not what this code expects. */
export function loadSeedAssessments(file: URL | string = SEED_ASSESSMENTS_FILE): SeedPrebuilt {
  const none: SeedPrebuilt = { assessments: new Map(), suggested: new Map() };
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch {
    return none;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return none;
  }
  const parsed = ZFile.safeParse(json);
  if (!parsed.success) return none;
  return {
    assessments: new Map(Object.entries(parsed.data.assessments)),
    suggested: new Map(Object.entries(parsed.data.suggested)),
  };
}

export function writeSeedAssessments(
  file: URL | string,
  assessed: ReadonlyArray<{ session: EngineSession; assessment: TAssessmentWithStart }>,
  suggested: ReadonlyArray<{ session: EngineSession; actions: string[] }>,
) {
  const out: SeedFile = { version: 2, assessments: {}, suggested: {} };
  for (const a of assessed) out.assessments[assessmentKey(a.session)] = a.assessment;
  for (const a of suggested) out.suggested[assessmentKey(a.session)] = a.actions;
  fs.writeFileSync(file, JSON.stringify(out));
  return { assessments: Object.keys(out.assessments).length, suggested: Object.keys(out.suggested).length };
}
