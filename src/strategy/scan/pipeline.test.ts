import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/support/cli.ts';
import { openSqliteStore } from '../../adapters/store/sqliteStore.ts';
import type { Store } from '../../adapters/store/store.ts';
import { allocSeries, type BarSeries } from '../../core/bar.ts';
import { SimulatedClock, MS_PER_DAY } from '../../core/time.ts';
import type { BarRequest, DataProvider } from '../../data/provider.ts';
import { QUICK_ENSEMBLE, f1Threshold, type EnsembleConfig } from './ensembleModel.ts';
import { MockUniverseProvider } from './mockUniverse.ts';
import { analyzeStock, processCandidates, ScanPipeline, type ScanSignal } from './pipeline.ts';
import { scanRoutes } from './routes.ts';
import { recordOutcomes } from './outcomes.ts';
import { runScanner } from './runScanner.ts';
import { loadScanPipeline, scanModelDir } from './service.ts';
import { backtestScanSignals } from './signalBacktest.ts';
import { QUICK_PREDICTOR } from './timeframePredictor.ts';
import { loadScanModels, saveScanModels, trainScanModels, type TrainedScan } from './train.ts';
import type { Universe } from './universe.ts';

// A small universe and tiny models: the point is the wiring and the guarantees, not the fit.
const ASOF = Date.UTC(2024, 5, 14, 23);
const provider = new MockUniverseProvider({ size: 12, asOf: ASOF, days: 440, intradayDays: 70 });
const universe: Universe = { name: 'mock:12', symbols: [...provider.symbols], provider, benchmarks: ['SPY', 'QQQ'] };
const TINY: EnsembleConfig = { ...QUICK_ENSEMBLE, forest: { ...QUICK_ENSEMBLE.forest, trees: 5 }, gbdt: { ...QUICK_ENSEMBLE.gbdt, rounds: 8 }, mlp: { ...QUICK_ENSEMBLE.mlp, epochs: 2 } };
const TRAIN_END = ASOF - 30 * MS_PER_DAY;

let trained: TrainedScan;
let store: Store;

beforeAll(async () => {
  trained = await trainScanModels({
    universe,
    asOf: TRAIN_END,
    ensemble: TINY,
    predictor: { ...QUICK_PREDICTOR, epochs: 1, maxWindows: 40, hidden: 4 },
    predictorSymbols: 2,
    predictorDays: 40,
    timeframes: ['5m', '1d'],
  });
  store = await openSqliteStore(':memory:');
}, 120_000);

afterAll(async () => {
  await store?.close();
});

function pipeline(p: DataProvider = provider, clock = new SimulatedClock(ASOF)): ScanPipeline {
  return new ScanPipeline({ provider: p, benchmarks: ['SPY', 'QQQ'], models: trained.models, store, clock });
}

describe('scan training', () => {
  it('reports held-out metrics honestly and saves one artifact per model', () => {
    const r = trained.report;
    // 440 days, 252 of warm-up, a trade every 5th bar held 20: ~19 rows per symbol before the held-out part.
    expect(r.train_rows).toBeGreaterThan(150);
    expect(r.test.rows).toBeGreaterThan(20);
    expect(r.test.target_accuracy).toBe(0.65);
    expect(r.test.meets_target).toBe(r.test.accuracy >= 0.65);
    // Held-out rows come strictly after every training trade closed.
    expect(Date.parse(r.test.from)).toBeGreaterThan(0);
    expect(Object.keys(trained.predictors).sort()).toEqual(['1d', '5m']);
    const dir = mkdtempSync(join(tmpdir(), 'scan-models-'));
    const files = saveScanModels(dir, trained);
    expect(files.map((f) => f.slice(dir.length + 1)).sort()).toEqual(['ensemble.json', 'predictor_1d.json', 'predictor_5m.json', 'report.json']);
    const back = loadScanModels(dir)!;
    const x = trained.test.data;
    expect(Array.from(back.models.ensemble.predictProba(x, trained.test.rows))).toEqual(Array.from(trained.models.ensemble.predictProba(x, trained.test.rows)));
  });

  it('picks the F1-optimal threshold', () => {
    const y = [1, 1, 0, 1, 0, 0];
    const p = [0.9, 0.8, 0.7, 0.6, 0.2, 0.1];
    // Cut at 0.6: tp 3, fp 1, fn 0 -> F1 = 6/7, the best of every cut.
    expect(f1Threshold(y, p)).toEqual({ threshold: 0.6, f1: 6 / 7 });
  });
});

