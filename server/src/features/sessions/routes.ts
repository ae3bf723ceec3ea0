import {
  ZAssistantMessageBody,
  ZAssistantMessageResponse,
  ZCreateSessionBody,
  ZIdParam,
  ZListSessionsQuery,
  ZNoteBody,
  ZResolveBody,
  ZSessionResponse,
  ZSessionsResponse,
  ZStepBody,
  ZSuggestionsResponse,
} from '@rf/contracts';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { requireAuth, requireRole } from '../../http/auth-context.js';
import { answers, api } from '../../http/respond.js';
import { parse } from '../../http/validate.js';
import { idempotent } from '../idempotency/idempotency.js';
import { takeAssistantMessage, takeAssistantRead } from '../rate-limit/limiter.js';
import * as service from './service.js';

export function sessionRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = api(fastify);
  app.post('/api/sessions', answers({ 201: ZSessionResponse }), async (req, reply) => {
    const auth = requireRole(req, 'engineer');
    const body = parse(ZCreateSessionBody, req.body);
    return idempotent(deps, req, reply, auth.user, 201, async () => ({
      session: await service.createSession(deps, auth.user, body),
    }));
  });

  app.get('/api/sessions', answers({ 200: ZSessionsResponse }), async (req) => {
    const auth = requireAuth(req);
    const q = parse(ZListSessionsQuery, req.query, 'query');
    return { sessions: await service.listSessions(deps, auth.user, q) };
  });

  app.get('/api/sessions/:id', answers({ 200: ZSessionResponse }), async (req) => {
    const auth = requireAuth(req);
    const { id } = parse(ZIdParam, req.params, 'params');
    return { session: await service.getSession(deps, auth.user, id) };
  });

  app.post('/api/sessions/:id/steps', answers({ 201: ZSessionResponse }), async (req, reply) => {
    const auth = requireRole(req, 'engineer');
    const { id } = parse(ZIdParam, req.params, 'params');
    const body = parse(ZStepBody, req.body);
    return idempotent(deps, req, reply, auth.user, 201, async () => ({
      session: await service.addStep(deps, auth.user, id, body),
    }));
  });

  app.post('/api/sessions/:id/notes', answers({ 201: ZSessionResponse }), async (req, reply) => {
    const auth = requireRole(req, 'engineer');
    const { id } = parse(ZIdParam, req.params, 'params');
    const body = parse(ZNoteBody, req.body);
    return idempotent(deps, req, reply, auth.user, 201, async () => ({
      session: await service.addNote(deps, auth.user, id, body.text),
    }));
  });

  app.post(
    '/api/sessions/:id/assistant/messages',
    answers({ 201: ZAssistantMessageResponse }),
    async (req, reply) => {
      const auth = requireRole(req, 'engineer');
      const { id } = parse(ZIdParam, req.params, 'params');
      const body = parse(ZAssistantMessageBody, req.body);
      await takeAssistantMessage(deps, auth.user.id);
      return idempotent(deps, req, reply, auth.user, 201, () =>
        service.askAssistant(deps, auth.user, id, body.text),
      );
    },
  );

  app.get('/api/sessions/:id/suggestions', answers({ 200: ZSuggestionsResponse }), async (req) => {
    const auth = requireAuth(req);
    const { id } = parse(ZIdParam, req.params, 'params');
    await takeAssistantRead(deps, auth.user.id);
    return service.suggestions(deps, auth.user, id);
  });

  app.post('/api/sessions/:id/resolve', answers({ 200: ZSessionResponse }), async (req) => {
    const auth = requireRole(req, 'engineer');
    const { id } = parse(ZIdParam, req.params, 'params');
    const body = parse(ZResolveBody, req.body);
    return { session: await service.resolveSession(deps, auth.user, id, body) };
  });
}
