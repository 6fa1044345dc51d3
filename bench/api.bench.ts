/**
 * `npm run bench -- api [--seconds=10] [--no-predict]` (pinned: `BENCH_LOADGEN_CPUS=1 taskset -c 0 npm run bench -- api`): autocannon on 127.0.0.1 with 100
 * connections against (1) GET /alerts (default page) over 10,000 stored
 * alerts and (2) POST /api/ml/predict with warm quick models, rotating over a
 * 60-symbol mock universe. autocannon runs in its own node process
 * (bench/loadgen.mjs) so it never shares the server's event loop. The peer is
 * a bare node:http server answering the same /alerts page from memory, loaded
 * the same way in the same run: the ceiling of this machine's HTTP stack.
 *
 * The floor (>= 5,000 req/s with p99 < 20 ms, no errors, 100 connections) is read
 * from one closed-loop run at saturation: every connection sends its next request
 * as soon as the last one is answered, so req/s and p99 come from the same load.
 * autocannon's fixed-rate mode is not used for latency: it lets each connection send
 * its share of a second's requests back to back and then pause until the next second,
 * and it corrects for coordinated omission with an expected interval of
 * ceil(1 / per-connection rate) = 1 ms, which adds made-up samples to the histogram.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PaperBroker } from '../src/adapters/broker/paperBroker.ts';
import { ConsoleNotifier } from '../src/adapters/notify/consoleNotifier.ts';
import { openSqliteStore } from '../src/adapters/store/sqliteStore.ts';
import { costModel } from '../src/backtest/costs.ts';
import { loadConfig } from '../src/config/config.ts';
import type { Alert } from '../src/core/alert.ts';
import { MS_PER_DAY, systemClock } from '../src/core/time.ts';
import { alertId } from '../src/live/alerts/alertId.ts';
import { AlertStore } from '../src/live/alerts/alertStore.ts';
import { ConfirmationService } from '../src/live/confirm/confirmations.ts';
import { OrderGate } from '../src/live/execution/orderGate.ts';
import { buildServer } from '../src/server/app.ts';
import { ApiKeyService } from '../src/server/auth/apiKeys.ts';
import { QUICK_ENSEMBLE } from '../src/strategy/scan/ensembleModel.ts';
import { MockUniverseProvider } from '../src/strategy/scan/mockUniverse.ts';
import { ScanPipeline } from '../src/strategy/scan/pipeline.ts';
import { QUICK_PREDICTOR } from '../src/strategy/scan/timeframePredictor.ts';
import { trainScanModels } from '../src/strategy/scan/train.ts';
import { fmtMs, printTable, type BenchRow } from './harness.ts';

interface LoadResult {
  /** CPU time of this (the server's) process per request, µs: less sensitive to other load on the machine than req/s. */
  cpuUs: number;
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

interface LoadJob {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  bodies?: string[];
  connections: number;
  seconds: number;
}

const LOADGEN = join(dirname(fileURLToPath(import.meta.url)), 'loadgen.mjs');
const CONNECTIONS = 100;
const ALERTS = 10_000;

/** Run autocannon in a child process (plain node, no tsx) and read its JSON result. */
function load(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const c0 = process.cpuUsage();
    // BENCH_LOADGEN_CPUS=1 (with the bench itself under `taskset -c 0`) keeps server and load generator on separate cores.
    const cpus = process.env.BENCH_LOADGEN_CPUS;
    const [cmd, argv] = cpus ? ['taskset', ['-c', cpus, process.execPath, LOADGEN, JSON.stringify(job)]] : [process.execPath, [LOADGEN, JSON.stringify(job)]];
    execFile(cmd, argv, { maxBuffer: 1 << 20, timeout: (job.seconds + 60) * 1000 }, (err, stdout, stderr) => {
      const c = process.cpuUsage(c0);
      if (err) return reject(new Error(`load generator failed: ${err.message}\n${stderr}`));
      const r = JSON.parse(stdout) as Omit<LoadResult, 'cpuUs'>;
      resolve({ ...r, cpuUs: (c.user + c.system) / Math.max(1, r.requests) });
    });
  });
}

