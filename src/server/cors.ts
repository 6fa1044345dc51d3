import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface CorsOptions {
  /** Exact origins allowed to call the API from a browser; empty (the default) means CORS is off. */
  allowOrigins: readonly string[];
}

const ALLOW_METHODS = 'GET, POST, PUT, DELETE, OPTIONS';
const ALLOW_HEADERS = 'authorization, x-api-key, content-type, last-event-id';

/**
 * CORS by allow-list. With an empty list no CORS header is ever sent, so
 * browsers refuse cross-origin reads; a preflight from an unlisted origin gets
 * 403. A listed origin is echoed (never `*`) with `Vary: Origin`.
 */
export function installCors(app: FastifyInstance, opts: CorsOptions): void {
  const allowed = new Set(opts.allowOrigins.map((o) => o.replace(/\/+$/, '')));
  app.addHook('onRequest', (req, reply, done) => {
    const origin = req.headers.origin;
    // Same-origin and non-browser calls: nothing to do, and no promise made for it.
    if (origin === undefined) return done();
    // A preflight is answered here; the chain then stops (done is not called after a reply).
    if (!preflightOrHeaders(req, reply, origin)) done();
  });
  /** True when it answered the request (a preflight). */
  function preflightOrHeaders(req: FastifyRequest, reply: FastifyReply, origin: string): boolean {
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    const ok = allowed.has(origin);
    if (ok) {
      reply.header('access-control-allow-origin', origin);
      reply.header('vary', 'Origin');
    }
    if (preflight) {
      if (!ok) {
        reply.code(403).type('application/json; charset=utf-8').send({ error: { code: 'FORBIDDEN', message: `origin ${origin} is not allowed` } });
        return true;
      }
      reply.header('access-control-allow-methods', ALLOW_METHODS);
      reply.header('access-control-allow-headers', ALLOW_HEADERS);
      reply.header('access-control-max-age', '600');
      reply.code(204).send();
      return true;
    }
    return false;
  }
}
