/**
 * One unit of sweep work, the same on every queue (inline, worker threads,
 * BullMQ): a model, a bar range and some combinations; the result carries each
 * combination's metrics and its per-block return sums (for PBO). Plain JSON in and out.
 */
import { equityReturns } from '../../backtest/metrics.ts';
import { evaluateConfig, loadEvalContext, type EvalContext } from '../../strategy/packs/evaluate.ts';
import type { ModelSpec } from '../../strategy/models/modelSpec.ts';
import type { StrategyParams } from '../../strategy/packs/schema.ts';
import { blockStats } from '../../ml/validate/pbo.ts';

/** A chunk of combinations to evaluate. */
export interface SweepTask {
  sweepId: string;
  spec: ModelSpec;
  fold: number;
  /** Window bars [a, b) relative to the evaluation window; null = all of it. */
  range: [number, number] | null;
  combos: { idx: number; params: StrategyParams }[];
  /** PBO blocks. */
  blocks: number;
  /** Also return each combination's per-bar returns (walk-forward out-of-sample). */
  withReturns?: boolean;
}

/** Metrics a sweep row keeps. */
export interface RowMetrics {
  sharpe: number;
  total_return: number;
  trades: number;
  max_drawdown: number;
  win_rate: number;
  profit_factor: number;
  skew: number;
  kurtosis: number;
  bars: number;
  periods_per_year: number;
}

/** One evaluated combination. */
export interface SweepRow {
  idx: number;
  params: StrategyParams;
  metrics: RowMetrics;
  blocks: number[];
  returns?: number[];
}

/** Result of a task. */
export interface SweepTaskResult {
  sweepId: string;
  fold: number;
  rows: SweepRow[];
  /** Bars in the task's window. */
  windowBars: number;
}

// Workers evaluate many chunks of the same model: keep the last few contexts.
const contexts = new Map<string, Promise<EvalContext>>();

/** The model's evaluation context, cached per worker (the last four specs); training units share it. */
export function contextFor(spec: ModelSpec): Promise<EvalContext> {
  const key = JSON.stringify(spec);
  let c = contexts.get(key);
  if (!c) {
    if (contexts.size >= 4) contexts.delete(contexts.keys().next().value!);
    c = loadEvalContext(spec);
    contexts.set(key, c);
    c.catch(() => contexts.delete(key));
  }
  return c;
}

/** Evaluate a task; `shouldStop` is polled between combinations (cancellation). */
export async function runSweepTask(task: SweepTask, shouldStop: () => boolean = () => false): Promise<SweepTaskResult> {
  const ctx = await contextFor(task.spec);
  const total = ctx.bars.close.length - ctx.from;
  const [a, b] = task.range ?? [0, total];
  const rows: SweepRow[] = [];
  for (const c of task.combos) {
    if (shouldStop()) break;
    const { result, metrics: m } = evaluateConfig(ctx, c.params, a, b);
    const r = equityReturns(result.equity, result.initCash);
    rows.push({
      idx: c.idx,
      params: c.params,
      metrics: {
        sharpe: m.sharpe,
        total_return: m.total_return,
        trades: m.trades,
        max_drawdown: m.max_drawdown,
        win_rate: m.win_rate,
        profit_factor: m.profit_factor,
        skew: m.skew,
        kurtosis: m.kurtosis,
        bars: m.bars,
        periods_per_year: m.periods_per_year,
      },
      blocks: blockStats(r, task.blocks),
      returns: task.withReturns ? Array.from(r) : undefined,
    });
  }
  return { sweepId: task.sweepId, fold: task.fold, rows, windowBars: b - a };
}
