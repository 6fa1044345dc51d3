/**
 * What became of an alert: after the alert's bar, the first of stop loss,
 * take profit or the horizon's close ends the trade, and an `alert.outcome`
 * event records the return in the alert's direction. GET /alerts/performance
 * reads these events; nothing is estimated where no outcome was recorded.
 */
import type { Store } from '../../adapters/store/store.ts';
import type { Alert } from '../../core/alert.ts';
import type { BarSeries } from '../../core/bar.ts';
import { MS_PER_DAY } from '../../core/time.ts';
import type { DataProvider } from '../../data/provider.ts';
import { upperBound } from '../../data/range.ts';
import { alertTicker } from './alertSchema.ts';

/** How an alert's trade ended. */
export type OutcomeExit = 'stop_loss' | 'take_profit' | 'horizon';

/** One recorded outcome (the payload of an `alert.outcome` event). */
export interface AlertOutcome {
  alert_id: string;
  model_id: string;
  symbol: string;
  action: 'BUY' | 'SELL';
  entry_price: number;
  exit_price: number;
  exit_time: string;
  exit: OutcomeExit;
  /** Return in the alert's direction on the underlying's price (a SELL that falls 2% is +0.02). */
  realized_return: number;
  hit: boolean;
}

/**
 * The outcome of `alert` over daily `bars`, or null while fewer than `horizon`
 * bars follow its bar (or for a HOLD). A bar that touches both stop and target
 * counts as the stop: daily bars do not say which came first, so the worse is assumed.
 */
export function alertOutcome(alert: Alert, bars: BarSeries, horizon: number): AlertOutcome | null {
  if (alert.action === 'HOLD') return null;
  const t = Date.parse(alert.timestamp);
  // Bars are stamped at their open; the alert's bar is the last one stamped at or before it.
  const i = upperBound(bars.time, t) - 1;
  const last = i + horizon;
  if (i < 0 || last >= bars.close.length) return null;
  const dir = alert.action === 'BUY' ? 1 : -1;
  let exit: OutcomeExit = 'horizon';
  let price = bars.close[last]!;
  let at = last;
  for (let j = i + 1; j <= last; j++) {
    const adverse = dir > 0 ? bars.low[j]! : bars.high[j]!;
    const favourable = dir > 0 ? bars.high[j]! : bars.low[j]!;
    if (alert.stop_loss !== null && dir * (adverse - alert.stop_loss) <= 0) {
      exit = 'stop_loss';
      price = alert.stop_loss;
      at = j;
      break;
    }
    if (alert.take_profit !== null && dir * (favourable - alert.take_profit) >= 0) {
      exit = 'take_profit';
      price = alert.take_profit;
      at = j;
      break;
    }
  }
  const realized = dir * (price / alert.entry_price - 1);
  return {
    alert_id: alert.alert_id,
    model_id: alert.model_id,
    symbol: alertTicker(alert),
    action: alert.action,
    entry_price: alert.entry_price,
    exit_price: price,
    exit_time: new Date(bars.time[at]!).toISOString(),
    exit,
    realized_return: realized,
    hit: realized > 0,
  };
}

/** Summary of one recording pass. */
export interface OutcomePass {
  checked: number;
  recorded: AlertOutcome[];
  pending: number;
  failed: { alert_id: string; error: string }[];
}

/** Record outcomes of stored BUY/SELL alerts whose horizon (daily bars) has passed by `now`; each alert is recorded once. */
export async function recordAlertOutcomes(store: Store, provider: DataProvider, now: number, horizon = 5): Promise<OutcomePass> {
  const done = new Set((await store.events({ type: 'alert.outcome' })).map((e) => e.correlationId));
  const rows = await store.db.selectFrom('alerts').select(['alert_id', 'record']).where('action', '!=', 'HOLD').where('timestamp', '<=', new Date(now).toISOString()).execute();
  const recorded: AlertOutcome[] = [];
  const failed: OutcomePass['failed'] = [];
  let pending = 0;
  for (const r of rows) {
    if (done.has(r.alert_id)) continue;
    const alert = JSON.parse(r.record) as Alert;
    try {
      const t = Date.parse(alert.timestamp);
      const bars = await provider.getBars({ symbol: alertTicker(alert), timeframe: '1d', start: t - 10 * MS_PER_DAY, end: now });
      const o = alertOutcome(alert, bars, horizon);
      if (o) recorded.push(o);
      else pending++;
    } catch (err) {
      failed.push({ alert_id: r.alert_id, error: err instanceof Error ? err.message : String(err) });
    }
  }
  if (recorded.length > 0) await store.append(recorded.map((o) => ({ type: 'alert.outcome', subject: o.symbol, correlationId: o.alert_id, payload: o })));
  return { checked: rows.length, recorded, pending, failed };
}
