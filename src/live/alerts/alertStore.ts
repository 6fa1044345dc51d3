import type { Insertable, Selectable } from 'kysely';
import type { AlertsTable } from '../../adapters/store/schema.ts';
import type { NewEvent, Store } from '../../adapters/store/store.ts';
import type { Alert } from '../../core/alert.ts';
import type { Clock } from '../../core/time.ts';
import { bumpAlertGeneration } from './alertGeneration.ts';
import { alertTicker } from './alertSchema.ts';
import type { AlertBatch } from './alertEngine.ts';

/** A stored alert row. */
export type AlertRow = Selectable<AlertsTable>;

/** Rows per multi-row INSERT: 15 columns x 2000 = 30,000 parameters, under SQLite's 32,766 and PostgreSQL's 65,535. */
const CHUNK = 2000;

/**
 * Persists alert batches: the alerts into `alerts` and every conflict decision
 * as an `alert.conflict` event, plus one `alert.stored` event naming the
 * stored ids, all in one transaction, with multi-row inserts
 * so thousands of alerts a second cost a few statements.
 */
export class AlertStore {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Store one or many batches atomically; returns how many alerts were written. */
  async save(batches: AlertBatch | readonly AlertBatch[]): Promise<number> {
    const list = Array.isArray(batches) ? (batches as readonly AlertBatch[]) : [batches as AlertBatch];
    const createdAt = new Date(this.clock.now()).toISOString();
    const rows: Insertable<AlertsTable>[] = [];
    const events: NewEvent[] = [];
    for (const b of list) {
      for (const a of b.alerts) rows.push(toRow(a, createdAt));
      for (const d of b.decisions) events.push({ type: 'alert.conflict', subject: d.ticker, correlationId: d.winner_alert_id, payload: d, time: Date.parse(d.timestamp) });
    }
    if (rows.length === 0 && events.length === 0) return 0;
    // One event per save names the stored alerts, so live followers (GET /alerts/stream) see them in order.
    if (rows.length > 0) events.push({ type: 'alert.stored', payload: { alert_ids: rows.map((r) => r.alert_id) }, time: this.clock.now() });
    try {
      await this.store.transaction(async (trx) => {
        for (let i = 0; i < rows.length; i += CHUNK) await trx.insertInto('alerts').values(rows.slice(i, i + CHUNK)).execute();
        if (events.length > 0) await this.store.append(events, trx);
      });
    } finally {
      // After the commit: cached alert pages (GET /alerts) read before it are stale from here on.
      if (rows.length > 0) bumpAlertGeneration(this.store);
    }
    return rows.length;
  }

  /** Alerts newest first, optionally for one ticker or model. */
  async list(q: { ticker?: string; modelId?: string; since?: string; limit?: number } = {}): Promise<Alert[]> {
    let query = this.store.db.selectFrom('alerts').select('record').orderBy('timestamp', 'desc').orderBy('alert_id', 'desc').limit(q.limit ?? 100);
    if (q.ticker) query = query.where('ticker', '=', q.ticker);
    if (q.modelId) query = query.where('model_id', '=', q.modelId);
    if (q.since) query = query.where('timestamp', '>=', q.since);
    return (await query.execute()).map((r) => JSON.parse(r.record) as Alert);
  }

  async get(alertId: string): Promise<Alert | undefined> {
    const r = await this.store.db.selectFrom('alerts').select('record').where('alert_id', '=', alertId).executeTakeFirst();
    return r ? (JSON.parse(r.record) as Alert) : undefined;
  }
}

function toRow(a: Alert, createdAt: string): Insertable<AlertsTable> {
  return {
    alert_id: a.alert_id,
    timestamp: a.timestamp,
    model_id: a.model_id,
    instrument: a.instrument,
    ticker: alertTicker(a),
    action: a.action,
    confidence: a.confidence,
    quantity: a.quantity,
    entry_price: a.entry_price,
    stop_loss: a.stop_loss,
    take_profit: a.take_profit,
    urgency: a.urgency,
    valid_until: a.valid_until,
    record: JSON.stringify(a),
    created_at: createdAt,
  };
}
