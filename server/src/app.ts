import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import { type TDemoInfo, type TErrorCode, ZHealth } from '@rf/contracts';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
} from 'fastify';
import { serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { isDatabaseUnavailable } from './db/unavailable.js';
import type { Deps } from './deps.js';
import { AppError, errorBody } from './errors.js';
import { analyticsRoutes } from './features/analytics/routes.js';
import { authRoutes, SESSION_COOKIE } from './features/auth/routes.js';
import { authenticate } from './features/auth/service.js';
import { handoffRoutes } from './features/handoffs/routes.js';
import { LiveHub } from './features/live/hub.js';
import { liveRoutes } from './features/live/routes.js';
import { noteRoutes } from './features/notes/routes.js';
import { notificationRoutes } from './features/notifications/routes.js';
import { psaRoutes } from './features/psa/routes.js';
import { sessionRoutes } from './features/sessions/routes.js';
import { teamRoutes } from './features/team/routes.js';
import { createLogger } from './logging.js';

export interface BuildAppOptions {
  deps: Deps;
  demo?: TDemoInfo;
  /** Folder with the built web app; served with an SPA fallback when it exists. */
  webDist?: string | null;
  /** false: no logging (tests); default: the redacting logger (logging.ts) at the configured level. */
  logger?: false | FastifyBaseLogger;
  /** This process's live hub (main.ts and the test harness feed it from `deps.afterCommit`). */
  live?: LiveHub;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** This process's live hub: every open event stream. */
    live: LiveHub;
  }
}

const defaultWebDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const RETRY_AFTER_SECONDS = 5;

export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const { deps } = opts;
  const logger =
    opts.logger === false ? undefined : (opts.logger ?? createLogger({ level: deps.config.logLevel }));
  const app = Fastify({
    loggerInstance: logger,
    genReqId: () => crypto.randomUUID(),
    trustProxy: deps.config.trustProxy,
    bodyLimit: 1_048_576,
    // A path that does not decode (`/api/sessions/%zz`) or whose parameter is longer than any id
    // names nothing: 404, as for any id that does not exist (instead of Fastify's own 400 shape).
    frameworkErrors: (err, req, res) => {
      const reply = res as unknown as FastifyReply;
      if (err.code === 'FST_ERR_BAD_URL' || err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
        return reply.code(404).send({ error: { code: 'not_found', message: 'Not found' } });
      }
      req.log.error({ err }, 'framework error');
      return reply
        .code(500)
        .send({ error: { code: 'internal', message: `Something went wrong (request ${req.id})` } });
    },
  });

  await app.register(fastifyCookie);
  await app.register(fastifyHelmet, helmetOptions(deps.config.publicUrl));

  // Every API route declares its success answers with the contracts' zod schemas, and answers go
  // out through them: a field the contract lacks is dropped, a missing or mistyped one is a 500
  // (found by a test, not by a user). Errors keep their one shape (ZErrorBody), built by the
  // handler below. Input is parsed in the routes with the same contracts (http/validate.ts).
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRoute', (route) => {
    const isApi = route.url.startsWith('/api/');
    const declared = route.schema?.response && Object.keys(route.schema.response).length > 0;
    // A route that writes its own answer (a stream) says so with `config: { rawResponse: true }`.
    const raw = route.config?.rawResponse === true;
    if (isApi && !declared && !raw) {
      throw new Error(`${route.method} ${route.url} declares no response schema (see docs/decisions/006)`);
    }
  });

  // JSON only: drop Fastify's text/plain parser so other bodies answer 415.
  app.removeContentTypeParser('text/plain');
  // `Content-Type: application/json` with an empty body is "no body" (many HTTP client wrappers
  // send the header on every request): an action that takes none (claim, logout, send test)
  // runs, and a route that needs a body answers 400 "A JSON body is required" (http/validate.ts).
  // Anything else goes to Fastify's own parser: malformed JSON and __proto__ keys are still 400.
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    // parseAs 'string': the body is a string here (the type also allows a Buffer).
    const text = String(body);
    if (text === '') return done(null, undefined);
    return jsonParser(req, text, done);
  });

  app.decorateRequest('auth', null);

  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    if (!SAFE_METHODS.has(req.method)) {
      const origin = req.headers.origin;
      if (origin && !isSameOrigin(origin, `${req.protocol}://${req.host}`, deps.config.publicUrl)) {
        throw new AppError('cross_site', 403, 'Cross-site requests are not allowed');
      }
    }
    const token = req.cookies[SESSION_COOKIE];
    if (token) req.auth = await authenticate(deps, token);
  });

  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    if (err instanceof AppError) {
      if (typeof err.extra.retryAfterSeconds === 'number') {
        reply.header('retry-after', String(err.extra.retryAfterSeconds));
      }
      return reply.code(err.status).send(err.body());
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = fastifyErrorCode(err);
      const message = clientMessage(err, code);
      // A body that is not JSON (or too large) is a problem with the field "body".
      const named = code === 'invalid_json' || code === 'body_too_large' ? { field: 'body' } : undefined;
      return reply.code(status).send(errorBody(code, message, named));
    }
    if (isDatabaseUnavailable(err)) {
      // An outage, not a bug: the client may retry; the detail stays in the log.
      req.log.warn({ err }, 'database unavailable');
      return reply
        .code(503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send({
          error: {
            code: 'unavailable',
            message: 'The service is briefly unavailable. Try again in a few seconds.',
          },
        });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.code(500).send(errorBody('internal', `Something went wrong (request ${req.id})`));
  });

  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send(errorBody('not_found', `No route ${req.method} ${req.url.split('?')[0]}`)),
  );

  // Anyone may call this (load balancers do): it says whether the database answers, never why not.
  app
    .withTypeProvider<ZodTypeProvider>()
    .get('/api/healthz', { schema: { response: { 200: ZHealth, 503: ZHealth } } }, async (req, reply) => {
      try {
        await deps.db.ping();
        return { ok: true, database: deps.db.kind };
      } catch (err) {
        req.log.warn({ err }, 'health check: the database does not answer');
        reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS));
        return { ok: false, database: 'unreachable' };
      }
    });

  authRoutes(app, deps, opts.demo ?? { demo: false, signIns: [] });
  sessionRoutes(app, deps);
  handoffRoutes(app, deps);
  noteRoutes(app, deps);
  analyticsRoutes(app, deps);
  notificationRoutes(app, deps);
  psaRoutes(app, deps);
  teamRoutes(app, deps);

  const live = opts.live ?? new LiveHub(deps.db, deps.clock);
  live.log = app.log;
  app.decorate('live', live);
  app.addHook('onReady', () => live.start());
  // Open streams would keep close() waiting for their clients: end them first.
  app.addHook('preClose', () => live.closeAll());
  app.addHook('onClose', () => live.stop());
  liveRoutes(app, live);

  const webDist = opts.webDist === undefined ? defaultWebDist : opts.webDist;
  if (webDist && fs.existsSync(path.join(webDist, 'index.html'))) serveWebApp(app, webDist);

  return app;
}

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** Same scheme, host and port as this server (or as PUBLIC_URL, the address users reach). */
function isSameOrigin(origin: string, requestOrigin: string, publicUrl: string | null): boolean {
  let o: string;
  try {
    o = new URL(origin).origin;
  } catch {
    return false;
  }
  if (o === 'null') return false;
  if (o === new URL(requestOrigin).origin) return true;
  return publicUrl !== null && new URL(publicUrl).origin === o;
}

