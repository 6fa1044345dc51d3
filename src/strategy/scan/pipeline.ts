/**
 * Stage 7: the scan pipeline. `analyzeStock` runs one symbol through data,
 * features, timeframe predictors, risk and the ensemble decision, timing each
 * stage; `processCandidates` runs the scanner's candidates with per-symbol
 * error isolation (a failing symbol is listed, never fails the scan), stores
 * every prediction as an event, and returns the API/CLI document.
 */
import type { Store } from '../../adapters/store/store.ts';
import type { BarSeries } from '../../core/bar.ts';
import { uuidv7 } from '../../core/ids.ts';
import type { Action } from '../../core/signal.ts';
import { MS_PER_DAY, systemClock, type Clock, type Timeframe } from '../../core/time.ts';
import type { DataProvider } from '../../data/provider.ts';
import { tail } from '../../data/range.ts';
import { CrossSectionSnapshot, type CrossSectionSpec } from './crossSection.ts';
import { decide, DEFAULT_RULES, type DecisionRules } from './decision.ts';
import type { ScanModels, TimeframePrediction } from './models.ts';
import { MultiTimeframeLoader, SCAN_TIMEFRAMES } from './multiTimeframe.ts';
import { PredictionCache } from './predictionCache.ts';
import { riskStage, type RiskMetrics } from './riskStage.ts';
import { SCAN_LOOKBACK, scanSeries, type ScanRow, type TrendLabel } from './scanner.ts';
import { dailyFeatureMatrix, featureRow, trendCode } from './symbolFeatures.ts';

/** Stages timed per symbol and summed per scan (ms). */
export const STAGES = ['data', 'features', 'predictors', 'risk', 'ensemble', 'store'] as const;
export type Stage = (typeof STAGES)[number];
export type Timings = Record<Stage | 'total', number>;

/** A candidate as the API receives it: a scanner row, or at least a symbol. */
export interface Candidate {
  symbol: string;
  /** Time of the scanner's bar (epoch ms); the signal sees nothing after that bar's close. */
  time?: number;
  score?: number;
  trend?: TrendLabel;
}

/** One full signal (the API's and CLI's JSON). */
export interface ScanSignal {
  prediction_id: string;
  symbol: string;
  decision: Action;
  confidence: number;
  /** Expected net return of the trade over the horizon: p * avgWin + (1 - p) * avgLoss. */
  expected_return: number;
  risk_score: number;
  time_horizon: string;
  /** Calibrated P(profitable) and the BUY threshold it was compared with. */
  probability: number;
  threshold: number;
  reason: string;
  signal_time: string;
  price: number;
  momentum: { score: number; trend: TrendLabel; rsi: number; change_pct: number; rvol: number | null };
  predictions: Partial<Record<Timeframe, TimeframePrediction | null>>;
  risk_metrics: RiskMetrics;
  missing_timeframes: Timeframe[];
  model_version: string;
}

/** The scan document: the same for `POST /api/ml/scan` and `tradepilot scan --json`. */
export interface ScanDocument {
  scan_id: string;
  /** The top `top` analysed candidates by rankSignals (BUYs first; `buy_count` of them are BUY), or only BUYs with `buyOnly`, or all with `all`. */
  signals: ScanSignal[];
  total_analyzed: number;
  buy_count: number;
  timestamp: string;
  timings: Timings;
  failed: { symbol: string; error: string }[];
  rules: DecisionRules;
  model_version: string;
}

/** What the pipeline runs with. */
export interface ScanDeps {
  provider: DataProvider;
  benchmarks: readonly string[];
  models: ScanModels;
  store?: Store;
  clock?: Clock;
  rules?: DecisionRules;
  loader?: MultiTimeframeLoader;
  cache?: PredictionCache<ScanSignal>;
}

/** The pipeline with its loader and 5-minute prediction cache. */
export class ScanPipeline {
  readonly loader: MultiTimeframeLoader;
  readonly cache: PredictionCache<ScanSignal>;
  readonly clock: Clock;
  rules: DecisionRules;
  /** Signals already appended to the store (a cached signal served again is the same prediction: stored once). */
  readonly stored = new WeakSet<ScanSignal>();
  private readonly snapshots: PredictionCache<Promise<CrossSectionSnapshot>>;

