import { availableParallelism } from 'node:os';
import type { Redis } from 'ioredis';
import type { AlpacaBroker } from '../adapters/broker/alpacaBroker.ts';
import { DEFAULT_PAPER_CASH, openPaperBroker } from '../adapters/broker/storedPaperBroker.ts';
import { ConsoleNotifier } from '../adapters/notify/consoleNotifier.ts';
import { openStore } from '../adapters/store/openStore.ts';
import { barAt } from '../core/bar.ts';
import { costModel } from '../backtest/costs.ts';
import type { Config } from '../config/config.ts';
import type { Logger } from '../core/log.ts';
import { systemClock, type Clock } from '../core/time.ts';
import type { DataProvider } from '../data/provider.ts';
import { createProvider, resolveProviderName } from '../data/providers/index.ts';
import { recordAlertOutcomes } from '../live/alerts/alertOutcome.ts';
import { ConfirmationService, type ExecuteConfirmed } from '../live/confirm/confirmations.ts';
import { OrderGate } from '../live/execution/orderGate.ts';
import type { Notifier } from '../live/notifier.ts';
import { OpsMonitor } from '../live/opsMonitor.ts';
import { runTrainedAlerts } from '../research/training/trainedAlertsJob.ts';
import { TrainingRunner } from '../research/training/trainingRunner.ts';
import { Scheduler } from '../live/scheduler.ts';
import { agentScheduleFromEnv, registerAgentJob } from '../strategy/agent/agentJob.ts';
import { LazyQueue } from '../research/jobs/lazyQueue.ts';
import { openQueue } from '../research/jobs/openQueue.ts';
import type { ScanRouteDeps } from '../strategy/scan/routes.ts';
import { loadScanPipeline, retrainScanModels, WEEKLY_RETRAIN_CRON } from '../strategy/scan/service.ts';
import type { ScanPipeline } from '../strategy/scan/pipeline.ts';
import type { ServerDeps, ServerOptions } from './deps.ts';
import { brokerCheck, dataProviderCheck, schedulerCheck } from './health.ts';

/** The real dependencies `serve` runs with, and how to release them. */
export interface Runtime {
  deps: ServerDeps;
  scheduler: Scheduler;
  provider: DataProvider;
  close(): Promise<void>;
}

/**
 * Build the embedded defaults from the config: the store it names (SQLite or
 * PostgreSQL), the simulated paper broker behind the order gate (its account
 * restored from the fills recorded in the store, and shared with the CLI),
 * Twilio when TWILIO_* are all set (else the console), the data provider (sample, or mock
 * with USE_MOCK_DATA), and the scheduler with the confirmation expiry sweep.
 * Later features register their jobs on `scheduler` before it starts.
 */
