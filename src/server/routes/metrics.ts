import { z } from 'zod';
import { errorResponses } from '../httpErrors.ts';
import type { RouteModule } from '../routeModule.ts';

/** GET /metrics: Prometheus exposition (any valid key; Prometheus sends it with `authorization.credentials`). */
export const metricsRoutes: RouteModule = {
  name: 'metrics',
  register(app, { metrics }) {
    app.get(
      '/metrics',
      {
        schema: {
          summary: 'Prometheus metrics: predictions, SMS sent, confirmations, orders, failures, request latencies',
          tags: ['operations'],
          response: { 200: z.string().describe('Prometheus text format 0.0.4'), ...errorResponses(401, 429) },
        },
      },
      async (_req, reply) => reply.type(metrics.contentType).send(await metrics.render()),
    );
  },
};