/** 10,000 alerts over the last week, one a minute: stocks and options on eight symbols. */
function seedAlerts(now: number): Alert[] {
  const symbols = ['SPY', 'QQQ', 'IWM', 'AAPL', 'MSFT', 'NVDA', 'TSLA', 'AMZN'];
  return Array.from({ length: ALERTS }, (_, i) => {
    const t = now - (ALERTS - i) * 60_000;
    const buy = i % 3 !== 0;
    const price = 100 + (i % 50);
    const base = {
      alert_id: alertId(t),
      timestamp: new Date(t).toISOString(),
      model_id: `bench-model-${i % 4}`,
      action: buy ? ('BUY' as const) : ('SELL' as const),
      confidence: 0.55 + (i % 40) / 100,
      entry_price: price,
      stop_loss: buy ? price - 4 : price + 4,
      take_profit: buy ? price + 6 : price - 6,
      urgency: 'normal' as const,
      valid_until: new Date(t + 60 * 60_000).toISOString(),
    };
    const symbol = symbols[i % symbols.length]!;
    return i % 5 === 0
      ? { ...base, instrument: 'option' as const, underlying: symbol, option_type: buy ? ('call' as const) : ('put' as const), strike: price + 5, expiration: '2030-01-18', contracts: 2, quantity: 2 }
      : { ...base, instrument: 'stock' as const, ticker: symbol, quantity: 10 };
  });
}

