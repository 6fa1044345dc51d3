/**
 * Run (or resume) a stored training: for each selected sweep configuration,
 * build its trade-labelled feature set, cross-validate the boosted-tree grid on
 * a purged time-series split (each finished (configuration, fold) is saved, so a
 * resume after a crash skips it), pick the grid point with the lowest mean
 * validation log loss, train it on all rows and store the model, its metadata,
 * validation metrics, gain importance and sample predictions in the model
 * registry. Progress goes to a callback and `training.progress` events at least
 * every heartbeat; a signal or `cancelling` status (polled) stops it between boosters.
 */
import { existsSync, rmSync } from 'node:fs';
import type { Store } from '../../adapters/store/store.ts';
import { ErrorCode, TradepilotError } from '../../core/errors.ts';
import { accuracy, brierScore, logLoss, toLabels } from '../../ml/metrics/classification.ts';
import { rocAuc } from '../../ml/metrics/rocAuc.ts';
import { ModelRegistry, sha256 } from '../../ml/artifacts/registry.ts';
import { featureImportance, gbdtToJson, trainGbdt } from '../../ml/tree/gbdt.ts';
import { loadEvalContext } from '../../strategy/packs/evaluate.ts';
import type { StrategyParams } from '../../strategy/packs/schema.ts';
import type { GateStatus } from '../sweep/gates.ts';
import { trainingSet, type TrainingSet } from './dataset.ts';
import type { FeatureBlock } from './features.ts';
import { fitFold, gbdtParamsOf, trainingFolds, type FoldResult, type PointMetrics } from './fitFold.ts';
import { gridPoints, pointKey, type GridPoint } from './trainingGrid.ts';
import { getTraining, loadFolds, saveFold, setTrainingStatus, trainingStatus, type TrainingRecord } from './trainingStore.ts';

/** A progress report. */
export interface TrainingProgress {
  trainingId: string;
  phase: 'start' | 'running' | 'final' | 'done' | 'cancelled';
  /** Finished (configuration, fold) units, of `total`. */
  done: number;
  total: number;
  /** Units found saved at start (skipped by a resume). */
  skipped: number;
  elapsedMs: number;
  /** Estimated seconds left (NaN until a fold has finished in this run). */
  etaSeconds: number;
}

/** Options of {@link runTraining}. */
export interface RunTrainingOptions {
  onProgress?: (p: TrainingProgress) => void;
  signal?: AbortSignal;
  /** Most time between progress reports and events (ms, default 5000). */
  heartbeatMs?: number;
  /** How often the store is polled for a cancel from another process (ms, default 250). */
  pollMs?: number;
}

/** One grid point's validation summary. */
export interface GridSummary extends GridPoint {
  key: string;
  /** Means over the folds (auc over folds where both classes occur). */
  mean: PointMetrics;
  folds: PointMetrics[];
}

/** What a training stores for each configuration. */
export interface ConfigResult {
  rank: number;
  idx: number;
  params: StrategyParams;
  gate: GateStatus;
  rows: number;
  positives: number;
  columns: string[];
  best: GridSummary;
  grid: GridSummary[];
  /** Out-of-fold metrics of the best point over every test row. */
  oof: { rows: number; logloss: number; auc: number | null; accuracy: number; brier: number };
  model: { registry: string; name: string; version: number; files: Record<string, string> };
  importance: { feature: string; gain: number; share: number }[];
  /** Live alerts fire when the win probability crosses this: the (1 - top_pct) quantile of the out-of-fold probabilities, so the model alerts on about the share of bars the configuration's top-percent filter passes. */
  alert_threshold: number;
  sample_predictions: { time: string; p: number; label: number; ret: number }[];
}

/** A finished training's result. */
export interface TrainingResult {
  configs: ConfigResult[];
  /** Position in `configs` of the best model (lowest mean validation log loss). */
  best_config: number;
  folds: number;
  embargo_rows: number;
  elapsed_ms: number;
  resumed_units: number;
}

const SAMPLE = 20;

function meanMetrics(ms: readonly PointMetrics[]): PointMetrics {
  const avg = (f: (m: PointMetrics) => number | null): number | null => {
    const v = ms.map(f).filter((x): x is number => x !== null);
    return v.length === 0 ? null : v.reduce((a, b) => a + b, 0) / v.length;
  };
  return { logloss: avg((m) => m.logloss)!, auc: avg((m) => m.auc), accuracy: avg((m) => m.accuracy)!, brier: avg((m) => m.brier)! };
}

