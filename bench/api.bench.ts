/**
 * `npm run bench -- api`: GET /events?limit=50 over 10,000 stored events, 100
 * concurrent keep-alive connections on 127.0.0.1. autocannon is not installed
 * here, so the load comes from our own generator (node:http with a keep-alive
 * agent in a worker thread, one request in flight per connection, latency per request). The peer
 * figure is a bare node:http server answering the same 50-row page from memory
 * with the same generator: the ceiling of this machine's HTTP stack.
 */
import { createServer, type Server } from 'node:http';
import { Worker } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PaperBroker } from '../src/adapters/broker/paperBroker.ts';
import { ConsoleNotifier } from '../src/adapters/notify/consoleNotifier.ts';
import { openSqliteStore } from '../src/adapters/store/sqliteStore.ts';
import { costModel } from '../src/backtest/costs.ts';
import { loadConfig } from '../src/config/config.ts';
import { systemClock } from '../src/core/time.ts';
import { ConfirmationService } from '../src/live/confirm/confirmations.ts';
import { OrderGate } from '../src/live/execution/orderGate.ts';
import { buildServer } from '../src/server/app.ts';
import { ApiKeyService } from '../src/server/auth/apiKeys.ts';
import { printTable, type BenchRow } from './harness.ts';

interface LoadResult {
  requests: number;
  errors: number;
  non2xx: number;
  seconds: number;
  p50: number;
  p99: number;
}

/**
 * The generator, as plain JavaScript run in a worker thread so that it does
 * not share the server's event loop: keeps `connections` requests in flight
 * for `seconds` over a keep-alive agent and reports each request's latency.
 */
const LOAD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { request, Agent } = require('node:http');
const { url, headers, connections, seconds } = workerData;
const agent = new Agent({ keepAlive: true, maxSockets: connections });
const lat = [];
let errors = 0, non2xx = 0;
const t0 = performance.now();
const until = t0 + seconds * 1000;
const one = () => new Promise((resolve) => {
  const start = performance.now();
  const req = request(url, { agent, headers }, (res) => {
    if (res.statusCode < 200 || res.statusCode >= 300) non2xx++;
    res.on('data', () => undefined);
    res.on('end', () => { lat.push(performance.now() - start); resolve(); });
  });
  req.on('error', () => { errors++; resolve(); });
  req.end();
});
const worker = async () => { while (performance.now() < until) await one(); };
Promise.all(Array.from({ length: connections }, worker)).then(() => {
  const elapsed = (performance.now() - t0) / 1000;
  agent.destroy();
  lat.sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
  parentPort.postMessage({ requests: lat.length, errors, non2xx, seconds: elapsed, p50: q(0.5), p99: q(0.99) });
});
`;

function load(url: string, headers: Record<string, string>, connections: number, seconds: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(LOAD_WORKER, { eval: true, workerData: { url, headers, connections, seconds } });
    w.once('message', (m: LoadResult) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

export async function run(args: string[]): Promise<void> {
  const seconds = Number(args.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? 10);
  const connections = 100;
  const dir = mkdtempSync(join(tmpdir(), 'tp-bench-api-'));
  const store = await openSqliteStore(join(dir, 'bench.db'));
  try {
    // 10,000 alert-like events, the listing the dashboard polls.
    const batch = Array.from({ length: 10_000 }, (_, i) => ({
      type: 'alert.created',
      subject: ['SPY', 'QQQ', 'TQQQ', 'IWM'][i % 4],
      payload: { alert_id: `a-${i}`, action: i % 3 ? 'BUY' : 'SELL', confidence: 0.6 + (i % 40) / 100, entry_price: 100 + (i % 50), stop_loss: 95, take_profit: 110, urgency: 'normal' },
    }));
    await store.append(batch);
    const config = loadConfig({ env: { LOG_LEVEL: 'silent' }, envFile: false });
    const paper = new PaperBroker({ initCash: 100_000, costs: costModel(), fillAt: 'close', clock: systemClock });
    const gate = new OrderGate({ store, clock: systemClock, config, paper });
    const confirmations = new ConfirmationService({ store, clock: systemClock, notifier: new ConsoleNotifier(null), timeoutSeconds: 900, operatorPhone: 'bench', execute: async () => ({ ok: false, receipt: null, message: 'bench' }) });
    const apiKeys = new ApiKeyService(store, systemClock);
    const { key } = await apiKeys.create('bench', 'user');
    // The per-key limit is raised for the run: the bench measures throughput, not the limiter's refusals.
    const app = await buildServer({ store, config, clock: systemClock, gate, confirmations, apiKeys, options: { rateLimits: { anonymous: 1e9, user: 1e9, premium: 1e9, admin: 1e9 } } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/events?limit=50`;
    const headers = { authorization: `Bearer ${key}` };
    const probe = await fetch(url, { headers });
    const page = (await probe.json()) as { items: unknown[] };
    if (probe.status !== 200 || page.items.length !== 50) throw new Error(`bench setup: GET /events answered ${probe.status} with ${page.items.length} items`);
    await load(url, headers, connections, 1); // warm-up
    const ours = await load(url, headers, connections, seconds);
    await app.close();

    // Peer: bare node:http serving the same page from memory (no auth, no DB, no validation).
    const body = JSON.stringify(page);
    const bare: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
    const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/events?limit=50`;
    await load(bareUrl, {}, connections, 1);
    const peer = await load(bareUrl, {}, connections, seconds);
    await new Promise<void>((r) => bare.close(() => r()));

    const rps = (r: LoadResult): number => r.requests / r.seconds;
    const rows: BenchRow[] = [
      { case: `GET /events?limit=50 (10k events, ${connections} conns, ${seconds}s) req/s`, ours: rps(ours).toFixed(0), peer: `${rps(peer).toFixed(0)} (bare node:http, page from memory)`, floor: '>= 5000', ok: rps(ours) >= 5000 },
      { case: 'p99 latency', ours: `${ours.p99.toFixed(1)} ms (p50 ${ours.p50.toFixed(1)})`, peer: `${peer.p99.toFixed(1)} ms (p50 ${peer.p50.toFixed(1)})`, floor: '< 20 ms', ok: ours.p99 < 20 },
      { case: 'errors / non-2xx', ours: `${ours.errors} / ${ours.non2xx} of ${ours.requests}`, peer: `${peer.errors} / ${peer.non2xx} of ${peer.requests}`, floor: '0', ok: ours.errors === 0 && ours.non2xx === 0 },
    ];
    process.stdout.write('load generator: our own (node:http keep-alive agent; autocannon is not installed)\n\n');
    printTable(rows);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
