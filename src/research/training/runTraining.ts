/**
 * Run (or resume) a stored training: for each selected sweep configuration,
 * build its trade-labelled feature set, cross-validate the boosted-tree grid on
 * a purged time-series split (each finished (configuration, fold) is saved, so a
 * resume after a crash skips it), pick the grid point with the lowest mean
 * validation log loss, train it on all rows and store the model, its metadata,
 * validation metrics, gain importance and sample predictions in the model
 * registry. Progress goes to a callback and `training.progress` events at least
 * every heartbeat; a signal or `cancelling` status (polled) stops it.
 *
 * Without a queue the units run on this thread, one at a time, and a stop
 * lands between boosters. With a JobQueue every (configuration, fold) and every
 * final refit is a task (`trainingTask.ts`), `queue.concurrency` at a time, and
 * this thread only saves results, reports progress and writes the registry: a
 * serving process stays responsive, and the training uses the worker threads
 * or the BullMQ workers. A stop aborts the queued tasks. The result is the same
 * wherever the units run.
 */
import { existsSync, rmSync } from 'node:fs';
import type { Store } from '../../adapters/store/store.ts';
import { ErrorCode, TradepilotError } from '../../core/errors.ts';
import { ModelRegistry } from '../../ml/artifacts/registry.ts';
import { barsPerDayOf } from '../../strategy/packs/calendar.ts';
import { loadEvalContext, type EvalContext } from '../../strategy/packs/evaluate.ts';
import type { StrategyParams } from '../../strategy/packs/schema.ts';
import type { JobQueue } from '../jobs/jobQueue.ts';
import type { GateStatus } from '../sweep/gates.ts';
import { trainingSet, type TrainingSet } from './dataset.ts';
import type { FeatureBlock } from './features.ts';
import { fitFinal, type FinalFit, type OofMetrics } from './finalFit.ts';
import { fitFold, trainingFolds, type FoldResult, type PointMetrics, type TrainingFold } from './fitFold.ts';
import { gridPoints, pointKey, type GridPoint } from './trainingGrid.ts';
import { getTraining, loadFolds, saveFold, setTrainingStatus, trainingStatus, type TrainingPlan, type TrainingRecord } from './trainingStore.ts';

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
  /** Run the units as tasks on this queue, `concurrency` at a time (default: on this thread, one at a time). */
  queue?: JobQueue;
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
  oof: OofMetrics;
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

function meanMetrics(ms: readonly PointMetrics[]): PointMetrics {
  const avg = (f: (m: PointMetrics) => number | null): number | null => {
    const v = ms.map(f).filter((x): x is number => x !== null);
    return v.length === 0 ? null : v.reduce((a, b) => a + b, 0) / v.length;
  };
  return { logloss: avg((m) => m.logloss)!, auc: avg((m) => m.auc), accuracy: avg((m) => m.accuracy)!, brier: avg((m) => m.brier)! };
}

/** Where a training's units run: plain calls on this thread, or JobQueue tasks. */
interface UnitRunner {
  /** `this thread`, or the queue's kind. */
  readonly kind: string;
  /** Units in flight at once. */
  readonly lanes: number;
  /** One (configuration, fold); null when stopped before it finished. */
  fold(c: number, k: number, signal: AbortSignal): Promise<FoldResult | null>;
  /** A configuration's final refit of `point`, whose out-of-fold probabilities are `oof`. */
  final(c: number, point: GridPoint, oof: number[], signal: AbortSignal): Promise<FinalFit>;
}

/** Units on this thread (today's path): training sets built here once per configuration, boosters yield between them. */
function localUnits(plan: TrainingPlan, ctx: EvalContext, embargo: number, points: readonly GridPoint[], stop: () => boolean, onRound: () => void): UnitRunner {
  const features = new Map<number, FeatureBlock>();
  const sets = new Map<number, { set: TrainingSet; folds: TrainingFold[] }>();
  const unit = (c: number): { set: TrainingSet; folds: TrainingFold[] } => {
    let u = sets.get(c);
    if (!u) {
      const set = trainingSet(plan.spec, ctx, plan.configs[c]!.params, features);
      sets.set(c, (u = { set, folds: trainingFolds(set, plan.folds, embargo) }));
    }
    return u;
  };
  return {
    kind: 'this thread',
    lanes: 1,
    fold: (c, k) => {
      const u = unit(c);
      return fitFold(u.set, u.folds[k]!, k, points, stop, onRound);
    },
    final: async (c, point, oof) => fitFinal(unit(c).set, point, oof, plan.configs[c]!.params.top_pct),
  };
}

