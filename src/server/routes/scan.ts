import { scanRoutes } from '../../strategy/scan/routes.ts';
import type { RouteModule } from '../routeModule.ts';

/** POST /api/ml/scan and /api/ml/predict (the ML scan), mounted when the runtime provides a scan pipeline. */
export const scanRouteModule: RouteModule = {
  name: 'scan',
  async register(app, ctx) {
    if (!ctx.deps.scan) return;
    await app.register(scanRoutes, ctx.deps.scan);
  },
};
