import {
  ZIdParam,
  ZPsaConnection,
  ZPsaConnectionBody,
  ZPsaMemberOverrideBody,
  ZPsaMembersResponse,
  ZPsaPostsResponse,
  ZPsaRetryBody,
  ZPsaStatusesResponse,
  ZPsaTestBody,
  ZPsaTestResult,
  ZPsaTicketBody,
  ZPsaTicketResponse,
} from '@rf/contracts';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { requireAuth, requireRole } from '../../http/auth-context.js';
import { answers, api } from '../../http/respond.js';
import { parse } from '../../http/validate.js';
import * as service from './service.js';

/** The PSA integration (issue 15, decision 025): the connection and members are for admins. */
export function psaRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = api(fastify);

  app.get('/api/integrations/connectwise', answers({ 200: ZPsaConnection }), async (req) => {
    const auth = requireRole(req, 'admin');
    return service.getConnection(deps, auth.user);
  });

  app.put('/api/integrations/connectwise', answers({ 200: ZPsaConnection }), async (req) => {
    const auth = requireRole(req, 'admin');
    const body = parse(ZPsaConnectionBody, req.body);
    return service.saveConnection(deps, auth.user, body);
  });

  app.delete('/api/integrations/connectwise', answers({ 200: ZPsaConnection }), async (req) => {
    const auth = requireRole(req, 'admin');
    return service.deleteConnection(deps, auth.user);
  });

  app.post('/api/integrations/connectwise/test', answers({ 200: ZPsaTestResult }), async (req) => {
    const auth = requireRole(req, 'admin');
    // "Test connection" of the saved connection has nothing to send: an empty body means {}.
    const body = parse(ZPsaTestBody, req.body ?? {});
    return service.testConnection(deps, auth.user, body);
  });

  app.get('/api/integrations/connectwise/members', answers({ 200: ZPsaMembersResponse }), async (req) => {
    const auth = requireRole(req, 'admin');
    return service.listMemberMappings(deps, auth.user);
  });

  app.put('/api/integrations/connectwise/members', answers({ 200: ZPsaMembersResponse }), async (req) => {
    const auth = requireRole(req, 'admin');
    const body = parse(ZPsaMemberOverrideBody, req.body);
    return service.setMemberOverride(deps, auth.user, body);
  });

  app.get('/api/sessions/:id/psa-ticket', answers({ 200: ZPsaTicketResponse }), async (req) => {
    const auth = requireAuth(req);
    const { id } = parse(ZIdParam, req.params, 'params');
    return service.getTicketLink(deps, auth.user, id);
  });

  app.put('/api/sessions/:id/psa-ticket', answers({ 200: ZPsaTicketResponse }), async (req) => {
    const auth = requireRole(req, 'engineer');
    const { id } = parse(ZIdParam, req.params, 'params');
    const body = parse(ZPsaTicketBody, req.body);
    return service.linkTicket(deps, auth.user, id, body.ticketId);
  });

  app.delete('/api/sessions/:id/psa-ticket', answers({ 200: ZPsaTicketResponse }), async (req) => {
    const auth = requireRole(req, 'engineer');
    const { id } = parse(ZIdParam, req.params, 'params');
    return service.unlinkTicket(deps, auth.user, id);
  });

  app.get('/api/sessions/:id/psa-ticket/statuses', answers({ 200: ZPsaStatusesResponse }), async (req) => {
    const auth = requireRole(req, 'engineer');
    const { id } = parse(ZIdParam, req.params, 'params');
    return service.listTicketStatuses(deps, auth.user, id);
  });

  app.get('/api/sessions/:id/psa-posts', answers({ 200: ZPsaPostsResponse }), async (req) => {
    const auth = requireAuth(req);
    const { id } = parse(ZIdParam, req.params, 'params');
    return service.listPosts(deps, auth.user, id);
  });

  app.post('/api/sessions/:id/psa-posts/retry', answers({ 200: ZPsaPostsResponse }), async (req) => {
    const auth = requireRole(req, 'engineer');
    const { id } = parse(ZIdParam, req.params, 'params');
    const body = parse(ZPsaRetryBody, req.body);
    return service.retryPost(deps, auth.user, id, body.postId);
  });
}