/** Run or resume training `id` to completion (or cancellation); returns the stored record. */
export async function runTraining(store: Store, id: string, opts: RunTrainingOptions = {}): Promise<TrainingRecord> {
  const t0 = Date.now();
  let tr = await getTraining(store, id);
  if (tr.status === 'done' || tr.status === 'published') return tr;
  if (tr.status === 'discarded') throw new TradepilotError(ErrorCode.CONFLICT, `training ${tr.id} was discarded`);
  const plan = tr.plan;
  const points = gridPoints(plan.grid);
  const ctx = await loadEvalContext(plan.spec);
  const embargo = Math.round(plan.embargo_days * ctx.cal.barsPerDay);
  const saved = await loadFolds(store, id);
  const total = plan.configs.length * plan.folds;
  const skipped = [...saved.keys()].filter((k) => Number(k.split(':')[1]) < plan.folds).length;
  let done = skipped;
  let ranHere = 0;
  let phase: TrainingProgress['phase'] = 'start';
  const eta = (): number => (ranHere === 0 ? NaN : ((Date.now() - t0) / ranHere) * (total - done) / 1000);
  let lastReport = 0;
  const report = (p: TrainingProgress['phase'] = phase): void => {
    lastReport = Date.now();
    opts.onProgress?.({ trainingId: id, phase: p, done, total, skipped, elapsedMs: Date.now() - t0, etaSeconds: eta() });
  };
  const progressEvent = (): Promise<unknown> => store.append({ type: 'training.progress', subject: id, correlationId: id, payload: { phase, done, total, skipped, elapsed_ms: Date.now() - t0, eta_seconds: Number.isFinite(eta()) ? eta() : null } }).catch(() => undefined);
  await setTrainingStatus(store, id, 'running', tr.status === 'pending' ? 'training.started' : 'training.resumed', { done, total, skipped, configs: plan.configs.length, grid_points: points.length, folds: plan.folds, embargo_rows: embargo });
  report('start');

  const abort = new AbortController();
  const onAbort = (): void => abort.abort();
  opts.signal?.addEventListener('abort', onAbort);
  if (opts.signal?.aborted) abort.abort();
  const heartbeatMs = opts.heartbeatMs ?? 5000;
  const heartbeat = setInterval(() => {
    report();
    void progressEvent();
  }, heartbeatMs);
  const poll = setInterval(() => {
    void trainingStatus(store, id)
      .then((s) => {
        if (s === 'cancelling') abort.abort();
      })
      .catch(() => undefined);
  }, Math.max(10, opts.pollMs ?? 250));
  const stop = (): boolean => abort.signal.aborted;

  try {
    const sets: TrainingSet[] = [];
    const features = new Map<number, FeatureBlock>();
    const results: FoldResult[][] = [];
    phase = 'running';
    for (const [c, cfg] of plan.configs.entries()) {
      const set = trainingSet(plan.spec, ctx, cfg.params, features);
      sets.push(set);
      const folds = trainingFolds(set, plan.folds, embargo);
      const got: FoldResult[] = [];
      for (const [k, fold] of folds.entries()) {
        if (stop()) break;
        const have = saved.get(`${c}:${k}`);
        if (have) {
          got.push(have);
          continue;
        }
        const res = await fitFold(set, fold, k, points, stop, () => {
          if (Date.now() - lastReport < heartbeatMs) return;
          report();
          void progressEvent();
        });
        if (!res) break;
        await saveFold(store, id, c, res);
        got.push(res);
        done++;
        ranHere++;
        report();
        await progressEvent();
      }
      results.push(got);
      if (stop()) break;
    }
    if (stop()) throw new DOMException('cancelled', 'AbortError');

    // Final phase: deterministic, so a crash here is repaired by rebuilding the registry from scratch.
    phase = 'final';
    report();
    if (existsSync(tr.dir)) rmSync(tr.dir, { recursive: true, force: true });
    const reg = new ModelRegistry(tr.dir);
    const configs: ConfigResult[] = plan.configs.map((cfg, c) => finalModel(reg, tr, c, sets[c]!, results[c]!, points));
    let best = 0;
    configs.forEach((r, c) => {
      if (r.best.mean.logloss < configs[best]!.best.mean.logloss) best = c;
    });
    const result: TrainingResult = { configs, best_config: best, folds: plan.folds, embargo_rows: embargo, elapsed_ms: Date.now() - t0, resumed_units: skipped };
    phase = 'done';
    await setTrainingStatus(store, id, 'done', 'training.completed', { configs: configs.length, best_config: best, best_rank: configs[best]!.rank, best_point: configs[best]!.best.key, cv_logloss: configs[best]!.best.mean.logloss, cv_auc: configs[best]!.best.mean.auc, registry: tr.dir, elapsed_ms: result.elapsed_ms }, result);
    report('done');
  } catch (err) {
    if (abort.signal.aborted) {
      phase = 'cancelled';
      await setTrainingStatus(store, id, 'cancelled', 'training.cancelled', { done, total });
      report('cancelled');
    } else {
      await setTrainingStatus(store, id, 'failed', 'training.failed', { done, total, error: (err as Error).message });
      throw err;
    }
  } finally {
    clearInterval(heartbeat);
    clearInterval(poll);
    opts.signal?.removeEventListener('abort', onAbort);
  }
  tr = await getTraining(store, id);
  return tr;
}

