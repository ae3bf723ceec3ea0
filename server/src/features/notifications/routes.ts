import {
  ZMailOutboxQuery,
  ZNotificationPreferencesBody,
  ZNotificationSettingsBody,
  ZWebhookTestBody,
} from '@rf/contracts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { requireAuth, requireRole } from '../../http/auth-context.js';
import { parse } from '../../http/validate.js';
import * as service from './service.js';

const ZIdParam = z.object({ id: z.string().min(1).max(64) });

export function notificationRoutes(app: FastifyInstance, deps: Deps) {
  app.get('/api/me/notification-preferences', async (req) => {
    const auth = requireAuth(req);
    return service.getPreferences(deps, auth.user);
  });

  app.put('/api/me/notification-preferences', async (req) => {
    const auth = requireAuth(req);
    const body = parse(ZNotificationPreferencesBody, req.body);
    return service.setPreferences(deps, auth.user, body);
  });

  app.get('/api/account/notification-settings', async (req) => {
    const auth = requireRole(req, 'admin');
    return service.getSettings(deps, auth.user);
  });

  app.put('/api/account/notification-settings', async (req) => {
    const auth = requireRole(req, 'admin');
    const body = parse(ZNotificationSettingsBody, req.body);
    return service.saveSettings(deps, auth.user, body);
  });

  app.post('/api/account/webhook/test', async (req) => {
    const auth = requireRole(req, 'admin');
    // "Send test" for the saved URL has nothing to send: an empty body means {}.
    const body = parse(ZWebhookTestBody, req.body ?? {});
    return service.testWebhook(deps, auth.user, body);
  });

  app.get('/api/mail-outbox', async (req) => {
    const auth = requireRole(req, 'admin');
    const q = parse(ZMailOutboxQuery, req.query, 'query');
    return service.listMailOutbox(deps, auth.user, q.limit);
  });

  app.get('/api/handoffs/:id/notifications', async (req) => {
    const auth = requireRole(req, 'admin');
    const { id } = parse(ZIdParam, req.params, 'params');
    return { notifications: await service.listHandoffNotifications(deps, auth.user, id) };
  });
}
