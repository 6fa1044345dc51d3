import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiKeyService } from './auth/apiKeys.ts';
import type { ServerDeps, ServerOptions } from './deps.ts';
import type { EventTail } from './eventTail.ts';
import type { ServerMetrics } from './metrics.ts';
import type { SecurityHeaderOptions } from './securityHeaders.ts';

/** The fastify instance routes are declared on: zod schemas for validation, serialization and OpenAPI. */
export type ZodApp = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

/** What a route file gets besides the app. */
export interface ServerContext {
  deps: ServerDeps;
  options: ServerOptions;
  apiKeys: ApiKeyService;
  metrics: ServerMetrics;
  tail: EventTail;
  headers: SecurityHeaderOptions;
}

/** One route file: registers its routes (in its own encapsulated scope) or nothing when its service is absent. */
export interface RouteModule {
  name: string;
  register(app: ZodApp, ctx: ServerContext): Promise<void> | void;
}
