import {
  ZAcceptInvitationBody,
  ZDemoInfo,
  ZInvitationBody,
  ZInvitationLookup,
  ZInvitationResponse,
  ZLoginBody,
  ZMe,
  ZPatchUserBody,
  ZPendingInvitations,
  ZSignedIn,
  ZSignupBody,
  ZTeammatesResponse,
  ZUserResponse,
  ZUsersResponse,
} from '@rf/contracts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { Deps } from '../../deps.js';
import { requireAuth, requireRole } from '../../http/auth-context.js';
import { ZIdParam, ZTokenParam } from '../../http/params.js';
import { answers, api, ZNoContent } from '../../http/respond.js';
import { parse } from '../../http/validate.js';
import { takeInvitation } from '../rate-limit/limiter.js';
import * as service from './service.js';

export const SESSION_COOKIE = 'rf_session';

export function authRoutes(fastify: FastifyInstance, deps: Deps, demo: z.infer<typeof ZDemoInfo>) {
  const app = api(fastify);
  const secure = deps.config.publicUrl?.startsWith('https:') ?? false;

  const signIn = (reply: FastifyReply, s: service.SignedIn) => {
    reply.setCookie(SESSION_COOKIE, s.token, {
      httpOnly: true,
      sameSite: 'lax',
      secure,
      path: '/',
      maxAge: 30 * 86_400,
    });
    return { user: service.presentUser(s.user), account: { id: s.account.id, name: s.account.name } };
  };

  app.post('/api/auth/signup', answers({ 201: ZSignedIn }), async (req, reply) => {
    const body = parse(ZSignupBody, req.body);
    const s = await service.signup(deps, body, req.ip);
    reply.code(201);
    return signIn(reply, s);
  });

  app.post('/api/auth/login', answers({ 200: ZSignedIn }), async (req, reply) => {
    const body = parse(ZLoginBody, req.body);
    return signIn(reply, await service.login(deps, body, req.ip));
  });

  app.post('/api/auth/logout', answers({ 204: ZNoContent }), async (req, reply) => {
    const auth = requireAuth(req);
    await service.logout(deps, auth.sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  app.get('/api/me', answers({ 200: ZMe }), async (req) => {
    const auth = requireAuth(req);
    return {
      user: service.presentUser(auth.user),
      account: auth.account,
    };
  });

  app.get('/api/demo', answers({ 200: ZDemoInfo }), async () => demo);

  // ---- team ----
  app.get('/api/users', answers({ 200: ZUsersResponse }), async (req) => {
    const auth = requireRole(req, 'admin');
    const users = await service.listTeam(deps, auth.user.accountId);
    return { users: users.map(service.presentUser) };
  });

  app.get('/api/teammates', answers({ 200: ZTeammatesResponse }), async (req) => {
    const auth = requireAuth(req);
    return { teammates: await service.listTeammates(deps, auth.user.accountId) };
  });

  app.patch('/api/users/:id', answers({ 200: ZUserResponse }), async (req) => {
    const auth = requireRole(req, 'admin');
    const { id } = parse(ZIdParam, req.params, 'params');
    const body = parse(ZPatchUserBody, req.body);
    return { user: service.presentUser(await service.changeUser(deps, auth.user, id, body)) };
  });

  app.get('/api/invitations', answers({ 200: ZPendingInvitations }), async (req) => {
    const auth = requireRole(req, 'admin');
    return { invitations: await service.listInvitations(deps, auth.user.accountId) };
  });

  app.post('/api/invitations', answers({ 201: ZInvitationResponse }), async (req, reply) => {
    const auth = requireRole(req, 'admin');
    const body = parse(ZInvitationBody, req.body);
    await takeInvitation(deps, auth.user.accountId);
    reply.code(201);
    return service.createInvitation(deps, auth.user, body);
  });

  app.get('/api/invitations/:token', answers({ 200: ZInvitationLookup }), async (req) => {
    const { token } = parse(ZTokenParam, req.params, 'params');
    return service.describeInvitation(deps, token);
  });

  app.post('/api/invitations/:token/accept', answers({ 201: ZSignedIn }), async (req, reply) => {
    const { token } = parse(ZTokenParam, req.params, 'params');
    const body = parse(ZAcceptInvitationBody, req.body);
    const s = await service.acceptInvitation(deps, token, body, req.ip);
    reply.code(201);
    return signIn(reply, s);
  });
}
