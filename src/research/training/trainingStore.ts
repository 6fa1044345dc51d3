/** Trainings in the state store: the record, its finished (configuration, fold) checkpoints and audit events. */
import { NotFoundError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import type { Store } from '../../adapters/store/store.ts';
import type { ModelSpec } from '../../strategy/models/modelSpec.ts';
import type { StrategyParams } from '../../strategy/packs/schema.ts';
import type { GateStatus } from '../sweep/gates.ts';
import type { FoldResult } from './fitFold.ts';
import type { TrainingGrid } from './trainingGrid.ts';

/** A sweep row chosen for training. */
export interface SelectedConfig {
  /** Leaderboard rank (1 = best Sharpe). */
  rank: number;
  /** Combination index in the sweep. */
  idx: number;
  params: StrategyParams;
  status: GateStatus;
  reasons: string[];
  sharpe: number;
}

/** What a training runs, fixed at creation so a resume repeats it exactly. */
export interface TrainingPlan {
  spec: ModelSpec;
  configs: SelectedConfig[];
  grid: TrainingGrid;
  folds: number;
  embargo_days: number;
}

/** A stored training. */
export interface TrainingRecord {
  id: string;
  userId: string;
  sweepId: string;
  modelId: string;
  status: string;
  /** Model registry directory of its artifacts. */
  dir: string;
  plan: TrainingPlan;
  result: unknown;
  createdAt: string;
  updatedAt: string;
}

/** Create a training (status pending) with its audit event. */
export async function createTraining(store: Store, userId: string, sweepId: string, modelId: string, plan: TrainingPlan, dirOf: (id: string) => string, warnings: string[] = []): Promise<TrainingRecord> {
  const now = Date.now();
  const ts = new Date(now).toISOString();
  const id = uuidv7(now);
  await store.transaction(async (trx) => {
    await trx
      .insertInto('trainings')
      .values({ id, user_id: userId, sweep_id: sweepId, model_id: modelId, status: 'pending', dir: dirOf(id), plan: JSON.stringify(plan), result: null, created_at: ts, updated_at: ts })
      .execute();
    await store.append({ type: 'training.created', subject: id, correlationId: id, payload: { user: userId, sweep: sweepId, model: plan.spec.name, configs: plan.configs.map((c) => ({ rank: c.rank, idx: c.idx, status: c.status })), grid: plan.grid, folds: plan.folds, embargo_days: plan.embargo_days, warnings } }, trx);
  });
  return getTraining(store, id);
}

/** A training by id (or unique id prefix). */
export async function getTraining(store: Store, id: string): Promise<TrainingRecord> {
  const r = await store.db.selectFrom('trainings').selectAll().where((eb) => eb.or([eb('id', '=', id), eb('id', 'like', `${id}%`)])).limit(2).execute();
  if (r.length !== 1) throw new NotFoundError(r.length === 0 ? `no training "${id}"` : `training id "${id}" is ambiguous`);
  const t = r[0]!;
  return {
    id: t.id,
    userId: t.user_id,
    sweepId: t.sweep_id,
    modelId: t.model_id,
    status: t.status,
    dir: t.dir,
    plan: JSON.parse(t.plan) as TrainingPlan,
    result: t.result === null ? null : (JSON.parse(t.result) as unknown),
    createdAt: t.created_at,
    updatedAt: t.updated_at,
  };
}

/** Set the status (and result), with an audit event, in one transaction. */
export async function setTrainingStatus(store: Store, id: string, status: string, event: string, payload: unknown, result?: unknown): Promise<void> {
  const ts = new Date().toISOString();
  await store.transaction(async (trx) => {
    await trx.updateTable('trainings').set({ status, updated_at: ts, ...(result === undefined ? {} : { result: result === null ? null : JSON.stringify(result) }) }).where('id', '=', id).execute();
    await store.append({ type: event, subject: id, correlationId: id, payload }, trx);
  });
}

/** The current status only (polled for cancellation from another process). */
export async function trainingStatus(store: Store, id: string): Promise<string> {
  const r = await store.db.selectFrom('trainings').select('status').where('id', '=', id).executeTakeFirst();
  return r?.status ?? 'missing';
}

/** Save one finished (configuration, fold): the checkpoint. A fold already saved is kept as it is. */
export async function saveFold(store: Store, id: string, config: number, res: FoldResult): Promise<void> {
  await store.db
    .insertInto('training_folds')
    .values({ training_id: id, config, fold: res.fold, metrics: JSON.stringify(res), created_at: new Date().toISOString() })
    .onConflict((oc) => oc.columns(['training_id', 'config', 'fold']).doNothing())
    .execute();
}

/** Saved folds, keyed `config:fold`. */
export async function loadFolds(store: Store, id: string): Promise<Map<string, FoldResult>> {
  const rows = await store.db.selectFrom('training_folds').selectAll().where('training_id', '=', id).orderBy('config').orderBy('fold').execute();
  return new Map(rows.map((r) => [`${r.config}:${r.fold}`, JSON.parse(r.metrics) as FoldResult]));
}

/** Drop the checkpoints (after a discard). */
export async function deleteFolds(store: Store, id: string): Promise<void> {
  await store.db.deleteFrom('training_folds').where('training_id', '=', id).execute();
}

/** Trainings currently published (what live alerts read), oldest first. */
export async function publishedTrainings(store: Store): Promise<TrainingRecord[]> {
  const rows = await store.db.selectFrom('trainings').select('id').where('status', '=', 'published').orderBy('created_at').execute();
  return Promise.all(rows.map((r) => getTraining(store, r.id)));
}
