/**
 * Stage 7 (alerts): each approved signal becomes a stock alert in the Pack
 * System format (validated by the alert schema), with the pack's stop and
 * target around the last close, stored with AlertStore.
 */
import type { Store } from '../adapters/store/store.ts';
import type { StockAlert } from '../core/alert.ts';
import { MS_PER_DAY, type Clock } from '../core/time.ts';
import { alertId } from '../live/alerts/alertId.ts';
import { parseAlert } from '../live/alerts/alertSchema.ts';
import { AlertStore } from '../live/alerts/alertStore.ts';
import { urgencyOf } from '../live/alerts/alertEngine.ts';
import type { Pack } from '../strategy/packs/schema.ts';
import type { RiskDecision } from './riskGate.ts';

/** An approved decision with the bar it was made on. */
export interface AlertInput {
  decision: RiskDecision;
  prob: number;
  /** Time of the signal's bar (epoch ms). */
  barTime: number;
  modelId: string;
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** Build (and validate) the alert of one approved decision; valid for one day after its bar. */
export function buildAlert(a: AlertInput, risk: Pack['policies']['risk']): StockAlert {
  const d = a.decision;
  const alert: StockAlert = {
    alert_id: alertId(a.barTime),
    timestamp: new Date(a.barTime).toISOString(),
    model_id: a.modelId,
    action: 'BUY',
    confidence: a.prob,
    entry_price: d.price,
    stop_loss: risk.stop_loss > 0 ? round4(d.price * (1 - risk.stop_loss)) : null,
    take_profit: risk.take_profit > 0 ? round4(d.price * (1 + risk.take_profit)) : null,
    urgency: urgencyOf(a.prob),
    valid_until: new Date(a.barTime + MS_PER_DAY).toISOString(),
    quantity: d.qty,
    instrument: 'stock',
    ticker: d.symbol,
  };
  return parseAlert(alert) as StockAlert;
}

/** Build and store the alerts of the approved decisions, in one transaction. */
export async function runAlerts(store: Store, clock: Clock, inputs: readonly AlertInput[], risk: Pack['policies']['risk']): Promise<StockAlert[]> {
  const alerts = inputs.map((a) => buildAlert(a, risk));
  await new AlertStore(store, clock).save({ alerts, decisions: [] });
  return alerts;
}
