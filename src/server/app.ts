import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { ErrorCode } from '../core/errors.ts';
import { ApiKeyService } from './auth/apiKeys.ts';
import { installAuth } from './auth/authenticate.ts';
import { installAudit } from './audit.ts';
import { installCors } from './cors.ts';
import { DEFAULT_SERVER_OPTIONS, type ServerDeps, type ServerOptions } from './deps.ts';
import { EventTail } from './eventTail.ts';
import { HttpError, installErrorHandlers } from './httpErrors.ts';
import { RateLimiter } from './rateLimiter.ts';
import { ServerMetrics } from './metrics.ts';
import type { RouteModule, ServerContext, ZodApp } from './routeModule.ts';
import { routeModules } from './routes/index.ts';
import { installSecurityHeaders } from './securityHeaders.ts';
import { API_VERSION } from './version.ts';
import { WEB_PREFIX } from './web/staticFiles.ts';

/** Where the interactive API docs live; the OpenAPI 3 document is at /openapi.json. */
export const DOCS_PREFIX = '/docs';

/**
 * The REST API: zod schemas on every route (validation, serialization and the
 * OpenAPI document), API-key auth with roles, per-key rate limits, an audit
 * record of every mutating call, security headers, CORS by allow-list only,
 * body size limits, and one error body shape for every failure.
 * Nothing listens until the caller calls `listen`.
 */
export async function buildServer(deps: ServerDeps, modules: readonly RouteModule[] = routeModules): Promise<ZodApp> {
  const options: ServerOptions = { ...DEFAULT_SERVER_OPTIONS, ...deps.options, rateLimits: { ...DEFAULT_SERVER_OPTIONS.rateLimits, ...deps.options?.rateLimits } };
  const base = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger as FastifyBaseLogger } : { logger: false }),
    bodyLimit: options.bodyLimit,
    trustProxy: options.trustProxy,
    // One line per request from our onResponse hook instead (with the key id and route pattern).
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    routerOptions: { maxParamLength: 200 },
  });
  const app = base.withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandlers(app);

  const apiKeys = deps.apiKeys ?? new ApiKeyService(deps.store, deps.clock);
  const metrics = new ServerMetrics(deps.store);
  const tail = new EventTail(deps.store, options.ssePollMs);
  const headers = { hsts: options.hsts, docsPrefix: DOCS_PREFIX, webPrefix: WEB_PREFIX };
  const ctx: ServerContext = { deps, options, apiKeys, metrics, tail, headers };

  app.addHook('onRoute', (route) => {
    // The docs page and document are public; every public route says so in the OpenAPI security.
    if (route.url.startsWith(DOCS_PREFIX) || route.url === '/openapi.json') route.config = { ...route.config, auth: 'public' };
    const auth = route.config?.auth ?? 'user';
    if (route.schema && !route.schema.hide) {
      route.schema = auth === 'public' ? { ...route.schema, security: [] } : { ...route.schema, description: `${route.schema.description ?? ''}${route.schema.description ? ' ' : ''}Role: ${auth} or above.` };
    }
  });
  installCors(app, { allowOrigins: options.corsOrigins });
  installAuth(app, apiKeys);
  installAudit(app, deps.store, () => deps.clock.now());
  installSecurityHeaders(app, headers);
  // One histogram child per (method, route, status), looked up by a flat key: prom-client hashes a label object on every observe.
  const durations = new Map<string, { observe(v: number): void }>();
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const k = `${req.method} ${reply.statusCode} ${route}`;
    let h = durations.get(k);
    if (h === undefined) {
      h = metrics.httpDuration.labels({ method: req.method, route, status: String(reply.statusCode) });
      // Bounded by routes x methods x statuses; unmatched paths share one label.
      durations.set(k, h);
    }
    h.observe(reply.elapsedTime / 1000);
    // Mutations and failures at info, plain reads at debug (a busy listing would flood the log); the
    // line is built only when it will be written, as this runs on every response.
    const level = req.method !== 'GET' || reply.statusCode >= 400 ? 'info' : 'debug';
    if (deps.logger?.isLevelEnabled(level)) {
      req.log[level]({ method: req.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10, keyId: req.principal?.keyId ?? null, reqId: req.id }, 'request');
    }
    done();
  });
  app.addHook('onClose', async () => tail.close());

  if (options.rateLimitRedis) {
    await app.register(rateLimit, {
      global: true,
      // After auth (onRequest), so the limit is the key's: keyed by its hash, sized by its role.
      hook: 'preHandler',
      timeWindow: options.rateWindowMs,
      max: (req) => options.rateLimits[req.principal?.role ?? 'anonymous'],
      keyGenerator: (req) => (req.principal ? `key:${req.principal.keyHash}` : `ip:${req.ip}`),
      redis: options.rateLimitRedis,
      nameSpace: 'tradepilot-rl:',
      errorResponseBuilder: (_req, c) => new HttpError(429, ErrorCode.RATE_LIMITED, `rate limit of ${c.max} requests per ${c.after} exceeded; retry in ${Math.ceil(c.ttl / 1000)} s`),
      });
  } else {
    installRateLimit(app, options, () => deps.clock.now());
  }
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'tradepilot API', version: API_VERSION, description: 'Signals, confirmations, orders and operations. Errors: `{ error: { code, message, field? } }`.' },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'an API key from `tradepilot apikey create`' },
          apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
      security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX, staticCSP: false });
  app.get('/openapi.json', { schema: { hide: true }, config: { auth: 'public' } }, async () => app.swagger());

  for (const m of modules) {
    await app.register(async (scope) => {
      await m.register(scope as unknown as ZodApp, ctx);
    });
  }
  await app.ready();
  return app as unknown as ZodApp;
}

/**
 * Per-key limits counted in this process (one API instance): a synchronous
 * preHandler (after auth, so the limit is the key's: keyed by its hash, sized
 * by its role) with the same headers and 429 as @fastify/rate-limit, which
 * serves the Redis-shared case. Routes opt out with `config: { rateLimit: false }` (streams).
 */
function installRateLimit(app: ZodApp, options: ServerOptions, now: () => number): void {
  const limiter = new RateLimiter(options.rateWindowMs);
  const windowS = Math.round(options.rateWindowMs / 1000);
  app.addHook('preHandler', (req, reply, done) => {
    if ((req.routeOptions.config as { rateLimit?: unknown } | undefined)?.rateLimit === false) return done();
    const max = options.rateLimits[req.principal?.role ?? 'anonymous'];
    const v = limiter.hit(req.principal ? `key:${req.principal.keyHash}` : `ip:${req.ip}`, max, now());
    reply.header('x-ratelimit-limit', max).header('x-ratelimit-remaining', v.remaining).header('x-ratelimit-reset', v.resetSeconds);
    if (v.allowed) return done();
    reply.header('retry-after', v.resetSeconds);
    done(new HttpError(429, ErrorCode.RATE_LIMITED, `rate limit of ${max} requests per ${windowS} s exceeded; retry in ${v.resetSeconds} s`));
  });
}

/** The OpenAPI document of a built server (for docs generation and tests). */
export function openApiDocument(app: FastifyInstance): Record<string, unknown> {
  return app.swagger() as unknown as Record<string, unknown>;
}
