import { z } from 'zod';
import { databaseCheck, runHealthChecks, schedulerCheck } from '../health.ts';
import { API_VERSION } from '../version.ts';
import type { RouteModule } from '../routeModule.ts';

const Check = z.object({ ok: z.boolean(), detail: z.string(), latencyMs: z.number() });
const HealthBody = z
  .object({
    status: z.enum(['ok', 'unhealthy']),
    version: z.string(),
    uptimeSeconds: z.number(),
    checks: z.record(z.string(), Check).describe('database, broker, data provider, scheduler, ...'),
  })
  .meta({ id: 'Health' });

const started = Date.now();

/** GET /health: every dependency's status; 200 when all are fine, else 503. Public (for load balancers). */
export const healthRoutes: RouteModule = {
  name: 'health',
  register(app, { deps, options }) {
    const checks = [databaseCheck(deps.store), ...(deps.health ?? [])];
    if (deps.scheduler && !checks.some((c) => c.name === 'scheduler')) checks.push(schedulerCheck(deps.scheduler));
    app.get(
      '/health',
      {
        config: { auth: 'public' },
        schema: { summary: 'Health of the database, broker, data provider and scheduler', tags: ['operations'], response: { 200: HealthBody, 503: HealthBody } },
      },
      async (_req, reply) => {
        const r = await runHealthChecks(checks, options.healthTimeoutMs);
        return reply.code(r.ok ? 200 : 503).send({ status: r.ok ? 'ok' : 'unhealthy', version: API_VERSION, uptimeSeconds: Math.round((Date.now() - started) / 1000), checks: r.checks });
      },
    );
  },
};