/** Units as tasks on `queue`: the workers rebuild the training sets from the spec. */
function queuedUnits(queue: JobQueue, tr: TrainingRecord, embargo: number, points: readonly GridPoint[]): UnitRunner {
  const plan = tr.plan;
  const of = (c: number): { trainingId: string; spec: TrainingPlan['spec']; params: StrategyParams; config: number } => ({ trainingId: tr.id, spec: plan.spec, params: plan.configs[c]!.params, config: c });
  return {
    kind: queue.kind,
    lanes: Math.max(1, queue.concurrency),
    fold: async (c, k, signal) => (await queue.run({ kind: 'trainingFold', ...of(c), fold: k, folds: plan.folds, embargo, points: [...points] }, signal)).result,
    final: async (c, point, oof, signal) => {
      const { n_estimators, max_depth, learning_rate } = point;
      return (await queue.run({ kind: 'trainingFinal', ...of(c), point: { n_estimators, max_depth, learning_rate }, oof }, signal)).fit;
    },
  };
}

/**
 * Run jobs 0..n-1 in order, `lanes` at a time; `job` returns false when it was
 * stopped. A failure aborts the jobs in flight and is rethrown once all lanes
 * have ended (unless `signal` fired: the caller reports the cancellation).
 */
async function inLanes(n: number, lanes: number, signal: AbortSignal, job: (i: number, signal: AbortSignal) => Promise<boolean>): Promise<void> {
  const stopAll = new AbortController();
  const onAbort = (): void => stopAll.abort();
  signal.addEventListener('abort', onAbort);
  if (signal.aborted) stopAll.abort();
  let next = 0;
  let failure: { err: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (next < n && !stopAll.signal.aborted) {
      try {
        if (!(await job(next++, stopAll.signal))) return;
      } catch (err) {
        failure ??= { err };
        stopAll.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(lanes, n) }, lane));
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  if (failure && !signal.aborted) throw failure.err;
}

