import { z } from 'zod';

/**
 * What the caller may do with a handoff or a session, decided by the server (the one place the
 * rules live). Clients show or hide controls from it and never re-derive a rule.
 * - `claim`: pick the handoff up; `release`: put it back in the queue; `cancel`: withdraw it.
 * - `write`: log steps, notes and assistant messages, and resolve, on the (handoff's) session.
 * - `escalate`: escalate the (handoff's) session now.
 */
export const ZCan = z.object({
  claim: z.boolean(),
  release: z.boolean(),
  cancel: z.boolean(),
  write: z.boolean(),
  escalate: z.boolean(),
});
export type TCan = z.infer<typeof ZCan>;
