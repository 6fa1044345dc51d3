/** Sweeps in the state store: the sweep record, its finished rows (the checkpoints) and audit events. */
import { NotFoundError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import type { Store } from '../../adapters/store/store.ts';
import type { ModelSpec } from '../../strategy/models/modelSpec.ts';
import type { StrategyParams } from '../../strategy/packs/schema.ts';
import type { SweepRow } from './task.ts';

/** What a sweep runs: the combinations are fixed at creation so a resume runs exactly the same ones. */
export interface SweepPlan {
  mode: 'simple' | 'custom';
  combos: StrategyParams[];
  walkForward: { is_bars: number; oos_bars: number } | null;
  blocks: number;
}

/** A stored sweep. */
export interface SweepRecord {
  id: string;
  userId: string;
  modelId: string;
  spec: ModelSpec;
  plan: SweepPlan;
  total: number;
  status: string;
  tags: string[];
  summary: unknown;
  createdAt: string;
  updatedAt: string;
}

/** Create a sweep (status pending) with its audit event. */
export async function createSweep(store: Store, userId: string, modelId: string, spec: ModelSpec, plan: SweepPlan, tags: string[]): Promise<SweepRecord> {
  const now = Date.now();
  const ts = new Date(now).toISOString();
  const id = uuidv7(now);
  await store.transaction(async (trx) => {
    await trx
      .insertInto('sweeps')
      .values({ id, user_id: userId, model_id: modelId, mode: plan.mode, spec: JSON.stringify(spec), config: JSON.stringify(plan), total: plan.combos.length, status: 'pending', tags: JSON.stringify(tags), summary: null, created_at: ts, updated_at: ts })
      .execute();
    await store.append({ type: 'sweep.created', subject: id, correlationId: id, payload: { user: userId, model: spec.name, mode: plan.mode, combinations: plan.combos.length, walk_forward: plan.walkForward, tags } }, trx);
  });
  return getSweep(store, id);
}

/** A sweep by id (or unique id prefix). */
export async function getSweep(store: Store, id: string): Promise<SweepRecord> {
  const r = await store.db.selectFrom('sweeps').selectAll().where((eb) => eb.or([eb('id', '=', id), eb('id', 'like', `${id}%`)])).limit(2).execute();
  if (r.length !== 1) throw new NotFoundError(r.length === 0 ? `no sweep "${id}"` : `sweep id "${id}" is ambiguous`);
  const s = r[0]!;
  return {
    id: s.id,
    userId: s.user_id,
    modelId: s.model_id,
    spec: JSON.parse(s.spec) as ModelSpec,
    plan: JSON.parse(s.config) as SweepPlan,
    total: s.total,
    status: s.status,
    tags: JSON.parse(s.tags) as string[],
    summary: s.summary === null ? null : (JSON.parse(s.summary) as unknown),
    createdAt: s.created_at,
    updatedAt: s.updated_at,
  };
}

/** Set the status (and summary), with an audit event. */
export async function setSweepStatus(store: Store, id: string, status: string, event: string, payload: unknown, summary?: unknown): Promise<void> {
  const ts = new Date().toISOString();
  await store.transaction(async (trx) => {
    const upd = trx.updateTable('sweeps').set({ status, updated_at: ts, ...(summary === undefined ? {} : { summary: JSON.stringify(summary) }) }).where('id', '=', id);
    await upd.execute();
    await store.append({ type: event, subject: id, correlationId: id, payload }, trx);
  });
}

/** The current status only (polled for cancellation from another process). */
export async function sweepStatus(store: Store, id: string): Promise<string> {
  const r = await store.db.selectFrom('sweeps').select('status').where('id', '=', id).executeTakeFirst();
  return r?.status ?? 'missing';
}

/** Save finished rows of a fold in one transaction: the checkpoint. Rows already saved are kept as they are. */
export async function saveRows(store: Store, id: string, fold: number, rows: readonly SweepRow[]): Promise<void> {
  if (rows.length === 0) return;
  const ts = new Date().toISOString();
  await store.transaction(async (trx) => {
    await trx
      .insertInto('sweep_results')
      .values(rows.map((r) => ({ sweep_id: id, fold, idx: r.idx, params: JSON.stringify(r.params), metrics: JSON.stringify(r.metrics), blocks: JSON.stringify(r.returns ? { blocks: r.blocks, returns: r.returns } : r.blocks), created_at: ts })))
      .onConflict((oc) => oc.columns(['sweep_id', 'fold', 'idx']).doNothing())
      .execute();
  });
}

/** Saved rows of a sweep, by fold, in index order. */
export async function loadRows(store: Store, id: string): Promise<Map<number, SweepRow[]>> {
  const rows = await store.db.selectFrom('sweep_results').selectAll().where('sweep_id', '=', id).orderBy('fold').orderBy('idx').execute();
  const out = new Map<number, SweepRow[]>();
  for (const r of rows) {
    const b = JSON.parse(r.blocks) as number[] | { blocks: number[]; returns: number[] };
    const row: SweepRow = { idx: r.idx, params: JSON.parse(r.params) as StrategyParams, metrics: JSON.parse(r.metrics) as SweepRow['metrics'], blocks: Array.isArray(b) ? b : b.blocks, returns: Array.isArray(b) ? undefined : b.returns };
    const list = out.get(r.fold) ?? [];
    list.push(row);
    out.set(r.fold, list);
  }
  return out;
}
