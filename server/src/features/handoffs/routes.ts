import {
  ZCreateHandoffBody,
  ZHandoffResponse,
  ZHandoffsResponse,
  ZListHandoffsQuery,
  ZReleaseBody,
} from '@rf/contracts';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { requireAuth, requireRole } from '../../http/auth-context.js';
import { ZIdParam } from '../../http/params.js';
import { answers, api } from '../../http/respond.js';
import { parse } from '../../http/validate.js';
import { idempotent } from '../idempotency/idempotency.js';
import * as service from './service.js';

export function handoffRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = api(fastify);
  app.post('/api/sessions/:id/handoffs', answers({ 201: ZHandoffResponse }), async (req, reply) => {
    const auth = requireRole(req, 'engineer');
    const { id } = parse(ZIdParam, req.params, 'params');
    const body = parse(ZCreateHandoffBody, req.body);
    return idempotent(deps, req, reply, auth.user, 201, async () => ({
      handoff: await service.escalate(deps, auth.user, id, body, req.log),
    }));
  });

  app.get('/api/handoffs', answers({ 200: ZHandoffsResponse }), async (req) => {
    const auth = requireAuth(req);
    const q = parse(ZListHandoffsQuery, req.query, 'query');
    return { handoffs: await service.listQueue(deps, auth.user, q.status, q.limit) };
  });

  app.get('/api/handoffs/:id', answers({ 200: ZHandoffResponse }), async (req) => {
    const auth = requireAuth(req);
    const { id } = parse(ZIdParam, req.params, 'params');
    return { handoff: await service.getHandoff(deps, auth.user, id) };
  });

  app.post('/api/handoffs/:id/claim', answers({ 200: ZHandoffResponse }), async (req) => {
    const auth = requireRole(req, 'engineer');
    const { id } = parse(ZIdParam, req.params, 'params');
    return { handoff: await service.claim(deps, auth.user, id) };
  });

  app.post('/api/handoffs/:id/release', answers({ 200: ZHandoffResponse }), async (req) => {
    const auth = requireRole(req, 'engineer');
    const { id } = parse(ZIdParam, req.params, 'params');
    const body = parse(ZReleaseBody, req.body ?? {});
    return { handoff: await service.release(deps, auth.user, id, body.claimedById) };
  });

  app.post('/api/handoffs/:id/cancel', answers({ 200: ZHandoffResponse }), async (req) => {
    const auth = requireRole(req, 'engineer');
    const { id } = parse(ZIdParam, req.params, 'params');
    return { handoff: await service.cancel(deps, auth.user, id) };
  });
}
