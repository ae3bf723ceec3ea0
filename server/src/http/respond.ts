/**
 * Route registration with response contracts (decision 006): every API route declares what it
 * answers, by status, with the contracts' zod schemas; Fastify serialises the answer through
 * them, and TypeScript checks each handler's return value against them.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** The app, typed so that handlers are checked against their response schemas. */
export const api = (app: FastifyInstance) => app.withTypeProvider<ZodTypeProvider>();

/** A 204 answer: no body. */
export const ZNoContent = z.undefined();

/** Route options declaring the success answers: `answers({ 200: ZSessionResponse })`. */
export const answers = <R extends Record<number, z.ZodType>>(response: R) => ({ schema: { response } });

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route writes its own answer (e.g. a Server-Sent Events stream after `reply.hijack()`):
     * exempt from the rule that every API route declares response schemas.
     */
    rawResponse?: boolean;
  }
}