export async function buildRuntime(config: Config, opts: { logger: Logger; env?: NodeJS.ProcessEnv; clock?: Clock; options?: Partial<ServerOptions>; schedules?: boolean; scanUniverse?: string }): Promise<Runtime> {
  const clock = opts.clock ?? systemClock;
  const store = await openStore(config);
  // A paper book that cannot be read (a corrupt fill row) stops the start: the gate's checks would count the wrong positions.
  const paper = await openPaperBroker(store, clock, { initCash: DEFAULT_PAPER_CASH, costs: costModel(), fillAt: 'close' }).catch(async (err: unknown) => {
    await store.close();
    throw err;
  });
  // The live broker exists only with Alpaca credentials; the gate still sends it nothing unless
  // DRY_RUN=false, ENV=production, the admin key and a recorded approval all hold.
  let live: AlpacaBroker | undefined;
  if (config.ALPACA_API_KEY && config.ALPACA_SECRET_KEY) {
    const { AlpacaBroker: Broker } = await import('../adapters/broker/alpacaBroker.ts');
    live = new Broker({ keyId: config.ALPACA_API_KEY, secret: config.ALPACA_SECRET_KEY, baseUrl: config.ALPACA_BASE_URL });
    try {
      const report = await live.reconcile(store, clock.now());
      opts.logger.info({ broker: live.name, report }, 'positions reconciled with the broker at start-up');
    } catch (err) {
      opts.logger.warn({ broker: live.name, err: (err as Error).message }, 'could not reconcile positions with the broker at start-up');
      await store.append({ type: 'positions.reconcile_failed', subject: live.name, payload: { error: (err as Error).message } });
    }
  }
  const gate = new OrderGate({ store, clock, config, paper, ...(live ? { live } : {}) });
  const provider = createProvider(resolveProviderName(undefined, { ...opts.env, USE_MOCK_DATA: String(config.USE_MOCK_DATA) }), { env: opts.env, clock });
  const notifier = await makeNotifier(config);

  // A confirmed trade: price it from the latest daily bar, make that bar current on the paper broker, and submit through the gate.
  const execute: ExecuteConfirmed = async (c) => {
    const bars = await provider.getBars({ symbol: c.symbol, timeframe: '1d', start: clock.now() - 30 * 86_400_000, end: clock.now() });
    if (bars.time.length === 0) return { ok: false, receipt: null, message: `no recent price for ${c.symbol}` };
    const last = barAt(bars, bars.time.length - 1);
    paper.advance(new Map([[c.symbol, last]]));
    const d = await gate.submit({ symbol: c.symbol, side: c.action === 'BUY' ? 'buy' : 'sell', qty: c.quantity, refPrice: last.close, confirmationId: c.id, predictionId: c.prediction_id, source: 'confirmation' });
    const ok = d.status !== 'refused' && d.status !== 'failed';
    return { ok, receipt: d, message: ok ? `${d.mode} ${c.action} ${c.quantity} ${c.symbol} ${d.status}` : d.reasons.join('; ') };
  };
  const confirmations = new ConfirmationService({ store, clock, notifier, timeoutSeconds: config.SMS_CONFIRMATION_TIMEOUT, operatorPhone: config.OPERATOR_PHONE_NUMBER ?? 'console', execute });

  const scheduler = new Scheduler({ clock, logger: opts.logger, store });
  scheduler.register({
    name: 'confirmations.expire',
    cron: '* * * * *',
    description: 'expire confirmations past SMS_CONFIRMATION_TIMEOUT',
    fn: async () => {
      const n = await confirmations.expireStale();
      if (n > 0) opts.logger.info({ expired: n }, 'confirmations expired');
    },
  });

  // The agent's daily run (AGENT_CRON, default after the US close; AGENT_CRON=off disables it).
  const agentSchedule = agentScheduleFromEnv(opts.env);
  // Failures and abnormal rates in the audit trail are texted (or logged) to the operator.
  const ops = new OpsMonitor({ store, notifier, clock, to: config.OPERATOR_PHONE_NUMBER ?? 'console' });
  scheduler.register({
    name: 'ops.monitor',
    cron: '*/5 * * * *',
    description: 'tell the operator about failures and abnormal order or alert rates',
    fn: async () => {
      const sent = await ops.check();
      if (sent.length > 0) opts.logger.warn({ alerts: sent }, 'ops alerts sent');
    },
  });
  // Published trainings alert on the latest daily bar after the US close.
  scheduler.register({
    name: 'alerts.trained',
    cron: '30 21 * * 1-5',
    description: 'alerts from published trainings on their latest bars',
    fn: async () => {
      const alerts = await runTrainedAlerts({ store, provider, clock });
      if (alerts.length > 0) opts.logger.info({ alerts: alerts.map((a) => a.alert_id) }, 'alerts from published trainings');
    },
  });
  // What became of past alerts (stop, target or the 5-day horizon): GET /alerts/performance reads these records.
  scheduler.register({
    name: 'alerts.outcomes',
    cron: '45 21 * * 1-5',
    description: 'record the outcomes of alerts whose 5-day horizon has passed (for alert performance)',
    fn: async () => {
      const pass = await recordAlertOutcomes(store, provider, clock.now());
      if (pass.recorded.length > 0 || pass.failed.length > 0) opts.logger.info({ recorded: pass.recorded.length, pending: pass.pending, failed: pass.failed }, 'alert outcomes recorded');
    },
  });
  if (agentSchedule) registerAgentJob(scheduler, { store, clock, provider, confirmations, modelDir: config.MODEL_DIR, threshold: config.SIGNAL_CONFIDENCE_THRESHOLD, logger: opts.logger }, agentSchedule);
  // The ML scan: models load on first use (404 with the train command until they exist) and again after each weekly retraining.
  const scanUniverse = opts.scanUniverse ?? (config.USE_MOCK_DATA ? 'mock:1500' : 'dow30');
  let scanPipeline: Promise<ScanPipeline> | undefined;
  const scan: ScanRouteDeps = {
    pipeline: () => {
      scanPipeline ??= loadScanPipeline({ universe: scanUniverse, modelRoot: config.MODEL_DIR, store, clock });
      scanPipeline.catch(() => (scanPipeline = undefined));
      return scanPipeline;
    },
  };
  scheduler.register({
    name: 'scan.retrain',
    cron: WEEKLY_RETRAIN_CRON,
    description: `retrain the scan models on ${scanUniverse} (weekly)`,
    fn: async () => {
      await retrainScanModels({ universe: scanUniverse, modelRoot: config.MODEL_DIR, store, clock });
      scanPipeline = undefined;
    },
  });

  let redis: Redis | undefined;
  if (config.REDIS_URL) {
    const { Redis: RedisClient } = await import('ioredis');
    redis = new RedisClient(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  }
  // Sweeps and trainings started through the API: BullMQ workers with REDIS_URL, else worker threads leaving one core to the API.
  const threads = Math.max(1, availableParallelism() - 1);
  const jobs = config.REDIS_URL ? new LazyQueue('redis', 8, () => openQueue({ queue: config.REDIS_URL })) : new LazyQueue('threads', threads, () => openQueue({ workers: threads }));
  const deps: ServerDeps = {
    store,
    config,
    clock,
    confirmations,
    gate,
    logger: opts.logger,
    // An API-only instance (schedules run elsewhere) reports no scheduler.
    ...(opts.schedules === false ? {} : { scheduler }),
    health: [brokerCheck(paper), ...(live ? [brokerCheck(live)] : []), dataProviderCheck(provider), ...(opts.schedules === false ? [] : [schedulerCheck(scheduler)])],
    scan,
    jobs,
    training: new TrainingRunner({ logger: opts.logger, run: { queue: jobs } }),
    ...(config.TWILIO_AUTH_TOKEN ? { twilio: { authToken: config.TWILIO_AUTH_TOKEN, publicUrl: config.PUBLIC_URL } } : {}),
    options: { ...opts.options, ...(redis ? { rateLimitRedis: redis } : {}) },
  };
  return {
    deps,
    scheduler,
    provider,
    async close() {
      await scheduler.stop();
      await jobs.close().catch(() => undefined);
      await redis?.quit().catch(() => undefined);
      await store.close();
    },
  };
}

async function makeNotifier(config: Config): Promise<Notifier> {
  if (config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN && config.TWILIO_FROM) {
    const { TwilioSmsNotifier } = await import('../adapters/notify/twilioSms.ts');
    return new TwilioSmsNotifier({ accountSid: config.TWILIO_ACCOUNT_SID, authToken: config.TWILIO_AUTH_TOKEN, from: config.TWILIO_FROM });
  }
  return new ConsoleNotifier(process.stderr);
}
