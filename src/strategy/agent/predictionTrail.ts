import type { Selectable } from 'kysely';
import type { MessagesTable, OrdersTable } from '../../adapters/store/schema.ts';
import type { EventRecord, Store } from '../../adapters/store/store.ts';
import type { Alert } from '../../core/alert.ts';
import { NotFoundError } from '../../core/errors.ts';
import type { Confirmation } from '../../live/confirm/confirmations.ts';

/** Everything recorded about one prediction, in the order it happened. */
export interface PredictionTrail {
  prediction_id: string;
  /** Raw data: the bars and the as-of VIX the run read (`agent.data` payload). */
  data: unknown;
  /** The feature snapshot at the decided bar (`agent.features` payload). */
  features: unknown;
  /** Which models answered, their versions and any fallback warnings (`agent.models` payload). */
  models: unknown;
  /** The signal (`agent.prediction` payload). */
  prediction: unknown;
  alerts: Alert[];
  confirmations: Confirmation[];
  /** Outbound SMS and inbound replies. */
  messages: Selectable<MessagesTable>[];
  /** Orders with their stored broker receipts. */
  orders: Selectable<OrdersTable>[];
  /** Every event correlated with the prediction or its confirmations, ascending. */
  events: EventRecord[];
}

/**
 * Gather a prediction's whole trail: the agent's events (correlated by the
 * prediction id), its alert, confirmation(s), messages and order receipts.
 * Confirmation state changes are keyed by the confirmation id, so those are
 * collected by subject too.
 */
export async function readPredictionTrail(store: Store, predictionId: string): Promise<PredictionTrail> {
  const own = await store.events({ correlationId: predictionId, order: 'asc', limit: 10_000 });
  if (own.length === 0) throw new NotFoundError(`no recorded prediction with id ${predictionId}`);
  const payload = (type: string): unknown => own.find((e) => e.type === type)?.payload ?? null;
  const db = store.db;
  const confirmations = await db.selectFrom('confirmations').selectAll().where('prediction_id', '=', predictionId).orderBy('created_at').execute();
  const cids = confirmations.map((c) => c.id);
  const alertIds = [...confirmations.map((c) => c.alert_id).filter((a): a is string => a !== null), ...own.filter((e) => e.type === 'agent.alert').map((e) => (e.payload as Alert).alert_id)];
  const alertRows = alertIds.length > 0 ? await db.selectFrom('alerts').select('record').where('alert_id', 'in', [...new Set(alertIds)]).execute() : [];
  const messages = await db
    .selectFrom('messages')
    .selectAll()
    .where((eb) => (cids.length > 0 ? eb.or([eb('prediction_id', '=', predictionId), eb('confirmation_id', 'in', cids)]) : eb('prediction_id', '=', predictionId)))
    .orderBy('created_at')
    .execute();
  const orders = await db
    .selectFrom('orders')
    .selectAll()
    .where((eb) => (cids.length > 0 ? eb.or([eb('prediction_id', '=', predictionId), eb('confirmation_id', 'in', cids)]) : eb('prediction_id', '=', predictionId)))
    .orderBy('created_at')
    .execute();
  const bySubject: EventRecord[] = [];
  for (const id of cids) bySubject.push(...(await store.events({ subject: id, order: 'asc', limit: 1000 })));
  const seen = new Set(own.map((e) => e.seq));
  const events = [...own, ...bySubject.filter((e) => !seen.has(e.seq) && (seen.add(e.seq), true))].sort((a, b) => a.seq - b.seq);
  return {
    prediction_id: predictionId,
    data: payload('agent.data'),
    features: payload('agent.features'),
    models: payload('agent.models'),
    prediction: payload('agent.prediction'),
    alerts: alertRows.map((r) => JSON.parse(r.record) as Alert),
    confirmations,
    messages,
    orders,
    events,
  };
}
