import {
  ZMailOutboxQuery,
  ZMailOutboxResponse,
  ZNotificationPreferences,
  ZNotificationPreferencesBody,
  ZNotificationSettings,
  ZNotificationSettingsBody,
  ZNotificationsResponse,
  ZWebhookTestBody,
  ZWebhookTestResult,
} from '@rf/contracts';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { requireAuth, requireRole } from '../../http/auth-context.js';
import { ZIdParam } from '../../http/params.js';
import { answers, api } from '../../http/respond.js';
import { parse } from '../../http/validate.js';
import * as service from './service.js';

export function notificationRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = api(fastify);
  app.get('/api/me/notification-preferences', answers({ 200: ZNotificationPreferences }), async (req) => {
    const auth = requireAuth(req);
    return service.getPreferences(deps, auth.user);
  });

  app.put('/api/me/notification-preferences', answers({ 200: ZNotificationPreferences }), async (req) => {
    const auth = requireAuth(req);
    const body = parse(ZNotificationPreferencesBody, req.body);
    return service.setPreferences(deps, auth.user, body);
  });

  app.get('/api/account/notification-settings', answers({ 200: ZNotificationSettings }), async (req) => {
    const auth = requireRole(req, 'admin');
    return service.getSettings(deps, auth.user);
  });

  app.put('/api/account/notification-settings', answers({ 200: ZNotificationSettings }), async (req) => {
    const auth = requireRole(req, 'admin');
    const body = parse(ZNotificationSettingsBody, req.body);
    return service.saveSettings(deps, auth.user, body);
  });

  app.post('/api/account/webhook/test', answers({ 200: ZWebhookTestResult }), async (req) => {
    const auth = requireRole(req, 'admin');
    // "Send test" for the saved URL has nothing to send: an empty body means {}.
    const body = parse(ZWebhookTestBody, req.body ?? {});
    return service.testWebhook(deps, auth.user, body);
  });

  app.get('/api/mail-outbox', answers({ 200: ZMailOutboxResponse }), async (req) => {
    const auth = requireRole(req, 'admin');
    const q = parse(ZMailOutboxQuery, req.query, 'query');
    return service.listMailOutbox(deps, auth.user, q.limit);
  });

  app.get('/api/handoffs/:id/notifications', answers({ 200: ZNotificationsResponse }), async (req) => {
    const auth = requireRole(req, 'admin');
    const { id } = parse(ZIdParam, req.params, 'params');
    return { notifications: await service.listHandoffNotifications(deps, auth.user, id) };
  });
}
