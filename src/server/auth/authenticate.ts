import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '../../core/errors.ts';
import { HttpError } from '../httpErrors.ts';
import type { ApiKeyService, Principal } from './apiKeys.ts';
import { roleAtLeast, type Role } from './roles.ts';

/** Who may call a route: anyone (`public`) or a key of at least this role. */
export type RouteAuth = 'public' | Role;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Default `user`: any valid key. */
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    /** The authenticated API key, when one was presented and valid. */
    principal: Principal | null;
  }
}

/** The key from `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedKey(req: Pick<FastifyRequest, 'headers'>): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1];
  }
  const x = req.headers['x-api-key'];
  return typeof x === 'string' && x.length > 0 ? x.trim() : undefined;
}

/** The role a route needs (its `config.auth`, default `user`). */
export function routeAuth(req: FastifyRequest): RouteAuth {
  return req.routeOptions.config?.auth ?? 'user';
}

/**
 * Authenticate in onRequest, before body parsing: 401 without a valid key,
 * 403 with a key of too low a role. Public routes still learn a valid key's principal.
 */
export function installAuth(app: FastifyInstance, keys: ApiKeyService): void {
  app.decorateRequest('principal', null);
  // Callback style: a key verified within the cache window is decided synchronously (no promise per request).
  app.addHook('onRequest', (req, reply, done) => {
    const key = presentedKey(req);
    const cached = key === undefined ? null : keys.verifyCached(key);
    if (cached !== undefined) {
      req.principal = cached;
      return done(refusal(req, reply, key));
    }
    keys.verify(key!).then(
      (p) => {
        req.principal = p;
        done(refusal(req, reply, key));
      },
      (err: Error) => done(err),
    );
  });
}

/** The 401 or 403 for a request whose principal is settled, or undefined when it may go on. */
function refusal(req: FastifyRequest, reply: FastifyReply, key: string | undefined): HttpError | undefined {
  const need = routeAuth(req);
  if (need === 'public') return undefined;
  if (!req.principal) {
    reply.header('www-authenticate', 'Bearer realm="tradepilot"');
    return new HttpError(401, ErrorCode.UNAUTHORIZED, key === undefined ? 'an API key is required (Authorization: Bearer <key> or X-API-Key)' : 'invalid or revoked API key');
  }
  if (!roleAtLeast(req.principal.role, need)) return new HttpError(403, ErrorCode.FORBIDDEN, `this route needs role ${need}; key ${req.principal.keyId} has role ${req.principal.role}`);
  return undefined;
}

/** The actor string for events written on a request's behalf (the key id, never the key). */
export function actorOf(req: FastifyRequest): string {
  return req.principal ? `api:${req.principal.keyId}` : 'api:anonymous';
}
