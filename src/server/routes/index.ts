import type { RouteModule } from '../routeModule.ts';
import { adminRoutes } from './admin.ts';
import { alertRoutes } from './alerts.ts';
import { backtestRoutes } from './backtests.ts';
import { confirmationRoutes } from './confirmations.ts';
import { eventRoutes } from './events.ts';
import { healthRoutes } from './health.ts';
import { metricsRoutes } from './metrics.ts';
import { modelRoutes } from './models.ts';
import { orderRoutes } from './orders.ts';
import { packRoutes } from './packs.ts';
import { scanRouteModule } from './scan.ts';
import { streamRoutes } from './stream.ts';
import { sweepRoutes } from './sweeps.ts';
import { trainingRoutes } from './training.ts';
import { twilioRoutes } from './twilio.ts';
import { webRoutes } from './web.ts';

/** Every route file, in the order the OpenAPI document lists them. A new resource adds one file and one entry. */
export const routeModules: readonly RouteModule[] = [healthRoutes, metricsRoutes, confirmationRoutes, orderRoutes, adminRoutes, eventRoutes, streamRoutes, twilioRoutes, scanRouteModule, packRoutes, modelRoutes, sweepRoutes, trainingRoutes, backtestRoutes, alertRoutes, webRoutes];
