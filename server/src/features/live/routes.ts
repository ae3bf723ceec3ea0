import { ZEventsQuery } from '@rf/contracts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { requireAuth } from '../../http/auth-context.js';
import { parse } from '../../http/validate.js';
import { openEventStream } from './connection.js';
import type { LiveHub } from './hub.js';

const ZLastEventIdHeader = z.object({ 'last-event-id': ZEventsQuery.shape.lastEventId });

export function liveRoutes(app: FastifyInstance, hub: LiveHub) {
  // The stream writes its own answer after `reply.hijack()` (decision 006): no response schema.
  // HEAD would otherwise be routed here, open a stream that never answers and hold one of the
  // user's stream slots: a stream has no headers-only form.
  app.head('/api/events', { config: { rawResponse: true } }, async (_req, reply) =>
    reply.code(405).header('allow', 'GET').send(),
  );
  app.get(
    '/api/events',
    { config: { rawResponse: true }, helmet: false, exposeHeadRoute: false },
    async (req, reply) => {
      const auth = requireAuth(req);
      const q = parse(ZEventsQuery, req.query, 'query');
      // The browser's own reconnect sends the header, while the URL still carries the query of the
      // first connection: the header is the newer position.
      const header = req.headers['last-event-id'];
      const fromHeader =
        typeof header === 'string' && header.trim() !== ''
          ? parse(ZLastEventIdHeader, { 'last-event-id': header.trim() }, 'query')['last-event-id']
          : undefined;
      if (!hub.mayOpen(auth.user.id)) {
        throw new AppError(
          'too_many_streams',
          429,
          `At most ${hub.opts.maxStreamsPerUser} live connections per user: close a tab and try again`,
          { retryAfterSeconds: 30 },
        );
      }
      // From here the stream is ours: Fastify neither serialises nor compresses it.
      reply.hijack();
      const sink = openEventStream(req.raw, reply.raw);
      await hub.open(
        {
          accountId: auth.user.accountId,
          userId: auth.user.id,
          sessionId: auth.sessionId,
          role: auth.user.role,
        },
        sink,
        fromHeader ?? q.lastEventId ?? null,
      );
    },
  );
}
