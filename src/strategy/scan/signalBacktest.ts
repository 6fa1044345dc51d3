/**
 * The scan's signals backtested over held-out dates next to buy-and-hold.
 * For each symbol, every day in [from, to] is scored with the trained ensemble
 * (features at t see bars <= t), the risk score is refitted every 63 bars on
 * data up to that bar, and the decision rule gives BUY or not. A BUY opens a
 * long (next open, or next close on close-only data) held for the label
 * horizon (a new BUY extends it). Each symbol is a sleeve of equal capital;
 * the portfolio is the sum of sleeves, and buy-and-hold holds every sleeve
 * over the same bars, with the same costs. Next to the rule, `ranked` acts on
 * the ranked list instead (rankedPortfolio.ts: the top k by P(profitable)
 * every horizon, fully invested), which is what `scan --json` returns when
 * no candidate reaches the BUY confidence. When the ensemble has a
 * cross-section, the symbols are its members (ranked against each other on
 * each date, as in training).
 */
import { runBacktest } from '../../backtest/engine.ts';
import { drawdown, equityReturns, mean, stdev } from '../../backtest/metrics.ts';
import type { EngineOptions } from '../../backtest/types.ts';
import { sliceSeries, type BarSeries } from '../../core/bar.ts';
import { BadInputError } from '../../core/errors.ts';
import { MS_PER_DAY } from '../../core/time.ts';
import { lowerBound } from '../../data/range.ts';
import { crossSectionPanel } from './crossSection.ts';
import { decide, DEFAULT_RULES, type DecisionRules } from './decision.ts';
import { rankedPortfolio, summarise } from './rankedPortfolio.ts';
import type { EnsembleDecider } from './models.ts';
import { riskStage } from './riskStage.ts';
import { scanBatch } from './scanner.ts';
import { dailyFeatureMatrix, featureRow } from './symbolFeatures.ts';
import { DEFAULT_LABELS, xsRow, type LabelOptions } from './tradeLabels.ts';
import type { Universe } from './universe.ts';

/** Summary of one side (the scan or buy-and-hold). */
export interface BacktestSide {
  total_return: number;
  sharpe: number;
  max_drawdown: number;
  win_rate: number;
  trades: number;
  exposure: number;
}

/** The report: both sides over the same bars, and the requirement's targets. */
export interface SignalBacktestReport {
  from: string;
  to: string;
  symbols: number;
  bars: number;
  buy_signals: number;
  /** The decision rule: BUY at calibrated confidence >= minConfidence and risk <= maxRisk, held `horizon` bars in equal-capital sleeves. */
  scan: BacktestSide;
  /** The ranked list acted on: the top `k` by P(profitable) every `horizon` bars, equal weight, fully invested. */
  ranked: BacktestSide & { k: number; horizon: number; rebalances: number };
  buy_hold: BacktestSide;
  targets: { win_rate: 0.6; sharpe: 1.2; max_drawdown: -0.2 };
  meets: { win_rate: boolean; sharpe: boolean; max_drawdown: boolean };
  ranked_meets: { win_rate: boolean; sharpe: boolean; max_drawdown: boolean };
  failed: { symbol: string; error: string }[];
}

/** Options. */
export interface SignalBacktestOptions {
  from: number;
  to: number;
  rules?: DecisionRules;
  labels?: LabelOptions;
  /** Bars between risk refits (default 63). */
  riskEvery?: number;
  initCash?: number;
  /** Names the ranked portfolio holds (default 5). */
  rankedTop?: number;
}

function side(equity: Float64Array, initCash: number, trades: { pnl: number; exitBar: number }[], exposure: number): BacktestSide {
  const r = equityReturns(equity, initCash);
  const sd = stdev(r);
  // Trades still open at the end count at their marked P&L (buy-and-hold has only those).
  const closed = trades;
  return {
    total_return: equity[equity.length - 1]! / initCash - 1,
    sharpe: sd === 0 ? 0 : (mean(r) / sd) * Math.sqrt(252),
    max_drawdown: drawdown(equity).max,
    win_rate: closed.length === 0 ? 0 : closed.filter((t) => t.pnl > 0).length / closed.length,
    trades: closed.length,
    exposure,
  };
}