/** Summarise the folds of one configuration, train its best point on every row and store the artifacts. */
function finalModel(reg: ModelRegistry, tr: TrainingRecord, c: number, set: TrainingSet, folds: readonly FoldResult[], points: readonly GridPoint[]): ConfigResult {
  const cfg = tr.plan.configs[c]!;
  const grid: GridSummary[] = points.map((p, i) => {
    const fm = folds.map((f) => f.points[i]!);
    return { ...p, key: pointKey(p), mean: meanMetrics(fm), folds: fm };
  });
  let bi = 0;
  grid.forEach((g, i) => {
    if (g.mean.logloss < grid[bi]!.mean.logloss) bi = i;
  });
  const best = grid[bi]!;
  // Out-of-fold predictions of the best point, in time order (test blocks are consecutive).
  const n = set.y.length;
  const testStart = n - folds.reduce((a, f) => a + f.n_test, 0);
  const p = Float64Array.from(folds.flatMap((f) => f.pred[bi]!));
  const yo = set.y.subarray(testStart, testStart + p.length);
  const auc = rocAuc(yo, p);
  const oof = { rows: p.length, logloss: logLoss(yo, p), auc: Number.isNaN(auc) ? null : auc, accuracy: accuracy(yo, toLabels(p)), brier: brierScore(yo, p) };
  const sorted = Float64Array.from(p).sort();
  const alertThreshold = sorted[Math.min(sorted.length - 1, Math.floor((1 - cfg.params.top_pct) * sorted.length))]!;
  const t = performance.now();
  const model = trainGbdt(set.X, set.y, gbdtParamsOf(best));
  const seconds = (performance.now() - t) / 1000;
  const gain = featureImportance(model, 'gain');
  const totalGain = gain.reduce((a, b) => a + b, 0);
  const importance = set.columns.map((feature, j) => ({ feature, gain: gain[j]!, share: totalGain > 0 ? gain[j]! / totalGain : 0 })).sort((a, b) => b.gain - a.gain || a.feature.localeCompare(b.feature));
  const from = Math.max(0, p.length - SAMPLE);
  const samples = Array.from({ length: p.length - from }, (_, k) => {
    const i = testStart + from + k;
    return { time: new Date(set.time[i]!).toISOString(), p: p[from + k]!, label: set.y[i]!, ret: set.ret[i]! };
  });
  const positives = set.y.reduce((a, b) => a + b, 0);
  const validation = { folds: folds.map((f) => ({ fold: f.fold, n_train: f.n_train, n_test: f.n_test, positives_test: f.positives_test })), grid, best: best.key, oof };
  const spec = tr.plan.spec;
  const meta = reg.save(
    {
      name: `${spec.name}-rank${cfg.rank}`,
      kind: 'gbdt',
      trainingSeconds: seconds,
      dataHash: sha256(new Uint8Array(set.X.data.buffer, set.X.data.byteOffset, set.X.data.byteLength)) + sha256(new Uint8Array(set.y.buffer, set.y.byteOffset, set.y.byteLength)).slice(0, 16),
      features: set.columns,
      label: `trade_win(hold_days=${cfg.params.hold_days}, stop_loss=${cfg.params.stop_loss}, take_profit=${cfg.params.take_profit})`,
      thresholds: { alert: alertThreshold },
      metrics: { cv_logloss: best.mean.logloss, cv_auc: best.mean.auc, cv_accuracy: best.mean.accuracy, cv_brier: best.mean.brier, oof_auc: oof.auc, rows: n, positives },
      params: { ...best, training: tr.id, sweep: tr.sweepId, rank: cfg.rank, idx: cfg.idx, strategy: cfg.params, pack: spec.pack },
      source: `training:${tr.id}`,
    },
    { classifier: { json: gbdtToJson(model) }, validation: { json: validation }, importance: { json: importance }, predictions: { json: samples } },
  );
  return {
    rank: cfg.rank,
    idx: cfg.idx,
    params: cfg.params,
    gate: cfg.status,
    rows: n,
    positives,
    columns: set.columns,
    best,
    grid,
    oof,
    model: { registry: reg.dir, name: meta.name, version: meta.version, files: meta.files },
    importance,
    alert_threshold: alertThreshold,
    sample_predictions: samples,
  };
}
