import type { Redis } from 'ioredis';
import type { Store } from '../adapters/store/store.ts';
import type { Config } from '../config/config.ts';
import type { Logger } from '../core/log.ts';
import type { Clock } from '../core/time.ts';
import type { ConfirmationService } from '../live/confirm/confirmations.ts';
import type { OrderGate } from '../live/execution/orderGate.ts';
import type { Scheduler } from '../live/scheduler.ts';
import type { JobQueue } from '../research/jobs/jobQueue.ts';
import type { ScanRouteDeps } from '../strategy/scan/routes.ts';
import type { TrainingRunner } from '../research/training/trainingRunner.ts';
import type { ApiKeyService } from './auth/apiKeys.ts';
import type { Role } from './auth/roles.ts';
import type { HealthCheck } from './health.ts';

/** Tunables of the HTTP layer; every one has a safe default. */
export interface ServerOptions {
  /** Largest request body in bytes (413 above it). */
  bodyLimit: number;
  /** Browser origins allowed by CORS; empty = CORS off. */
  corsOrigins: string[];
  /** Requests per window per API key (by role), and per IP for unauthenticated requests. */
  rateLimits: Record<Role | 'anonymous', number>;
  rateWindowMs: number;
  /** Shared rate-limit counters for several API instances (scale-out); in-memory when absent. */
  rateLimitRedis?: Redis;
  /** Send Strict-Transport-Security (set when served over HTTPS). */
  hsts: boolean;
  /** Trust X-Forwarded-* from a reverse proxy (for the client IP in logs and limits). */
  trustProxy: boolean;
  /** How often the SSE tail polls the events table. */
  ssePollMs: number;
  /** Comment lines that keep idle SSE connections open through proxies. */
  sseHeartbeatMs: number;
  /** Per-check timeout of /health. */
  healthTimeoutMs: number;
  /** Bytes of GET /alerts pages cached (invalidated on every alert write); 0 turns the cache off. */
  alertPageCacheBytes: number;
  /** On PostgreSQL (where other processes' commits go unseen), the longest a cached GET /alerts page is served. */
  alertPageCacheTtlMs: number;
}

export const DEFAULT_SERVER_OPTIONS: Readonly<ServerOptions> = Object.freeze({
  bodyLimit: 256 * 1024,
  corsOrigins: [],
  rateLimits: { anonymous: 120, user: 600, premium: 3_000, admin: 3_000 },
  rateWindowMs: 60_000,
  hsts: false,
  trustProxy: false,
  ssePollMs: 250,
  sseHeartbeatMs: 15_000,
  healthTimeoutMs: 2_000,
  alertPageCacheBytes: 32 << 20,
  alertPageCacheTtlMs: 1_000,
});

/**
 * Everything the server needs, injected (tests pass in-memory stores and
 * simulated clocks). Later features add an optional service here, a route
 * file under routes/, and one entry in routes/index.ts.
 */
export interface ServerDeps {
  store: Store;
  config: Config;
  clock: Clock;
  confirmations: ConfirmationService;
  gate: OrderGate;
  logger?: Logger;
  /** Defaults to a service over `store`. */
  apiKeys?: ApiKeyService;
  /** What /health reports on; the database check is always included. */
  health?: HealthCheck[];
  scheduler?: Scheduler;
  /** Mounts POST /webhooks/twilio/sms when given (TWILIO_AUTH_TOKEN, PUBLIC_URL). */
  twilio?: { authToken: string; publicUrl?: string };
  /** Mounts POST /api/ml/scan and /api/ml/predict when given. */
  scan?: ScanRouteDeps;
  /** Where POST /sweeps runs its tasks (and POST /training its units, when `training` is absent); the sweep routes are mounted only when given. */
  jobs?: JobQueue;
  /** The official packs (default the packs/ shipped with tradepilot). */
  packsDir?: string;
  /** Runs trainings started by POST /training (one on `jobs`, or on this thread without it, is made when absent). */
  training?: TrainingRunner;
  /** The built dashboard served under /app (default: web/dist of this checkout). */
  webDir?: string;
  options?: Partial<ServerOptions>;
}