/** Run the held-out backtest of the scan's signals. */
export async function backtestScanSignals(u: Universe, ensemble: EnsembleDecider, o: SignalBacktestOptions): Promise<SignalBacktestReport> {
  const rules = o.rules ?? DEFAULT_RULES;
  const labels = o.labels ?? DEFAULT_LABELS;
  const every = o.riskEvery ?? 63;
  const cash = o.initCash ?? 10_000;
  const bench: Record<string, BarSeries> = {};
  for (const b of u.benchmarks) bench[b] = await u.provider.getBars({ symbol: b, timeframe: '1d', end: o.to });
  const benchSet = new Set(u.benchmarks);
  const sleeves: { scan: Float64Array; hold: Float64Array; trades: { pnl: number; exitBar: number }[]; holdTrades: { pnl: number; exitBar: number }[]; inMarket: number; time: Float64Array; close: Float64Array; p: Float64Array }[] = [];
  const failed: SignalBacktestReport['failed'] = [];
  let buys = 0;
  const spec = ensemble.crossSection;
  const symbols = spec ? [...spec.members] : u.symbols.filter((s) => !benchSet.has(s));
  const all = new Map<string, BarSeries>();
  for (const symbol of symbols) {
    try {
      all.set(symbol, await u.provider.getBars({ symbol, timeframe: '1d', end: o.to }));
    } catch (err) {
      failed.push({ symbol, error: err instanceof Error ? err.message : String(err) });
    }
  }
  // Ranks at bar t use every member's bars <= t only (the panel never looks ahead).
  const panel = spec ? crossSectionPanel([...all.values()], spec.market === null ? null : (bench[spec.market] ?? (await u.provider.getBars({ symbol: spec.market, timeframe: '1d', end: o.to })))) : null;
  for (const [symbol, s] of all) {
    try {
      const a = lowerBound(s.time, o.from - MS_PER_DAY + 1);
      const n = s.close.length;
      if (n - a < 20 || a < 252) throw new BadInputError(`${n - a} held-out bars after ${a} bars of history`);
      const fm = dailyFeatureMatrix(s);
      const { score, trend } = scanBatch(s);
      const m = n - a;
      const X = new Float64Array(m * ensemble.columns.length);
      const row = new Float64Array(ensemble.columns.length);
      const xs = panel?.get(symbol);
      for (let i = 0; i < m; i++) {
        featureRow(fm, a + i, ensemble.columns, { score: score[a + i]!, trend: trend[a + i]!, xs: xs ? xsRow(xs, n, a + i) : undefined }, row);
        for (let j = 0; j < row.length; j++) X[j * m + i] = row[j]!;
      }
      const p = ensemble.predictProba(X, m);
      const entries = new Uint8Array(m);
      const exits = new Uint8Array(m);
      let risk = 10;
      let left = 0;
      for (let i = 0; i < m; i++) {
        if (i % every === 0) {
          // Risk from bars up to this one only (the benchmarks cut at the same time).
          const cutT = s.time[a + i]!;
          const cut: Record<string, BarSeries> = {};
          for (const [k, v] of Object.entries(bench)) cut[k] = sliceSeries(v, 0, lowerBound(v.time, cutT + 1));
          risk = riskStage(sliceSeries(s, 0, a + i + 1), cut).risk_score;
        }
        const d = decide(p[i]!, ensemble.threshold, risk, rules);
        if (d.decision === 'BUY') {
          buys++;
          if (left === 0) entries[i] = 1;
          left = labels.horizon;
        } else if (left > 0) {
          left--;
          if (left === 0) exits[i] = 1;
        }
      }
      const win = sliceSeries(s, a);
      let engine: EngineOptions = { initCash: cash, direction: 'long', fill: 'next-open', costs: labels.costs, sizing: { kind: 'equity' }, stops: {} };
      let sig: { entries: Uint8Array; exits: Uint8Array } = { entries, exits };
      const holdE = new Uint8Array(m);
      holdE[0] = 1;
      let hold: { entries: Uint8Array; exits: Uint8Array } = { entries: holdE, exits: new Uint8Array(m) };
      if (!s.fields.open) {
        // Close-only data: decided at close t, filled at close t+1.
        const shift = (f: Uint8Array): Uint8Array => {
          const g = new Uint8Array(f.length);
          g.set(f.subarray(0, f.length - 1), 1);
          return g;
        };
        sig = { entries: shift(entries), exits: shift(exits) };
        hold = { entries: shift(holdE), exits: hold.exits };
        engine = { ...engine, fill: 'close' };
      }
      const rs = runBacktest(win, sig, engine);
      const rh = runBacktest(win, hold, engine);
      let inMarket = 0;
      for (let t = 0; t < m; t++) if (rs.exposure[t]! !== 0) inMarket++;
      sleeves.push({ scan: rs.equity, hold: rh.equity, trades: rs.trades, holdTrades: rh.trades, inMarket: inMarket / m, time: win.time, close: win.close, p });
    } catch (err) {
      failed.push({ symbol, error: err instanceof Error ? err.message : String(err) });
    }
  }
  if (sleeves.length === 0) throw new BadInputError(`signal backtest: no symbol has held-out bars (${failed[0]?.error ?? 'empty universe'})`);
  // Sleeves share one calendar only when the symbols trade the same days: use the shortest common tail.
  const len = Math.min(...sleeves.map((x) => x.scan.length));
  const sum = (k: 'scan' | 'hold'): Float64Array => {
    const out = new Float64Array(len);
    for (const x of sleeves) {
      const off = x[k].length - len;
      for (let t = 0; t < len; t++) out[t] += x[k][off + t]!;
    }
    return out;
  };
  const total = cash * sleeves.length;
  const scan = side(sum('scan'), total, sleeves.flatMap((x) => x.trades), mean(sleeves.map((x) => x.inMarket)));
  const hold = side(sum('hold'), total, sleeves.flatMap((x) => x.holdTrades), 1);
  const t = sleeves[0]!.time;
  // The ranked portfolio on the first sleeve's calendar (a symbol without a bar that day is NaN there).
  const cal = t.subarray(t.length - len);
  const at = (x: { time: Float64Array }, v: Float64Array): Float64Array => {
    const out = new Float64Array(len).fill(NaN);
    const idx = new Map(Array.from(x.time, (d, i) => [d, i]));
    cal.forEach((d, q) => {
      const i = idx.get(d);
      if (i !== undefined) out[q] = v[i]!;
    });
    return out;
  };
  const k = Math.min(o.rankedTop ?? 5, sleeves.length);
  const rp = rankedPortfolio({ closes: sleeves.map((x) => at(x, x.close)), p: sleeves.map((x) => at(x, x.p)), bars: len }, k, labels.horizon, labels.costs, total);
  const ranked = { ...summarise(rp.equity, total, rp.trades), exposure: rp.exposure, k, horizon: labels.horizon, rebalances: rp.rebalances };
  return {
    from: new Date(t[t.length - len]!).toISOString().slice(0, 10),
    to: new Date(t[t.length - 1]!).toISOString().slice(0, 10),
    symbols: sleeves.length,
    bars: len,
    buy_signals: buys,
    scan,
    ranked,
    buy_hold: hold,
    targets: { win_rate: 0.6, sharpe: 1.2, max_drawdown: -0.2 },
    meets: { win_rate: scan.win_rate > 0.6, sharpe: scan.sharpe > 1.2, max_drawdown: scan.max_drawdown > -0.2 },
    ranked_meets: { win_rate: ranked.win_rate > 0.6, sharpe: ranked.sharpe > 1.2, max_drawdown: ranked.max_drawdown > -0.2 },
    failed,
  };
}
