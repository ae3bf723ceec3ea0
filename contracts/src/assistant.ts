import { z } from 'zod';

export const ZEngine = z.enum(['builtin', 'llm']);
export type TEngine = z.infer<typeof ZEngine>;

export const ZLikelyCause = z.object({
  cause: z.string().min(1),
  confidence: z.number().min(0).max(1),
  /** Human-readable evidence; each item names the timeline entry it rests on where there is one. */
  evidence: z.array(z.string()),
});
export const ZRuledOut = z.object({ cause: z.string().min(1), why: z.string().min(1) });
export const ZAssessment = z.object({
  engine: ZEngine,
  likelyCauses: z.array(ZLikelyCause),
  ruledOut: z.array(ZRuledOut),
  gaps: z.array(z.string()),
});
export type TAssessment = z.infer<typeof ZAssessment>;

export const ZStartHere = z.object({ action: z.string().min(1), why: z.string().min(1) });
export type TStartHere = z.infer<typeof ZStartHere>;

/** What the LLM provider must answer (validated); also what the built-in engine produces. */
export const ZAssessmentWithStart = z.object({
  assessment: ZAssessment,
  startHere: ZStartHere,
});
export type TAssessmentWithStart = z.infer<typeof ZAssessmentWithStart>;

export const ZSuggestion = z.object({
  id: z.string(),
  action: z.string(),
  why: z.string(),
  cause: z.string().nullable(),
  playbook: z.string().nullable(),
});
export type TSuggestion = z.infer<typeof ZSuggestion>;
export const ZSuggestionsResponse = z.object({
  engine: ZEngine,
  suggestions: z.array(ZSuggestion),
  playbook: z.object({ id: z.string(), title: z.string() }).nullable(),
});
export type TSuggestionsResponse = z.infer<typeof ZSuggestionsResponse>;

export const ZAssistantReply = z.object({
  engine: ZEngine,
  text: z.string(),
  suggestions: z.array(ZSuggestion),
});
export type TAssistantReply = z.infer<typeof ZAssistantReply>;
