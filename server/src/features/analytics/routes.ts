import { ZAnalyticsQuery, ZAnalyticsRangeQuery, ZBaselineBody } from '@rf/contracts';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { requireRole } from '../../http/auth-context.js';
import { parse } from '../../http/validate.js';
import { ZIdParam } from '../sessions/routes.js';
import * as service from './service.js';

export function analyticsRoutes(app: FastifyInstance, deps: Deps) {
  app.get('/api/analytics/flowpilot/escalations', async (req) => {
    const auth = requireRole(req, 'engineer');
    const q = parse(ZAnalyticsQuery, req.query, 'query');
    return service.escalationAnalytics(deps, auth.user, q);
  });

  app.get('/api/analytics/flowpilot/escalations/rows', async (req) => {
    const auth = requireRole(req, 'engineer');
    const q = parse(ZAnalyticsRangeQuery, req.query, 'query');
    return service.escalationRows(deps, auth.user, q);
  });

  app.get('/api/analytics/flowpilot/escalations/rows.csv', async (req, reply) => {
    const auth = requireRole(req, 'engineer');
    const q = parse(ZAnalyticsRangeQuery, req.query, 'query');
    const { filename, csv } = await service.escalationsCsv(deps, auth.user, q);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${filename}"`)
      .header('cache-control', 'no-store')
      .send(csv);
  });

  app.get('/api/analytics/baselines', async (req) => {
    const auth = requireRole(req, 'engineer');
    return { baselines: await service.listBaselines(deps, auth.user) };
  });

  app.post('/api/analytics/baselines', async (req, reply) => {
    const auth = requireRole(req, 'admin');
    const body = parse(ZBaselineBody, req.body);
    reply.code(201);
    return { baseline: await service.recordBaseline(deps, auth.user, body) };
  });

  app.delete('/api/analytics/baselines/:id', async (req, reply) => {
    const auth = requireRole(req, 'admin');
    const { id } = parse(ZIdParam, req.params, 'params');
    await service.deleteBaseline(deps, auth.user, id);
    return reply.code(204).send();
  });
}
