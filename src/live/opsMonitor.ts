import type { Store } from '../adapters/store/store.ts';
import type { Clock } from '../core/time.ts';
import type { Notifier } from './notifier.ts';

/** When the operator is told: failures and activity counts over a sliding window. */
export interface OpsThresholds {
  windowMinutes: number;
  /** Failure events (`*.failed`, rejected webhooks) in the window before an alert. */
  maxFailures: number;
  /** Orders submitted in the window above which the rate is abnormal. */
  maxOrders: number;
  /** Alerts created in the window above which the rate is abnormal. */
  maxAlerts: number;
}

export const DEFAULT_OPS_THRESHOLDS: Readonly<OpsThresholds> = Object.freeze({ windowMinutes: 15, maxFailures: 5, maxOrders: 50, maxAlerts: 2_000 });

/** One condition the operator was told about. */
export interface OpsAlert {
  kind: 'failures' | 'order_rate' | 'alert_rate';
  count: number;
  limit: number;
  message: string;
}

/** Event types that count as failures (besides every `*.failed`). */
const FAILURE_TYPES = ['webhook.rejected', 'run.symbol_failed'];

/**
 * Watches the audit trail for failures and abnormal rates and tells the
 * operator through a notifier, once per condition per window; every alert is
 * itself an `ops.alert` event. Run on a schedule by `serve`.
 */
export class OpsMonitor {
  private readonly t: OpsThresholds;

  constructor(private readonly deps: { store: Store; notifier: Notifier; clock: Clock; to: string; thresholds?: Partial<OpsThresholds> }) {
    this.t = { ...DEFAULT_OPS_THRESHOLDS, ...deps.thresholds };
  }

  /** Check the window now; returns the alerts sent. */
  async check(): Promise<OpsAlert[]> {
    const { store, clock } = this.deps;
    const now = clock.now();
    const since = new Date(now - this.t.windowMinutes * 60_000).toISOString();
    const failures = Number(
      (
        await store.db
          .selectFrom('events')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('ts', '>=', since)
          .where((eb) => eb.or([eb('type', 'like', '%.failed'), eb('type', 'like', '%.job_failed'), eb('type', 'in', FAILURE_TYPES)]))
          .executeTakeFirst()
      )?.n ?? 0,
    );
    const orders = Number(
      (await store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('ts', '>=', since).where('type', '=', 'order.submitted').executeTakeFirst())?.n ?? 0,
    );
    const alerts = Number((await store.db.selectFrom('alerts').select((eb) => eb.fn.countAll<number>().as('n')).where('created_at', '>=', since).executeTakeFirst())?.n ?? 0);
    const found: OpsAlert[] = [];
    const window = `${this.t.windowMinutes} min`;
    if (failures >= this.t.maxFailures) found.push({ kind: 'failures', count: failures, limit: this.t.maxFailures, message: `${failures} failures in the last ${window} (limit ${this.t.maxFailures})` });
    if (orders > this.t.maxOrders) found.push({ kind: 'order_rate', count: orders, limit: this.t.maxOrders, message: `${orders} orders in the last ${window}, above ${this.t.maxOrders}` });
    if (alerts > this.t.maxAlerts) found.push({ kind: 'alert_rate', count: alerts, limit: this.t.maxAlerts, message: `${alerts} alerts in the last ${window}, above ${this.t.maxAlerts}` });

    const sent: OpsAlert[] = [];
    for (const a of found) {
      const key = `ops_alert:${a.kind}`;
      const last = await store.getValue<number>(key);
      if (last !== undefined && now - last < this.t.windowMinutes * 60_000) continue;
      await this.deps.notifier.send({ to: this.deps.to, body: `tradepilot ops: ${a.message}`, data: { ...a } });
      await store.transaction(async (trx) => {
        await store.setValue(key, now, trx);
        await store.append({ type: 'ops.alert', subject: a.kind, payload: a, time: now }, trx);
      });
      sent.push(a);
    }
    return sent;
  }
}
