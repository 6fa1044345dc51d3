import type { Store } from '../../adapters/store/store.ts';
import type { AlertOutcome } from './alertOutcome.ts';

/** How one model's alerts did, from what is stored: counts, and hit rate and mean return where outcomes were recorded. */
export interface ModelPerformance {
  modelId: string;
  /** The pack namespace when the model id names a stored model, else null. */
  strategy: string | null;
  alerts: number;
  acknowledged: number;
  /** Alerts whose confirmation led to a filled order. */
  filled: number;
  /** Acknowledged or filled alerts with a recorded outcome (the base of the two figures below). */
  scored: number;
  /** Share of scored alerts that made money in their direction; null when none is scored. */
  hitRate: number | null;
  /** Mean realised return of scored alerts; null when none is scored. */
  avgReturn: number | null;
  /** Recorded outcomes of all the model's alerts, acted on or not (for comparison). */
  outcomesAll: number;
  hitRateAll: number | null;
  avgReturnAll: number | null;
}

/** Filters of a performance query (alert time, ISO-8601; since inclusive, until exclusive). */
export interface PerformanceQuery {
  since?: string;
  until?: string;
  modelId?: string;
}

/**
 * Per-model performance of stored alerts. Outcomes are `alert.outcome` events
 * (alertOutcome.ts); "filled" follows alert -> confirmation -> order with
 * status filled. Nothing is imputed: a model without outcomes reports null rates.
 */
export async function alertPerformance(store: Store, q: PerformanceQuery = {}): Promise<ModelPerformance[]> {
  const db = store.db;
  let alerts = db.selectFrom('alerts').select(['alert_id', 'model_id', 'acknowledged_at']);
  if (q.since !== undefined) alerts = alerts.where('timestamp', '>=', q.since);
  if (q.until !== undefined) alerts = alerts.where('timestamp', '<', q.until);
  if (q.modelId !== undefined) alerts = alerts.where('model_id', '=', q.modelId);
  const rows = await alerts.execute();
  if (rows.length === 0) return [];

  const filledRows = await db
    .selectFrom('confirmations as c')
    .innerJoin('orders as o', 'o.confirmation_id', 'c.id')
    .select('c.alert_id')
    .where('c.alert_id', 'is not', null)
    .where('o.status', '=', 'filled')
    .execute();
  const filled = new Set(filledRows.map((r) => r.alert_id));
  const outcomes = new Map<string, AlertOutcome>();
  for (const e of await store.events({ type: 'alert.outcome' })) if (e.correlationId) outcomes.set(e.correlationId, e.payload as AlertOutcome);
  const strategies = new Map((await db.selectFrom('models').select(['id', 'pack_namespace']).execute()).map((m) => [m.id, m.pack_namespace]));

  const by = new Map<string, { p: ModelPerformance; hits: number; sum: number; hitsAll: number; sumAll: number }>();
  for (const r of rows) {
    let m = by.get(r.model_id);
    if (!m) {
      m = {
        p: { modelId: r.model_id, strategy: strategies.get(r.model_id) ?? null, alerts: 0, acknowledged: 0, filled: 0, scored: 0, hitRate: null, avgReturn: null, outcomesAll: 0, hitRateAll: null, avgReturnAll: null },
        hits: 0,
        sum: 0,
        hitsAll: 0,
        sumAll: 0,
      };
      by.set(r.model_id, m);
    }
    m.p.alerts++;
    const acked = r.acknowledged_at !== null;
    const wasFilled = filled.has(r.alert_id);
    if (acked) m.p.acknowledged++;
    if (wasFilled) m.p.filled++;
    const o = outcomes.get(r.alert_id);
    if (!o) continue;
    m.p.outcomesAll++;
    m.hitsAll += o.hit ? 1 : 0;
    m.sumAll += o.realized_return;
    if (acked || wasFilled) {
      m.p.scored++;
      m.hits += o.hit ? 1 : 0;
      m.sum += o.realized_return;
    }
  }
  const out: ModelPerformance[] = [];
  for (const { p, hits, sum, hitsAll, sumAll } of by.values()) {
    if (p.scored > 0) {
      p.hitRate = hits / p.scored;
      p.avgReturn = sum / p.scored;
    }
    if (p.outcomesAll > 0) {
      p.hitRateAll = hitsAll / p.outcomesAll;
      p.avgReturnAll = sumAll / p.outcomesAll;
    }
    out.push(p);
  }
  return out.sort((a, b) => b.alerts - a.alerts || a.modelId.localeCompare(b.modelId));
}