describe('scan pipeline', () => {
  it('turns scanner candidates into signals with every field, isolating a bad symbol', async () => {
    const pl = pipeline();
    pl.rules = { minConfidence: 0, maxRisk: 10 };
    const sc = await runScanner(universe, { asOf: ASOF, top: 6 });
    const doc = await processCandidates(pl, [...sc.results, { symbol: 'NOPE' }], { all: true });
    expect(doc.total_analyzed).toBe(6);
    expect(doc.failed).toEqual([{ symbol: 'NOPE', error: expect.stringMatching(/unknown symbol NOPE/) }]);
    expect(doc.signals).toHaveLength(6);
    for (const s of doc.signals) {
      expect(['BUY', 'SELL']).toContain(s.decision);
      expect(s.risk_score).toBeGreaterThanOrEqual(1);
      expect(s.risk_score).toBeLessThanOrEqual(10);
      expect(Object.keys(s.predictions)).toEqual(['1m', '5m', '30m', '1h', '6h', '1d']);
      expect(s.predictions['5m']!.predicted_price).toBeGreaterThan(0);
      expect(s.predictions['1m']).toBeNull();
      expect(Object.keys(s.risk_metrics.correlation)).toEqual(['SPY', 'QQQ']);
      expect(s.time_horizon).toMatch(/^20d(, (5m|1d) forecast agrees)?$/);
    }
    expect(doc.buy_count).toBe(doc.signals.filter((s) => s.decision === 'BUY').length);
    for (const k of ['data', 'features', 'predictors', 'risk', 'ensemble', 'store', 'total'] as const) expect(doc.timings[k]).toBeGreaterThanOrEqual(0);
    const ev = await store.events({ type: 'scan.prediction', correlationId: doc.scan_id });
    expect(ev.map((e) => e.subject).sort()).toEqual(doc.signals.map((s) => s.symbol).sort());
    expect((ev[0]!.payload as ScanSignal).prediction_id).toBe(ev[0]!.id);
  });

  it('applies the settable HOLD rules and caches predictions for five minutes', async () => {
    const clock = new SimulatedClock(ASOF);
    const pl = pipeline(provider, clock);
    pl.rules = { minConfidence: 1.01, maxRisk: 10 };
    const a = await analyzeStock(pl, { symbol: 'AAPL' });
    expect(a.decision).toBe('HOLD');
    expect(a.reason).toMatch(/confidence .* < 1.01/);
    expect(await analyzeStock(pl, { symbol: 'AAPL' })).toBe(a);
    clock.advance(5 * 60_000);
    const b = await analyzeStock(pl, { symbol: 'AAPL' });
    expect(b).not.toBe(a);
    expect(b.probability).toBe(a.probability);
    expect(pl.cache.hits).toBe(1);
  });

  it('returns the ranked list, BUYs first, when no candidate passes the rules; only BUYs when asked', async () => {
    const pl = pipeline();
    pl.rules = { minConfidence: 1.01, maxRisk: 10 };
    const sc = await runScanner(universe, { asOf: ASOF, top: 8 });
    const doc = await processCandidates(pl, sc.results, { top: 5 });
    expect(doc.buy_count).toBe(0);
    expect(doc.signals).toHaveLength(5);
    const p = doc.signals.map((s) => s.probability);
    expect(p).toEqual([...p].sort((a, b) => b - a));
    const all = await processCandidates(pl, sc.results, { all: true });
    expect(all.signals.slice(0, 5).map((s) => s.symbol)).toEqual(doc.signals.map((s) => s.symbol));
    expect(Math.min(...p)).toBeGreaterThanOrEqual(Math.max(...all.signals.slice(5).map((s) => s.probability)));
    expect((await processCandidates(pl, sc.results, { buyOnly: true })).signals).toEqual([]);
    // The same predictions served again from the cache are stored once, and each scan lists the ones it used.
    const stored = await store.events({ type: 'scan.prediction' });
    expect(new Set(stored.map((e) => e.id)).size).toBe(stored.length);
    const done = await store.events({ type: 'scan.completed', correlationId: all.scan_id });
    expect((done[0]!.payload as { predictions: string[] }).predictions.sort()).toEqual(all.signals.map((s) => s.prediction_id).sort());
    // With the rules relaxed, every BUY comes before any other decision.
    pl.rules = { minConfidence: 0, maxRisk: 10 };
    const mixed = await processCandidates(pl, sc.results, { all: true });
    const firstOther = mixed.signals.findIndex((s) => s.decision !== 'BUY');
    expect(firstOther === -1 ? mixed.buy_count : firstOther).toBe(mixed.buy_count);
  });

  it('no stage reads data after the signal time: truncating or scrambling the future changes nothing', async () => {
    const signalDay = Date.UTC(2024, 4, 15);
    const cand = { symbol: 'MSFT', time: signalDay };
    const strip = (s: ScanSignal) => ({ ...s, prediction_id: '' });
    const base = strip(await analyzeStock(pipeline(), cand));
    const cut = signalDay + MS_PER_DAY - 1;
    const truncated: DataProvider = { name: 'truncated', getBars: async (r: BarRequest) => provider.getBars({ ...r, end: Math.min(r.end ?? cut, cut) }) };
    const scrambled: DataProvider = {
      name: 'scrambled',
      getBars: async (r: BarRequest) => scrambleAfter(await provider.getBars(r), cut),
    };
    expect(strip(await analyzeStock(pipeline(truncated), cand))).toEqual(base);
    expect(strip(await analyzeStock(pipeline(scrambled), cand))).toEqual(base);
    // The scrambling is real: a signal after the cut does change.
    const later = { symbol: 'MSFT', time: Date.UTC(2024, 5, 12) };
    expect(strip(await analyzeStock(pipeline(scrambled), later)).probability).not.toBe(strip(await analyzeStock(pipeline(), later)).probability);
  });

  it('stores every prediction and later records what happened', async () => {
    const pl = pipeline();
    pl.rules = { minConfidence: 0, maxRisk: 10 };
    const doc = await processCandidates(pl, [{ symbol: 'NVDA', time: Date.UTC(2024, 4, 15) }, { symbol: 'AMZN', time: Date.UTC(2024, 5, 13) }], { all: true });
    const r = await recordOutcomes(store, provider, ASOF, 5);
    const mine = r.recorded.filter((o) => doc.signals.some((s) => s.prediction_id === o.prediction_id));
    // The June 13 signal's five bars have not happened yet: it stays pending.
    expect(mine.map((o) => o.symbol)).toEqual(['NVDA']);
    const bars = await provider.getBars({ symbol: 'NVDA', timeframe: '1d', end: ASOF });
    const i = Array.from(bars.time).indexOf(Date.UTC(2024, 4, 15));
    expect(mine[0]!.realized_return).toBeCloseTo(bars.close[i + 5]! / bars.close[i]! - 1, 12);
    expect(mine[0]!.hit).toBe(doc.signals[0]!.decision === 'BUY' ? mine[0]!.realized_return > 0 : mine[0]!.realized_return < 0);
    expect(r.pending).toBeGreaterThanOrEqual(1);
    const again = await recordOutcomes(store, provider, ASOF, 5);
    expect(again.recorded.filter((o) => o.symbol === 'NVDA')).toEqual([]);
  });

  it('backtests the signals over held-out dates next to buy-and-hold', async () => {
    const r = await backtestScanSignals(universe, trained.models.ensemble, { from: trained.test.t0[0]!, to: ASOF, rules: { minConfidence: 0.5, maxRisk: 10 } });
    expect(r.symbols).toBe(10);
    expect(r.bars).toBeGreaterThan(40);
    expect(r.buy_hold.trades).toBe(10);
    expect(r.buy_hold.win_rate).toBeGreaterThanOrEqual(0);
    const never = await backtestScanSignals(universe, trained.models.ensemble, { from: trained.test.t0[0]!, to: ASOF, rules: { minConfidence: 1.01, maxRisk: 10 } });
    expect(never.buy_signals).toBe(0);
    expect(never.scan.total_return).toBe(0);
    expect(never.buy_hold.total_return).toBeCloseTo(r.buy_hold.total_return, 12);
  });
});

