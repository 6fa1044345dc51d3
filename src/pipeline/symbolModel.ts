/**
 * Stages 3-5 for one symbol, as one pure function of its bars: features ->
 * purged walk-forward models -> out-of-sample backtest. Runs in the main
 * thread or in a worker (symbolWorker.ts); everything in and out is plain
 * data that survives structured cloning.
 */
import type { BarSeries } from '../core/bar.ts';
import type { FeatureMatrix } from '../features/featureSet.ts';
import type { ModelSpec } from '../strategy/models/modelSpec.ts';
import { oosBacktest, type OosBacktest, type OosBacktestOptions } from './oosBacktest.ts';
import { firstCompleteRow, runFeatures } from './runFeatures.ts';
import { walkForwardModel, type WalkForwardModelOptions, type WalkForwardResult } from './walkForwardModel.ts';

/** What one symbol's modelling needs. */
export interface SymbolJob {
  spec: ModelSpec;
  bars: BarSeries;
  model: WalkForwardModelOptions;
  backtest: Omit<OosBacktestOptions, 'params' | 'thresholds'>;
}

/** Its result, with the seconds each stage took. */
export interface SymbolModelResult {
  features: Pick<FeatureMatrix, 'set' | 'hash' | 'columns' | 'skipped'> & { warmup: number };
  wf: WalkForwardResult;
  bt: OosBacktest;
  seconds: { features: number; models: number; backtest: number };
}

/** Features, walk-forward models and the out-of-sample backtest of one symbol. */
export function symbolModel(job: SymbolJob): SymbolModelResult {
  const { spec, bars, model } = job;
  let t = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const s = (now - t) / 1000;
    t = now;
    return s;
  };
  const m = runFeatures(spec, bars);
  const warmup = firstCompleteRow(m);
  const features = lap();
  const wf = walkForwardModel(m, bars.close, bars.time, warmup, model);
  const models = lap();
  const bt = oosBacktest(bars, wf.prob, wf.threshold, wf.oosStart, { ...job.backtest, params: spec.params, thresholds: model.thresholds });
  const backtest = lap();
  return { features: { set: m.set, hash: m.hash, columns: m.columns, skipped: m.skipped, warmup }, wf, bt, seconds: { features, models, backtest } };
}
