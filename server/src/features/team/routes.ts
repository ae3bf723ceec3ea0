import {
  ZChangePasswordBody,
  ZPasswordResetBody,
  ZPasswordResetLookup,
  ZPasswordResetRequestBody,
  ZPasswordResetRequested,
} from '@rf/contracts';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { requireAuth, requireRole } from '../../http/auth-context.js';
import { ZIdParam, ZTokenParam } from '../../http/params.js';
import { answers, api, ZNoContent } from '../../http/respond.js';
import { parse } from '../../http/validate.js';
import * as handoffs from '../handoffs/service.js';
import * as service from './service.js';

export function teamRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = api(fastify);

  app.delete('/api/users/:id', answers({ 204: ZNoContent }), async (req, reply) => {
    const auth = requireRole(req, 'admin');
    const { id } = parse(ZIdParam, req.params, 'params');
    const claimed = await service.removeUser(deps, auth.user, id);
    // Back to the queue, each as an ordinary release (audit, timeline line, live event).
    for (const handoffId of claimed) {
      try {
        // Naming the removed claimer: a card someone else picked up meanwhile is not released.
        await handoffs.release(deps, auth.user, handoffId, id);
      } catch (err) {
        // Released or resolved by someone else meanwhile: nothing left to do for it.
        if (!(err instanceof AppError) || err.status >= 500) throw err;
      }
    }
    return reply.code(204).send();
  });

  app.delete('/api/invitations/:id', answers({ 204: ZNoContent }), async (req, reply) => {
    const auth = requireRole(req, 'admin');
    const { id } = parse(ZIdParam, req.params, 'params');
    await service.revokeInvitation(deps, auth.user, id);
    return reply.code(204).send();
  });

  app.post('/api/me/password', answers({ 204: ZNoContent }), async (req, reply) => {
    const auth = requireAuth(req);
    const body = parse(ZChangePasswordBody, req.body);
    await service.changePassword(deps, auth, body);
    return reply.code(204).send();
  });

  // "Forgot password": signed out by nature. The request answers the same for every address.
  app.post('/api/auth/password-reset', answers({ 202: ZPasswordResetRequested }), async (req, reply) => {
    const body = parse(ZPasswordResetRequestBody, req.body);
    await service.requestPasswordReset(deps, body, req.ip);
    reply.code(202);
    return { message: service.PASSWORD_RESET_REQUESTED };
  });

  app.get('/api/auth/password-reset/:token', answers({ 200: ZPasswordResetLookup }), async (req) => {
    const { token } = parse(ZTokenParam, req.params, 'params');
    return service.describePasswordReset(deps, token);
  });

  app.post('/api/auth/password-reset/:token', answers({ 200: ZPasswordResetLookup }), async (req) => {
    const { token } = parse(ZTokenParam, req.params, 'params');
    const body = parse(ZPasswordResetBody, req.body);
    return service.completePasswordReset(deps, token, body, req.ip);
  });
}