function fastifyErrorCode(err: FastifyError): TErrorCode {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'invalid_json';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'unsupported_media_type';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'body_too_large';
    default:
      return err.statusCode === 404 ? 'not_found' : 'bad_request';
  }
}

function clientMessage(err: FastifyError, code: TErrorCode): string {
  if (code === 'invalid_json') return 'The request body is not valid JSON';
  if (code === 'unsupported_media_type') return 'Send the request body as application/json';
  return err.message;
}

/**
 * Security headers. The web app is a built bundle with no inline script or style element, so the
 * policy allows only this origin; styles set from script (React's style prop, the chart) are
 * CSSOM and not governed by it. Vite may inline small assets as data: URLs (images, fonts).
 */
function helmetOptions(publicUrl: string | null) {
  const https = publicUrl?.startsWith('https:') ?? false;
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        // Only behind https: on plain http it would send the browser to an https that is not there.
        ...(https ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    // Invitation links carry their token in the path: never hand a URL of ours to another site.
    referrerPolicy: { policy: 'no-referrer' as const },
    xFrameOptions: { action: 'deny' as const },
    // HSTS only where PUBLIC_URL says users come over https.
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  };
}

/**
 * The built web app. Hashed files under assets/ never change, so browsers keep them for a year
 * without asking; everything else (index.html, the SPA fallback, favicon) is revalidated on every
 * visit, so a deploy is seen at once. Text files go out as the brotli or gzip copy made at build
 * time (scripts/compress-assets.mjs) when the browser accepts it. Source maps and the compressed
 * copies themselves are never served by name.
 */
function serveWebApp(app: FastifyInstance, webDist: string) {
  // serve: false: no route per file; every request goes through the handler below.
  app.register(fastifyStatic, { root: webDist, serve: false, preCompressed: true, index: false });
  app.get('/*', (req, reply) => {
    const rel = safeDecode(req.url.split('?')[0]!.slice(1));
    // `//api/sessions` (a client that joined a base URL and a path badly) is an API path too: a
    // JSON 404, never the app's HTML answering 200 to an API client.
    if (rel === null || rel.replace(/^\/+/, '').startsWith('api/')) {
      return reply.code(404).send({ error: { code: 'not_found', message: `No route GET /${rel ?? ''}` } });
    }
    if (/\.(map|br|gz)$/.test(rel)) {
      return reply.code(404).send({ error: { code: 'not_found', message: 'Not found' } });
    }
    const file = path.join(webDist, rel);
    if (rel && file.startsWith(webDist + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile()) {
      if (rel.startsWith('assets/')) return reply.sendFile(rel, { maxAge: 31_536_000_000, immutable: true });
      reply.header('cache-control', 'no-cache');
      return reply.sendFile(rel, { cacheControl: false });
    }
    // A hashed file that is not there is an old build's: a 404, not the app's HTML as a script.
    if (rel.startsWith('assets/')) {
      return reply.code(404).send({ error: { code: 'not_found', message: 'Not found' } });
    }
    reply.header('cache-control', 'no-cache');
    return reply.type('text/html').sendFile('index.html', { cacheControl: false });
  });
}
