import {
  ZAnalyticsQuery,
  ZAnalyticsRangeQuery,
  ZBaselineBody,
  ZBaselineResponse,
  ZBaselinesResponse,
  ZEscalationAnalytics,
  ZEscalationRowsResponse,
  ZEscalationsCsv,
} from '@rf/contracts';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { requireRole } from '../../http/auth-context.js';
import { ZIdParam } from '../../http/params.js';
import { answers, api, ZNoContent } from '../../http/respond.js';
import { parse } from '../../http/validate.js';
import * as service from './service.js';

export function analyticsRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = api(fastify);
  app.get('/api/analytics/flowpilot/escalations', answers({ 200: ZEscalationAnalytics }), async (req) => {
    const auth = requireRole(req, 'engineer');
    const q = parse(ZAnalyticsQuery, req.query, 'query');
    return service.escalationAnalytics(deps, auth.user, q);
  });

  app.get(
    '/api/analytics/flowpilot/escalations/rows',
    answers({ 200: ZEscalationRowsResponse }),
    async (req) => {
      const auth = requireRole(req, 'engineer');
      const q = parse(ZAnalyticsRangeQuery, req.query, 'query');
      return service.escalationRows(deps, auth.user, q);
    },
  );

  // A text/csv answer: Fastify sends a string with a non-JSON content type as it is, so the
  // declared string schema documents the answer without JSON-quoting it.
  app.get(
    '/api/analytics/flowpilot/escalations/rows.csv',
    answers({ 200: ZEscalationsCsv }),
    async (req, reply) => {
      const auth = requireRole(req, 'engineer');
      const q = parse(ZAnalyticsRangeQuery, req.query, 'query');
      const { filename, csv } = await service.escalationsCsv(deps, auth.user, q);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('cache-control', 'no-store')
        .send(csv);
    },
  );

  app.get('/api/analytics/baselines', answers({ 200: ZBaselinesResponse }), async (req) => {
    const auth = requireRole(req, 'engineer');
    return { baselines: await service.listBaselines(deps, auth.user) };
  });

  app.post('/api/analytics/baselines', answers({ 201: ZBaselineResponse }), async (req, reply) => {
    const auth = requireRole(req, 'admin');
    const body = parse(ZBaselineBody, req.body);
    reply.code(201);
    return { baseline: await service.recordBaseline(deps, auth.user, body) };
  });

  app.delete('/api/analytics/baselines/:id', answers({ 204: ZNoContent }), async (req, reply) => {
    const auth = requireRole(req, 'admin');
    const { id } = parse(ZIdParam, req.params, 'params');
    await service.deleteBaseline(deps, auth.user, id);
    return reply.code(204).send();
  });
}
