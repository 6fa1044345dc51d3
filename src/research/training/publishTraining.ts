/**
 * Publish a finished training (its model goes live: the alert engine loads
 * published trainings) or discard one (artifacts and checkpoints deleted, an
 * audit event keeps what it was). One training per pack model is published at
 * a time: publishing another retires the previous one.
 */
import { rmSync } from 'node:fs';
import type { Store } from '../../adapters/store/store.ts';
import { BadInputError, ErrorCode, TradepilotError } from '../../core/errors.ts';
import type { TrainingResult } from './runTraining.ts';
import { deleteFolds, getTraining, type TrainingRecord } from './trainingStore.ts';

/** Which configuration went live. */
export interface Publication {
  config: number;
  rank: number;
  version: number;
  at: string;
}

/** Publish training `id`: the best configuration unless `rank` names another of its configurations. */
export async function publishTraining(store: Store, id: string, actor: string, rank?: number): Promise<TrainingRecord & { publication: Publication }> {
  const tr = await getTraining(store, id);
  if (tr.status !== 'done' && tr.status !== 'published') throw new TradepilotError(ErrorCode.CONFLICT, `training ${tr.id} is ${tr.status}; only a finished training can be published`);
  const res = tr.result as TrainingResult;
  const c = rank === undefined ? res.best_config : res.configs.findIndex((x) => x.rank === rank);
  if (c < 0) throw new BadInputError(`rank ${rank} was not trained in ${tr.id} (ranks ${res.configs.map((x) => x.rank).join(', ')})`);
  const cfg = res.configs[c]!;
  const at = new Date().toISOString();
  const publication: Publication = { config: c, rank: cfg.rank, version: cfg.model.version, at };
  await store.transaction(async (trx) => {
    const others = await trx.selectFrom('trainings').select('id').where('model_id', '=', tr.modelId).where('status', '=', 'published').where('id', '!=', tr.id).execute();
    for (const o of others) {
      await trx.updateTable('trainings').set({ status: 'done', updated_at: at }).where('id', '=', o.id).execute();
      await store.append({ type: 'training.unpublished', subject: o.id, correlationId: o.id, payload: { by: actor, replaced_by: tr.id } }, trx);
    }
    await trx.updateTable('trainings').set({ status: 'published', updated_at: at, result: JSON.stringify({ ...res, published: publication }) }).where('id', '=', tr.id).execute();
    await store.append({ type: 'training.published', subject: tr.id, correlationId: tr.id, payload: { by: actor, model: tr.plan.spec.name, ...publication, registry: cfg.model.registry, cv_logloss: cfg.best.mean.logloss, cv_auc: cfg.best.mean.auc } }, trx);
  });
  return { ...(await getTraining(store, tr.id)), publication };
}

/** The publication of a published training (the configuration that alerts). */
export function publicationOf(tr: TrainingRecord): Publication | null {
  return ((tr.result as { published?: Publication } | null)?.published) ?? null;
}

/** Discard: delete the artifacts and checkpoints, keep the record as `discarded` and audit it. A running training must be cancelled first. */
export async function discardTraining(store: Store, id: string, actor: string, reason = ''): Promise<TrainingRecord> {
  const tr = await getTraining(store, id);
  if (tr.status === 'running' || tr.status === 'cancelling') throw new TradepilotError(ErrorCode.CONFLICT, `training ${tr.id} is ${tr.status}; cancel it first`);
  if (tr.status === 'discarded') return tr;
  rmSync(tr.dir, { recursive: true, force: true });
  await deleteFolds(store, tr.id);
  const at = new Date().toISOString();
  await store.transaction(async (trx) => {
    await trx.updateTable('trainings').set({ status: 'discarded', updated_at: at, result: null }).where('id', '=', tr.id).execute();
    await store.append({ type: 'training.discarded', subject: tr.id, correlationId: tr.id, payload: { by: actor, reason, was: tr.status, dir: tr.dir, model: tr.plan.spec.name, configs: tr.plan.configs.map((c) => c.rank) } }, trx);
  });
  return getTraining(store, tr.id);
}

/** Ask a training to stop: a running one sees `cancelling` within its poll interval; one not running is cancelled at once. */
export async function cancelTraining(store: Store, id: string, actor: string): Promise<TrainingRecord> {
  const tr = await getTraining(store, id);
  if (tr.status !== 'running' && tr.status !== 'pending') return tr;
  const next = tr.status === 'running' ? 'cancelling' : 'cancelled';
  const at = new Date().toISOString();
  await store.transaction(async (trx) => {
    await trx.updateTable('trainings').set({ status: next, updated_at: at }).where('id', '=', tr.id).where('status', '=', tr.status).execute();
    await store.append({ type: 'training.cancel_requested', subject: tr.id, correlationId: tr.id, payload: { by: actor, was: tr.status } }, trx);
  });
  return getTraining(store, tr.id);
}
