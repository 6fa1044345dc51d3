import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EventBatcher } from '../adapters/store/eventBatcher.ts';
import type { Store } from '../adapters/store/store.ts';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every mutating call, allowed or refused, lands in the audit trail as an
 * `api.request` event with the key id (never the key) and the outcome status.
 * Bodies are left out: they may carry secrets (the admin key of POST /admin/live).
 * Written in onSend, so the record exists before the client sees the answer; concurrent calls
 * share a transaction (group commit) instead of queueing one each on the store.
 */
export function installAudit(app: FastifyInstance, store: Store, now: () => number): void {
  const trail = new EventBatcher(store);
  app.addHook('onSend', (req, reply, payload, done) => {
    // Reads pass straight through: no promise on the hot path.
    if (!MUTATING.has(req.method)) return done(null, payload);
    void record(req, reply).then(() => done(null, payload));
  });
  async function record(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const route = req.routeOptions.url ?? null;
    const p = req.principal;
    try {
      await trail.append({
        type: 'api.request',
        subject: route ?? req.url.split('?')[0],
        payload: {
          method: req.method,
          route,
          path: req.url.split('?')[0],
          params: req.params ?? {},
          status: reply.statusCode,
          keyId: p?.keyId ?? null,
          keyName: p?.name ?? null,
          role: p?.role ?? null,
          ip: req.ip,
          requestId: req.id,
        },
        time: now(),
      });
    } catch (err) {
      req.log.error({ err: (err as Error).message, route }, 'could not write the audit record of a mutating call');
    }
  }
}
