/** Models in the state store: unique names per user, publish and discard with audit events. */
import { ErrorCode, NotFoundError, TradepilotError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import type { Store } from '../../adapters/store/store.ts';
import type { ModelSpec } from './modelSpec.ts';

/** A stored model. */
export interface ModelRecord {
  id: string;
  userId: string;
  name: string;
  status: 'draft' | 'published';
  spec: ModelSpec;
  createdAt: string;
  updatedAt: string;
}

type Row = { id: string; user_id: string; name: string; status: string; spec: string; created_at: string; updated_at: string };

function toRecord(r: Row): ModelRecord {
  return { id: r.id, userId: r.user_id, name: r.name, status: r.status as ModelRecord['status'], spec: JSON.parse(r.spec) as ModelSpec, createdAt: r.created_at, updatedAt: r.updated_at };
}

/** Save a new model; a second model of the same name for the same user is a conflict. */
export async function createModel(store: Store, userId: string, spec: ModelSpec, now = Date.now()): Promise<ModelRecord> {
  const ts = new Date(now).toISOString();
  const id = uuidv7(now);
  return store.transaction(async (trx) => {
    const clash = await trx.selectFrom('models').select('id').where('user_id', '=', userId).where('name', '=', spec.name).executeTakeFirst();
    if (clash) throw new TradepilotError(ErrorCode.CONFLICT, `model "${spec.name}" already exists for user ${userId}`);
    await trx
      .insertInto('models')
      .values({ id, user_id: userId, name: spec.name, pack_namespace: spec.pack.namespace, pack_version: spec.pack.version, spec: JSON.stringify(spec), status: 'draft', created_at: ts, updated_at: ts })
      .execute();
    await store.append({ type: 'model.created', subject: id, payload: { user: userId, name: spec.name, pack: spec.pack, instrument: spec.instrument } }, trx);
    return { id, userId, name: spec.name, status: 'draft', spec, createdAt: ts, updatedAt: ts };
  });
}

/** The user's models, newest first. */
export async function listModels(store: Store, userId: string): Promise<ModelRecord[]> {
  const rows = await store.db.selectFrom('models').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').execute();
  return rows.map(toRecord);
}

/** One model by name (or id). */
export async function getModel(store: Store, userId: string, nameOrId: string): Promise<ModelRecord> {
  const r = await store.db
    .selectFrom('models')
    .selectAll()
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('name', '=', nameOrId), eb('id', '=', nameOrId)]))
    .executeTakeFirst();
  if (!r) throw new NotFoundError(`no model "${nameOrId}" for user ${userId}`);
  return toRecord(r);
}

/** Publish: the model goes live (the alert scheduler reads published models); audited. */
export async function publishModel(store: Store, userId: string, name: string, reason = ''): Promise<ModelRecord> {
  const m = await getModel(store, userId, name);
  const ts = new Date().toISOString();
  await store.transaction(async (trx) => {
    await trx.updateTable('models').set({ status: 'published', updated_at: ts }).where('id', '=', m.id).execute();
    await store.append({ type: 'model.published', subject: m.id, payload: { user: userId, name: m.name, reason } }, trx);
  });
  return { ...m, status: 'published', updatedAt: ts };
}

/** Discard: the model is deleted; the audit trail keeps a `model.discarded` event with its spec. */
export async function discardModel(store: Store, userId: string, name: string, reason = ''): Promise<ModelRecord> {
  const m = await getModel(store, userId, name);
  await store.transaction(async (trx) => {
    await trx.deleteFrom('models').where('id', '=', m.id).execute();
    await store.append({ type: 'model.discarded', subject: m.id, payload: { user: userId, name: m.name, reason, spec: m.spec } }, trx);
  });
  return m;
}

/** Replace a draft model's spec (a new name must still be unique); a published model must be unpublished first. */
export async function updateModel(store: Store, userId: string, nameOrId: string, spec: ModelSpec, now = Date.now()): Promise<ModelRecord> {
  const m = await getModel(store, userId, nameOrId);
  if (m.status === 'published') throw new TradepilotError(ErrorCode.CONFLICT, `model "${m.name}" is published; unpublish it before changing it`);
  const ts = new Date(now).toISOString();
  return store.transaction(async (trx) => {
    const clash = await trx.selectFrom('models').select('id').where('user_id', '=', userId).where('name', '=', spec.name).where('id', '!=', m.id).executeTakeFirst();
    if (clash) throw new TradepilotError(ErrorCode.CONFLICT, `model "${spec.name}" already exists for user ${userId}`, { field: 'name' });
    await trx
      .updateTable('models')
      .set({ name: spec.name, pack_namespace: spec.pack.namespace, pack_version: spec.pack.version, spec: JSON.stringify(spec), updated_at: ts })
      .where('id', '=', m.id)
      .execute();
    await store.append({ type: 'model.updated', subject: m.id, payload: { user: userId, name: spec.name, previous: m.name, pack: spec.pack, instrument: spec.instrument } }, trx);
    return { ...m, name: spec.name, spec, updatedAt: ts };
  });
}

/** Unpublish: the model stops generating alerts and returns to draft; audited. */
export async function unpublishModel(store: Store, userId: string, name: string, reason = ''): Promise<ModelRecord> {
  const m = await getModel(store, userId, name);
  const ts = new Date().toISOString();
  await store.transaction(async (trx) => {
    await trx.updateTable('models').set({ status: 'draft', updated_at: ts }).where('id', '=', m.id).execute();
    await store.append({ type: 'model.unpublished', subject: m.id, payload: { user: userId, name: m.name, reason } }, trx);
  });
  return { ...m, status: 'draft', updatedAt: ts };
}
