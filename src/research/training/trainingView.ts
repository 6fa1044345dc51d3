/** The public shape of a training (CLI `--json` and the API share it). */
import { z } from 'zod';
import type { TrainingResult } from './runTraining.ts';
import type { TrainingRecord } from './trainingStore.ts';

const Metrics = z.object({ logloss: z.number(), auc: z.number().nullable(), accuracy: z.number(), brier: z.number() });

/** One trained configuration, summarised. */
export const TrainedConfigSchema = z.object({
  rank: z.number().int(),
  idx: z.number().int(),
  gate: z.enum(['PASS', 'MARGINAL', 'FAIL']),
  params: z.record(z.string(), z.unknown()),
  rows: z.number().int(),
  positives: z.number(),
  best: z.object({ n_estimators: z.number().int(), max_depth: z.number().int(), learning_rate: z.number() }),
  cv: Metrics.describe('mean validation metrics of the best grid point over the folds'),
  oof: Metrics.extend({ rows: z.number().int() }).describe('out-of-fold metrics of the best grid point'),
  model: z.object({ registry: z.string(), name: z.string(), version: z.number().int(), files: z.record(z.string(), z.string()) }),
  importance: z.array(z.object({ feature: z.string(), gain: z.number(), share: z.number() })).describe('gain importance, largest first'),
  alert_threshold: z.number().describe('win probability at which the published model alerts'),
  sample_predictions: z.array(z.object({ time: z.string(), p: z.number(), label: z.number(), ret: z.number() })),
});

/** A training as shown. */
export const TrainingViewSchema = z
  .object({
    id: z.string(),
    status: z.string().describe('pending | running | cancelling | cancelled | done | failed | published | discarded'),
    sweep: z.string(),
    model: z.string(),
    user: z.string(),
    selected: z.array(z.object({ rank: z.number().int(), idx: z.number().int(), status: z.string(), sharpe: z.number() })),
    grid: z.object({ n_estimators: z.array(z.number()), max_depth: z.array(z.number()), learning_rate: z.array(z.number()) }),
    folds: z.number().int(),
    embargo_days: z.number(),
    configs: z.array(TrainedConfigSchema).nullable().describe('null until done'),
    best_config: z.number().int().nullable(),
    published: z.object({ config: z.number().int(), rank: z.number().int(), version: z.number().int(), at: z.string() }).nullable(),
    elapsed_ms: z.number().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Training' });
export type TrainingView = z.infer<typeof TrainingViewSchema>;

/** Summarise a record (importance cut to `topFeatures`). */
export function trainingView(tr: TrainingRecord, topFeatures = 10): TrainingView {
  const r = tr.result as (TrainingResult & { published?: TrainingView['published'] }) | null;
  return {
    id: tr.id,
    status: tr.status,
    sweep: tr.sweepId,
    model: tr.plan.spec.name,
    user: tr.userId,
    selected: tr.plan.configs.map((c) => ({ rank: c.rank, idx: c.idx, status: c.status, sharpe: c.sharpe })),
    grid: tr.plan.grid,
    folds: tr.plan.folds,
    embargo_days: tr.plan.embargo_days,
    configs:
      r?.configs.map((c) => ({
        rank: c.rank,
        idx: c.idx,
        gate: c.gate,
        params: c.params,
        rows: c.rows,
        positives: c.positives,
        best: { n_estimators: c.best.n_estimators, max_depth: c.best.max_depth, learning_rate: c.best.learning_rate },
        cv: c.best.mean,
        oof: c.oof,
        model: c.model,
        importance: c.importance.slice(0, topFeatures),
        alert_threshold: c.alert_threshold,
        sample_predictions: c.sample_predictions,
      })) ?? null,
    best_config: r?.best_config ?? null,
    published: r?.published ?? null,
    elapsed_ms: r?.elapsed_ms ?? null,
    created_at: tr.createdAt,
    updated_at: tr.updatedAt,
  };
}