  constructor(readonly deps: ScanDeps) {
    this.clock = deps.clock ?? systemClock;
    this.loader = deps.loader ?? new MultiTimeframeLoader(deps.provider, { clock: this.clock });
    this.cache = deps.cache ?? new PredictionCache<ScanSignal>(5 * 60_000, this.clock);
    this.rules = deps.rules ?? { ...DEFAULT_RULES };
    this.snapshots = new PredictionCache<Promise<CrossSectionSnapshot>>(5 * 60_000, this.clock, 32);
  }

  /** The cross-section at a signal time: every member's daily bars up to it (a member that fails to load is left out). */
  crossSection(spec: CrossSectionSpec, asOf: number): Promise<CrossSectionSnapshot> {
    const key = String(asOf);
    let snap = this.snapshots.get(key);
    if (!snap) {
      snap = (async () => {
        const [members, market] = await Promise.all([
          Promise.allSettled(spec.members.map((m) => this.loader.bars(m, '1d', asOf))),
          spec.market === null ? null : this.loader.bars(spec.market, '1d', asOf).catch(() => null),
        ]);
        return new CrossSectionSnapshot(members.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])), market);
      })();
      snap.catch(() => undefined);
      this.snapshots.set(key, snap);
    }
    return snap;
  }
}

function zeroTimings(): Timings {
  return { data: 0, features: 0, predictors: 0, risk: 0, ensemble: 0, store: 0, total: 0 };
}

/** The signal time of a candidate: the close of its daily bar (dates are stamped at midnight UTC), else now. */
export function signalTime(c: Candidate, now: number): number {
  if (c.time === undefined) return now;
  return c.time % MS_PER_DAY === 0 ? c.time + MS_PER_DAY - 1 : c.time;
}

/**
 * The recommended holding period: the ensemble's label horizon (its probability and expected return are
 * about a trade of that many daily bars), naming the timeframe whose forecast agrees with the direction
 * most confidently, if any (`20d, 1d forecast agrees`).
 */
export function timeHorizon(decision: 'BUY' | 'SELL', predictions: ScanSignal['predictions'], horizonDays: number): string {
  let best: Timeframe | null = null;
  let conf = 0;
  for (const tf of SCAN_TIMEFRAMES) {
    const p = predictions[tf];
    if (!p || Math.sign(p.expected_return) !== (decision === 'BUY' ? 1 : -1)) continue;
    if (p.confidence > conf) {
      conf = p.confidence;
      best = tf;
    }
  }
  return best ? `${horizonDays}d, ${best} forecast agrees` : `${horizonDays}d`;
}

/** Analyse one symbol through every stage; timings are added into `t`. Throws on a failing stage. */
export async function analyzeStock(pl: ScanPipeline, c: Candidate, t: Timings = zeroTimings()): Promise<ScanSignal> {
  const { models } = pl.deps;
  const symbol = c.symbol.toUpperCase();
  const asOf = signalTime(c, pl.clock.now());
  const key = `${symbol}|${c.time ?? 'now'}|${models.version}|${pl.rules.minConfidence}|${pl.rules.maxRisk}`;
  const hit = pl.cache.get(key);
  if (hit) return hit;

  let t0 = performance.now();
  const spec = models.ensemble.crossSection;
  const [frames, snapshot, ...bench] = await Promise.all([pl.loader.load(symbol, asOf), spec ? pl.crossSection(spec, asOf) : null, ...pl.deps.benchmarks.map((b) => pl.loader.bars(b, '1d', asOf))]);
  const daily = frames!.frames.get('1d')!;
  const benchmarks: Record<string, BarSeries> = {};
  pl.deps.benchmarks.forEach((b, k) => (benchmarks[b] = bench[k]!));
  let t1 = performance.now();
  t.data += t1 - t0;

  const row = scanSeries(tail(daily, SCAN_LOOKBACK));
  if (!row) throw new Error(`${symbol}: ${daily.close.length} daily bars up to the signal time; the scan needs 51`);
  const score = c.score ?? row.score;
  const trend = c.trend ?? row.trend;
  const fm = dailyFeatureMatrix(daily);
  const x = featureRow(fm, fm.nRows - 1, models.ensemble.columns, { score, trend: trendCode(trend), xs: snapshot?.row(daily) });
  t0 = performance.now();
  t.features += t0 - t1;

  const predictions: ScanSignal['predictions'] = {};
  for (const tf of SCAN_TIMEFRAMES) {
    const s = frames!.frames.get(tf);
    const m = models.predictors[tf];
    predictions[tf] = s && m ? m.predict(s) : null;
  }
  t1 = performance.now();
  t.predictors += t1 - t0;

  const risk = riskStage(daily, benchmarks);
  t0 = performance.now();
  t.risk += t0 - t1;

  const e = models.ensemble;
  const p = e.predictProba(x, 1)[0]!;
  const d = decide(p, e.threshold, risk.risk_score, pl.rules);
  const signal: ScanSignal = {
    prediction_id: uuidv7(),
    symbol,
    decision: d.decision,
    confidence: d.confidence,
    expected_return: p * e.avgWin + (1 - p) * e.avgLoss,
    risk_score: risk.risk_score,
    time_horizon: timeHorizon(d.direction, predictions, e.horizonDays),
    probability: p,
    threshold: e.threshold,
    reason: d.reason,
    signal_time: new Date(asOf).toISOString(),
    price: row.price,
    momentum: { score, trend, rsi: row.rsi, change_pct: row.change_pct, rvol: row.rvol },
    predictions,
    risk_metrics: risk,
    missing_timeframes: frames!.missing.map((m) => m.timeframe),
    model_version: models.version,
  };
  t.ensemble += performance.now() - t0;
  pl.cache.set(key, signal);
  return signal;
}