/** Run or resume training `id` to completion (or cancellation); returns the stored record. */
export async function runTraining(store: Store, id: string, opts: RunTrainingOptions = {}): Promise<TrainingRecord> {
  const t0 = Date.now();
  let tr = await getTraining(store, id);
  if (tr.status === 'done' || tr.status === 'published') return tr;
  if (tr.status === 'discarded') throw new TradepilotError(ErrorCode.CONFLICT, `training ${tr.id} was discarded`);
  const plan = tr.plan;
  const points = gridPoints(plan.grid);
  // Units on this thread need the bars here; queued units load them where they run.
  const ctx = opts.queue ? undefined : await loadEvalContext(plan.spec);
  const embargo = Math.round(plan.embargo_days * barsPerDayOf(plan.spec.timeframe));
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

  const abort = new AbortController();
  const stop = (): boolean => abort.signal.aborted;
  const heartbeatMs = opts.heartbeatMs ?? 5000;
  const units = opts.queue
    ? queuedUnits(opts.queue, tr, embargo, points)
    : localUnits(plan, ctx!, embargo, points, stop, () => {
        // Boosting rounds tick on this thread, so reports keep their interval while a large booster trains.
        if (Date.now() - lastReport < heartbeatMs) return;
        report();
        void progressEvent();
      });
  await setTrainingStatus(store, id, 'running', tr.status === 'pending' ? 'training.started' : 'training.resumed', { done, total, skipped, configs: plan.configs.length, grid_points: points.length, folds: plan.folds, embargo_rows: embargo, queue: units.kind, workers: units.lanes });
  report('start');

  const onAbort = (): void => abort.abort();
  opts.signal?.addEventListener('abort', onAbort);
  if (opts.signal?.aborted) abort.abort();
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

  try {
    // Every (configuration, fold) not saved yet, in plan order.
    const results: (FoldResult | undefined)[][] = plan.configs.map((_, c) => Array.from({ length: plan.folds }, (_, k) => saved.get(`${c}:${k}`)));
    const outstanding: [number, number][] = [];
    for (const [c, r] of results.entries()) for (const [k, have] of r.entries()) if (!have) outstanding.push([c, k]);
    phase = 'running';
    await inLanes(outstanding.length, units.lanes, abort.signal, async (i, signal) => {
      const [c, k] = outstanding[i]!;
      const res = await units.fold(c, k, signal);
      if (!res) return false;
      await saveFold(store, id, c, res);
      results[c]![k] = res;
      done++;
      ranHere++;
      report();
      await progressEvent();
      return true;
    });
    if (stop()) throw new DOMException('cancelled', 'AbortError');

    // Final phase: deterministic, so a crash here is repaired by rebuilding the registry from scratch.
    phase = 'final';
    report();
    const summaries = results.map((r) => summarise(r as FoldResult[], points));
    const fits: FinalFit[] = [];
    await inLanes(plan.configs.length, units.lanes, abort.signal, async (c, signal) => {
      fits[c] = await units.final(c, summaries[c]!.best, summaries[c]!.oof, signal);
      return true;
    });
    if (stop()) throw new DOMException('cancelled', 'AbortError');
    if (existsSync(tr.dir)) rmSync(tr.dir, { recursive: true, force: true });
    const reg = new ModelRegistry(tr.dir);
    // Registry versions follow the configurations' order.
    const configs: ConfigResult[] = plan.configs.map((_, c) => storeFinal(reg, tr, c, results[c] as FoldResult[], summaries[c]!, fits[c]!));
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

/** A configuration's grid summarised over its folds, its best point (lowest mean log loss) and that point's out-of-fold probabilities in time order. */
function summarise(folds: readonly FoldResult[], points: readonly GridPoint[]): { grid: GridSummary[]; best: GridSummary; oof: number[] } {
  const grid: GridSummary[] = points.map((p, i) => {
    const fm = folds.map((f) => f.points[i]!);
    return { ...p, key: pointKey(p), mean: meanMetrics(fm), folds: fm };
  });
  let bi = 0;
  grid.forEach((g, i) => {
    if (g.mean.logloss < grid[bi]!.mean.logloss) bi = i;
  });
  // Test blocks are consecutive and end the set, so the folds' predictions in fold order are the out-of-fold rows in time order.
  return { grid, best: grid[bi]!, oof: folds.flatMap((f) => f.pred[bi]!) };
}

/** Store a configuration's refit, validation, importance and predictions in the registry; its stored result. */
function storeFinal(reg: ModelRegistry, tr: TrainingRecord, c: number, folds: readonly FoldResult[], s: { grid: GridSummary[]; best: GridSummary }, fit: FinalFit): ConfigResult {
  const cfg = tr.plan.configs[c]!;
  const { grid, best } = s;
  const validation = { folds: folds.map((f) => ({ fold: f.fold, n_train: f.n_train, n_test: f.n_test, positives_test: f.positives_test })), grid, best: best.key, oof: fit.oof };
  const spec = tr.plan.spec;
  const meta = reg.save(
    {
      name: `${spec.name}-rank${cfg.rank}`,
      kind: 'gbdt',
      trainingSeconds: fit.trainingSeconds,
      dataHash: fit.dataHash,
      features: fit.columns,
      label: `trade_win(hold_days=${cfg.params.hold_days}, stop_loss=${cfg.params.stop_loss}, take_profit=${cfg.params.take_profit})`,
      thresholds: { alert: fit.alert_threshold },
      metrics: { cv_logloss: best.mean.logloss, cv_auc: best.mean.auc, cv_accuracy: best.mean.accuracy, cv_brier: best.mean.brier, oof_auc: fit.oof.auc, rows: fit.rows, positives: fit.positives },
      params: { ...best, training: tr.id, sweep: tr.sweepId, rank: cfg.rank, idx: cfg.idx, strategy: cfg.params, pack: spec.pack },
      source: `training:${tr.id}`,
    },
    { classifier: { bytes: Buffer.from(fit.classifier, 'utf8'), ext: 'json' }, validation: { json: validation }, importance: { json: fit.importance }, predictions: { json: fit.sample_predictions } },
  );
  return {
    rank: cfg.rank,
    idx: cfg.idx,
    params: cfg.params,
    gate: cfg.status,
    rows: fit.rows,
    positives: fit.positives,
    columns: fit.columns,
    best,
    grid,
    oof: fit.oof,
    model: { registry: reg.dir, name: meta.name, version: meta.version, files: meta.files },
    importance: fit.importance,
    alert_threshold: fit.alert_threshold,
    sample_predictions: fit.sample_predictions,
  };
}
