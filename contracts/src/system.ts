import { z } from 'zod';

/** `GET /api/healthz`: liveness and database reachability (never a raw driver error). */
export const ZHealth = z.object({ ok: z.boolean(), database: z.string() });
export type THealth = z.infer<typeof ZHealth>;
