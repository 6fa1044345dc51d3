/**
 * What the server wires in: a pipeline built from a universe and its saved
 * models (for `scanRoutes`), and the retraining job `serve` schedules weekly.
 */
import type { Store } from '../../adapters/store/store.ts';
import { NotFoundError } from '../../core/errors.ts';
import type { Clock } from '../../core/time.ts';
import type { DecisionRules } from './decision.ts';
import { FULL_ENSEMBLE } from './ensembleModel.ts';
import { ScanPipeline } from './pipeline.ts';
import { backtestScanSignals, type SignalBacktestReport } from './signalBacktest.ts';
import { FULL_PREDICTOR } from './timeframePredictor.ts';
import { loadScanModels, saveScanModels, trainScanModels, type TrainReport } from './train.ts';
import { resolveUniverse } from './universe.ts';
import { scanModelDir } from './modelDir.ts';

export { scanModelDir } from './modelDir.ts';

/** Sunday 03:00 UTC: the weekly retraining schedule (croner syntax) `serve` uses by default. */
export const WEEKLY_RETRAIN_CRON = '0 3 * * 0';

/** Options of loadScanPipeline. */
export interface ScanServiceOptions {
  /** dow30, a CSV folder, or mock:N. */
  universe: string;
  /** MODEL_DIR (the models are read from scanModelDir(modelRoot, universe)). */
  modelRoot: string;
  store?: Store;
  clock?: Clock;
  rules?: DecisionRules;
}

/** The pipeline for the API; a NotFoundError names the command to run when no models are saved. */
export async function loadScanPipeline(o: ScanServiceOptions): Promise<ScanPipeline> {
  const u = await resolveUniverse(o.universe, { asOf: o.clock?.now() });
  const dir = scanModelDir(o.modelRoot, u.name);
  const got = loadScanModels(dir);
  if (!got) throw new NotFoundError(`no scan models in ${dir}; run \`tradepilot scan train --universe ${o.universe}\``);
  return new ScanPipeline({ provider: u.provider, benchmarks: u.benchmarks, models: got.models, store: o.store, clock: o.clock, rules: o.rules });
}

/** The retraining job: train on everything up to now, backtest the held-out part, save, and record it as an event. */
export async function retrainScanModels(o: ScanServiceOptions): Promise<{ report: TrainReport; backtest: SignalBacktestReport; files: string[] }> {
  const now = o.clock?.now() ?? Date.now();
  const u = await resolveUniverse(o.universe, { asOf: now });
  const trained = await trainScanModels({ universe: u, asOf: now, ensemble: FULL_ENSEMBLE, predictor: FULL_PREDICTOR });
  const backtest = await backtestScanSignals(u, trained.models.ensemble, { from: trained.test.t0[0]!, to: now });
  const files = saveScanModels(scanModelDir(o.modelRoot, u.name), trained);
  await o.store?.append({ type: 'scan.retrained', subject: u.name, payload: { report: trained.report, backtest, files } });
  return { report: trained.report, backtest, files };
}
