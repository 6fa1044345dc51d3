/**
 * A training set for one sweep configuration: the model's features on every
 * bar of its evaluation window whose trade closes inside the data, the trade
 * labels, and each row's label span for purging. Built once per configuration.
 */
import type { BarSeries } from '../../core/bar.ts';
import { BadInputError } from '../../core/errors.ts';
import { takeRows, type Matrix } from '../../ml/data.ts';
import type { ModelSpec } from '../../strategy/models/modelSpec.ts';
import type { EvalContext } from '../../strategy/packs/evaluate.ts';
import type { StrategyParams } from '../../strategy/packs/schema.ts';
import { trainingFeatures, type FeatureBlock } from './features.ts';
import { tradeLabels } from './tradeLabels.ts';

/** Rows in time order. */
export interface TrainingSet {
  columns: string[];
  X: Matrix;
  y: Float64Array;
  /** Net trade return of each row. */
  ret: Float64Array;
  /** Bar index of each row (its signal bar) and of its trade's exit. */
  t0: Int32Array;
  t1: Int32Array;
  /** Signal bar time (ms). */
  time: Float64Array;
}

/** Build the set for `params` over the context's window; `features` caches the matrices by score window (configurations share them). */
export function trainingSet(spec: ModelSpec, ctx: EvalContext, params: StrategyParams, features: Map<number, FeatureBlock> = new Map()): TrainingSet {
  const bars: BarSeries = ctx.bars;
  const n = bars.close.length;
  let f = features.get(params.rank_window);
  if (!f) features.set(params.rank_window, (f = trainingFeatures(spec, bars, params.rank_window)));
  const lab = tradeLabels(bars, ctx.cal, ctx.from, n, params, ctx.inst, ctx.pol);
  const idx: number[] = [];
  for (let t = ctx.from; t < n; t++) if (lab.y[t] === lab.y[t]) idx.push(t);
  if (idx.length < 60) throw new BadInputError(`${spec.name}: only ${idx.length} labelled bars in the window; training needs at least 60`);
  const rows = Int32Array.from(idx);
  const y = new Float64Array(rows.length);
  const ret = new Float64Array(rows.length);
  const t1 = new Int32Array(rows.length);
  const time = new Float64Array(rows.length);
  rows.forEach((t, i) => {
    y[i] = lab.y[t]!;
    ret[i] = lab.ret[t]!;
    t1[i] = lab.t1[t]!;
    time[i] = bars.time[t]!;
  });
  return { columns: f.columns, X: takeRows(f, rows), y, ret, t0: rows, t1, time };
}