describe('scan routes', () => {
  it('POST /api/ml/scan and /api/ml/predict with zod-validated bodies', async () => {
    const pl = pipeline();
    pl.rules = { minConfidence: 0, maxRisk: 10 };
    const app = Fastify();
    await app.register(scanRoutes, { pipeline: async () => pl });
    const ok = await app.inject({ method: 'POST', url: '/api/ml/scan', payload: { results: [{ symbol: 'AAPL', score: 71, trend: 'uptrend' }, { symbol: 'NVDA' }], top: 1 } });
    expect(ok.statusCode).toBe(200);
    const doc = ok.json();
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(['signals', 'total_analyzed', 'buy_count', 'timestamp', 'timings']));
    expect(doc.total_analyzed).toBe(2);
    expect(doc.signals.length).toBeLessThanOrEqual(1);
    const one = await app.inject({ method: 'POST', url: '/api/ml/predict', payload: { symbol: 'AAPL', momentum_data: { score: 71, trend: 'uptrend', time: '2024-06-13' } } });
    expect(one.statusCode).toBe(200);
    const s = one.json();
    for (const k of ['symbol', 'decision', 'confidence', 'expected_return', 'risk_score', 'time_horizon', 'predictions', 'risk_metrics']) expect(s).toHaveProperty(k);
    expect(s.signal_time).toBe('2024-06-13T23:59:59.999Z');
    expect(s.momentum.score).toBe(71);
    const bad = await app.inject({ method: 'POST', url: '/api/ml/scan', payload: { results: [] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('results');
    const badSym = await app.inject({ method: 'POST', url: '/api/ml/predict', payload: { symbol: 'no such!' } });
    expect(badSym.statusCode).toBe(400);
    const unknown = await app.inject({ method: 'POST', url: '/api/ml/predict', payload: { symbol: 'ZZZZ' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toMatch(/unknown symbol ZZZZ/);
    await app.close();
  });
});

describe('tradepilot scan (CLI)', () => {
  it('prints the scanner JSON, and the scan document with every field from saved models', async () => {
    const sc = await runCli(['scan', '--scanner-only', '--json', '--candidates', '30']);
    expect(sc.code).toBe(0);
    const rep = sc.json() as { scanned: number; results: { symbol: string; score: number }[] };
    expect(rep.scanned).toBe(30);
    expect(rep.results).toHaveLength(30);
    const dir = mkdtempSync(join(tmpdir(), 'scan-cli-'));
    saveScanModels(join(dir, 'models'), trained);
    const db = join(dir, 'scan.db');
    const r = await runCli(['scan', '--universe', 'mock:40', '--models', join(dir, 'models'), '--as-of', '2024-06-14', '--candidates', '8', '--min-confidence', '0', '--max-risk', '10', '--all', '--json', '--db', db]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = r.json() as { signals: ScanSignal[]; total_analyzed: number; buy_count: number; timestamp: string; timings: Record<string, number>; trained_now: boolean; model_sizes: string };
    expect(doc.total_analyzed).toBe(8);
    expect(doc.trained_now).toBe(false);
    // The tiny test sizes are neither `scan train`'s nor --quick's: the document says so.
    expect(doc.model_sizes).toBe('custom');
    expect(doc.timings.scanner).toBeGreaterThan(0);
    for (const s of doc.signals) for (const k of ['symbol', 'decision', 'confidence', 'expected_return', 'risk_score', 'time_horizon', 'predictions', 'risk_metrics']) expect(s).toHaveProperty(k);
    const st = await openSqliteStore(db);
    expect(await st.events({ type: 'scan.prediction' })).toHaveLength(8);
    await st.close();
    const bad = await runCli(['scan', '--universe', join(dir, 'nope'), '--json']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/not a readable directory/);
    expect((await runCli(['scan', '--min-confidence', '2', '--json'])).code).toBe(2);
    // What the server wires: a pipeline from the saved models, or a NotFoundError naming the command to run.
    saveScanModels(scanModelDir(join(dir, 'root'), 'mock:40'), trained);
    const pl = await loadScanPipeline({ universe: 'mock:40', modelRoot: join(dir, 'root'), clock: new SimulatedClock(ASOF) });
    expect(pl.deps.models.version).toBe(trained.models.version);
    await expect(loadScanPipeline({ universe: 'dow30', modelRoot: join(dir, 'root') })).rejects.toThrow(/run `tradepilot scan train --universe dow30`/);
  });
});

/** Bars after `cut` get random prices and volumes (valid OHLC), bars before stay as they are. */
function scrambleAfter(s: BarSeries, cut: number): BarSeries {
  const out = allocSeries(s.symbol, s.timeframe, s.close.length, s.fields);
  let seed = 12345;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  for (let i = 0; i < s.close.length; i++) {
    out.time[i] = s.time[i]!;
    const f = s.time[i]! > cut ? 0.5 + rnd() : 1;
    out.open[i] = s.open[i]! * f;
    out.close[i] = s.close[i]! * f;
    out.high[i] = Math.max(out.open[i]!, out.close[i]!, s.high[i]! * f);
    out.low[i] = Math.min(out.open[i]!, out.close[i]!, s.low[i]! * f);
    out.volume[i] = s.time[i]! > cut ? Math.round(s.volume[i]! * (0.2 + 3 * rnd())) : s.volume[i]!;
  }
  return out;
}
