import { ZCreateHandoffBody, ZListHandoffsQuery } from '@rf/contracts';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { requireAuth, requireRole } from '../../http/auth-context.js';
import { parse } from '../../http/validate.js';
import { ZIdParam } from '../sessions/routes.js';
import * as service from './service.js';

export function handoffRoutes(app: FastifyInstance, deps: Deps) {
  app.post('/api/sessions/:id/handoffs', async (req, reply) => {
    const auth = requireRole(req, 'engineer');
    const { id } = parse(ZIdParam, req.params, 'params');
    const body = parse(ZCreateHandoffBody, req.body);
    reply.code(201);
    return { handoff: await service.escalate(deps, auth.user, id, body) };
  });

  app.get('/api/handoffs', async (req) => {
    const auth = requireAuth(req);
    const q = parse(ZListHandoffsQuery, req.query, 'query');
    return { handoffs: await service.listQueue(deps, auth.user, q.status, q.limit) };
  });

  app.get('/api/handoffs/:id', async (req) => {
    const auth = requireAuth(req);
    const { id } = parse(ZIdParam, req.params, 'params');
    return { handoff: await service.getHandoff(deps, auth.user, id) };
  });

  app.post('/api/handoffs/:id/claim', async (req) => {
    const auth = requireRole(req, 'engineer');
    const { id } = parse(ZIdParam, req.params, 'params');
    return { handoff: await service.claim(deps, auth.user, id) };
  });

  app.post('/api/handoffs/:id/release', async (req) => {
    const auth = requireRole(req, 'engineer');
    const { id } = parse(ZIdParam, req.params, 'params');
    return { handoff: await service.release(deps, auth.user, id) };
  });

  app.post('/api/handoffs/:id/cancel', async (req) => {
    const auth = requireRole(req, 'engineer');
    const { id } = parse(ZIdParam, req.params, 'params');
    return { handoff: await service.cancel(deps, auth.user, id) };
  });
}