export async function run(args: string[]): Promise<void> {
  const seconds = Number(args.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? 10);
  // --no-predict skips the scan models (training them takes a while) when iterating on GET /alerts.
  const withPredict = !args.includes('--no-predict');
  const dir = mkdtempSync(join(tmpdir(), 'tp-bench-api-'));
  const store = await openSqliteStore(join(dir, 'bench.db'));
  try {
    await new AlertStore(store, systemClock).save({ alerts: seedAlerts(systemClock.now()), decisions: [] });

    // Warm quick models for the scan routes (as bench/scan.bench.ts trains them).
    const asOf = Date.UTC(2026, 10, 20, 23);
    const provider = new MockUniverseProvider({ size: 60, asOf, days: 600, intradayDays: 80 });
    const t0 = performance.now();
    const trained = withPredict ? await trainScanModels({ universe: { name: 'mock:60', symbols: [...provider.symbols], provider, benchmarks: ['SPY', 'QQQ'] }, asOf: asOf - 30 * MS_PER_DAY, ensemble: QUICK_ENSEMBLE, predictor: QUICK_PREDICTOR, predictorSymbols: 3, predictorDays: 100, maxSymbols: 20 }) : null;
    const trainMs = performance.now() - t0;
    const pipeline = trained ? new ScanPipeline({ provider, benchmarks: ['SPY', 'QQQ'], models: trained.models, clock: { now: () => asOf } }) : null;

    const config = loadConfig({ env: { LOG_LEVEL: 'silent' }, envFile: false });
    const paper = new PaperBroker({ initCash: 100_000, costs: costModel(), fillAt: 'close', clock: systemClock });
    const gate = new OrderGate({ store, clock: systemClock, config, paper });
    const confirmations = new ConfirmationService({ store, clock: systemClock, notifier: new ConsoleNotifier(null), timeoutSeconds: 900, operatorPhone: 'bench', execute: async () => ({ ok: false, receipt: null, message: 'bench' }) });
    const apiKeys = new ApiKeyService(store, systemClock);
    const { key } = await apiKeys.create('bench', 'user');
    // The per-key limit is raised for the run: the bench measures throughput, not the limiter's refusals (the limiter still counts every request).
    const app = await buildServer({ store, config, clock: systemClock, gate, confirmations, apiKeys, ...(pipeline ? { scan: { pipeline: async () => pipeline } } : {}), options: { rateLimits: { anonymous: 1e9, user: 1e9, premium: 1e9, admin: 1e9 } } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const headers = { authorization: `Bearer ${key}` };

    const probe = await fetch(`${base}/alerts`, { headers });
    const page = (await probe.json()) as { items: unknown[] };
    if (probe.status !== 200 || page.items.length !== 50) throw new Error(`bench setup: GET /alerts answered ${probe.status} with ${page.items?.length} items`);
    const alertsJob: LoadJob = { url: `${base}/alerts`, headers, connections: CONNECTIONS, seconds };
    await load({ ...alertsJob, seconds: 2 }); // warm-up (JIT)
    const ours = await load(alertsJob);

    let predict: LoadResult | null = null;
    if (pipeline) {
      const bodies = provider.symbols.map((symbol) => JSON.stringify({ symbol }));
      for (const b of bodies) {
        const res = await fetch(`${base}/api/ml/predict`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: b });
        if (res.status !== 200) throw new Error(`bench setup: POST /api/ml/predict ${b} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
      }
      predict = await load({ url: `${base}/api/ml/predict`, method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, bodies, connections: CONNECTIONS, seconds });
    }
    await app.close();

    // Peer: bare node:http serving the same page from memory (no auth, no DB, no validation).
    const body = JSON.stringify(page);
    const bare: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
    const bareJob: LoadJob = { url: `http://127.0.0.1:${(bare.address() as AddressInfo).port}/alerts`, connections: CONNECTIONS, seconds };
    await load({ ...bareJob, seconds: 2 });
    const peer = await load(bareJob);
    await new Promise<void>((r) => bare.close(() => r()));

    const clean = (r: LoadResult): boolean => r.errors === 0 && r.timeouts === 0 && r.non2xx === 0;
    const errs = (r: LoadResult): string => `${r.errors} / ${r.timeouts} / ${r.non2xx} of ${r.requests}`;
    const rows: BenchRow[] = [
      { case: `GET /alerts (default page of 50, ${ALERTS} stored, ${CONNECTIONS} conns, ${seconds}s) req/s`, ours: ours.rps.toFixed(0), peer: `${peer.rps.toFixed(0)} (bare node:http, page from memory)`, floor: '>= 5000', ok: ours.rps >= 5000 },
      { case: 'GET /alerts p99 latency (same run, at saturation)', ours: `${ours.p99} ms (p50 ${ours.p50}, max ${ours.max})`, peer: `${peer.p99} ms (p50 ${peer.p50})`, floor: '< 20 ms', ok: ours.p99 < 20 },
      { case: 'GET /alerts errors / timeouts / non-2xx', ours: errs(ours), peer: errs(peer), floor: '0', ok: clean(ours) },
      { case: 'GET /alerts server CPU per request', ours: `${ours.cpuUs.toFixed(0)} µs`, peer: `${peer.cpuUs.toFixed(0)} µs`, floor: '-', ok: null },
    ];
    if (predict) {
      rows.push(
      { case: `POST /api/ml/predict (warm models and prediction cache, 60 symbols rotating, ${CONNECTIONS} conns) req/s`, ours: predict.rps.toFixed(0), peer: 'none public', floor: '-', ok: null },
      { case: 'POST /api/ml/predict p99 latency', ours: `${predict.p99} ms (p50 ${predict.p50}, max ${predict.max})`, peer: '-', floor: '-', ok: null },
      { case: 'POST /api/ml/predict errors / timeouts / non-2xx', ours: errs(predict), peer: '-', floor: '0', ok: clean(predict) },
      { case: 'POST /api/ml/predict server CPU per request', ours: `${predict.cpuUs.toFixed(0)} µs`, peer: '-', floor: '-', ok: null },
      );
    }
    process.stdout.write(`load generator: autocannon ${CONNECTIONS} connections in a separate node process; ${trained ? `quick scan models trained in ${fmtMs(trainMs)}` : 'POST /api/ml/predict skipped (--no-predict)'}\n\n`);
    printTable(rows);
    process.stdout.write(`\n(load average ${loadavg().map((x) => x.toFixed(2)).join(' ')})\n`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