/** Options of processCandidates. */
export interface ProcessOptions {
  /** Signals to return (default 10): the top of the ranking, BUYs first. */
  top?: number;
  /** Return every analysed signal (ranked). */
  all?: boolean;
  /** Return BUY signals only (up to `top`; empty when none passes the rules). */
  buyOnly?: boolean;
}

/**
 * The ranking of `signals`: every BUY first, by confidence; then the rest by calibrated
 * P(profitable), highest first (the candidates closest to a BUY), whatever their decision.
 * Ties: expected return, then symbol.
 */
export function rankSignals(a: ScanSignal, b: ScanSignal): number {
  const buy = (s: ScanSignal): number => (s.decision === 'BUY' ? 0 : 1);
  const key = (s: ScanSignal): number => (s.decision === 'BUY' ? s.confidence : s.probability);
  return buy(a) - buy(b) || key(b) - key(a) || b.expected_return - a.expected_return || (a.symbol < b.symbol ? -1 : 1);
}

/** Analyse every candidate (errors isolated per symbol), store each prediction, and build the document. */
export async function processCandidates(pl: ScanPipeline, candidates: readonly (Candidate | ScanRow)[], o: ProcessOptions = {}): Promise<ScanDocument> {
  const start = performance.now();
  const t = zeroTimings();
  const scanId = uuidv7();
  const done: ScanSignal[] = [];
  const failed: ScanDocument['failed'] = [];
  // Prefetch in the loader's batches, then analyse: the fetch stage is I/O, the rest CPU.
  const tf0 = performance.now();
  const now = pl.clock.now();
  const byTime = new Map<number, string[]>();
  for (const c of candidates) {
    const at = signalTime(c, now);
    byTime.set(at, [...(byTime.get(at) ?? []), c.symbol.toUpperCase()]);
  }
  for (const [at, symbols] of byTime) await pl.loader.loadMany(symbols, at);
  t.data += performance.now() - tf0;
  for (const c of candidates) {
    try {
      done.push(await analyzeStock(pl, c, t));
    } catch (err) {
      failed.push({ symbol: c.symbol, error: err instanceof Error ? err.message : String(err) });
    }
  }
  const ts = performance.now();
  if (pl.deps.store) {
    const fresh = done.filter((s) => !pl.stored.has(s));
    await pl.deps.store.append([
      ...fresh.map((s) => ({ type: 'scan.prediction', subject: s.symbol, correlationId: scanId, id: s.prediction_id, payload: s })),
      { type: 'scan.completed', subject: 'scan', correlationId: scanId, payload: { analyzed: done.length, predictions: done.map((s) => s.prediction_id), failed, rules: pl.rules, model_version: pl.deps.models.version } },
    ]);
    for (const s of fresh) pl.stored.add(s);
  }
  t.store += performance.now() - ts;
  const ranked = done.sort(rankSignals);
  const buys = ranked.filter((s) => s.decision === 'BUY');
  const top = o.top ?? 10;
  t.total = performance.now() - start;
  for (const k of Object.keys(t) as (keyof Timings)[]) t[k] = Math.round(t[k] * 100) / 100;
  return {
    scan_id: scanId,
    signals: o.all ? ranked : o.buyOnly ? buys.slice(0, top) : ranked.slice(0, top),
    total_analyzed: done.length,
    buy_count: buys.length,
    timestamp: new Date(pl.clock.now()).toISOString(),
    timings: t,
    failed,
    rules: { ...pl.rules },
    model_version: pl.deps.models.version,
  };
}
