/**
 * Stages 8-9 (confirm, execute): every alert becomes a pending confirmation
 * (src/live/confirm). An answerer (the terminal's YES/NO prompt, or `--yes`)
 * decides it at once under the same rules as an SMS reply, and a YES places
 * the paper order through the OrderGate; without one the confirmation stays
 * pending for `tradepilot confirm ID yes|no`.
 */
import type { StockAlert } from '../core/alert.ts';
import type { GateDecision } from '../live/execution/orderGate.ts';
import type { LiveRuntime } from '../live/runtime.ts';

/** Asks a person about one alert: YES, NO, or undefined to leave it pending. */
export type Answerer = (alert: StockAlert, confirmationId: string) => Promise<'YES' | 'NO' | undefined>;

/** What became of one alert. */
export interface ConfirmationResult {
  confirmation_id: string;
  alert_id: string;
  symbol: string;
  action: 'BUY' | 'SELL';
  quantity: number;
  /** pending, rejected, executed, failed, expired. */
  status: string;
  reply: string;
  order?: GateDecision;
}

/** Request a confirmation per alert, then let the answerer decide each (in alert order). */
export async function runConfirm(rt: LiveRuntime, alerts: readonly StockAlert[], signalIds: ReadonlyMap<string, string>, answer: Answerer | undefined, actor: string): Promise<ConfirmationResult[]> {
  const out: ConfirmationResult[] = [];
  for (const a of alerts) {
    const { confirmation } = await rt.confirmations.request({ symbol: a.ticker, action: 'BUY', confidence: a.confidence, quantity: a.quantity, predictionId: signalIds.get(a.ticker), alertId: a.alert_id });
    const decision = answer ? await answer(a, confirmation.id) : undefined;
    let reply = `pending: answer with tradepilot confirm ${confirmation.id} yes|no`;
    let order: GateDecision | undefined;
    if (decision) {
      const outcome = await rt.confirmations.decide(confirmation.id, decision, 'cli', actor);
      reply = outcome.reply || outcome.kind;
      order = outcome.receipt as GateDecision | undefined;
    }
    const after = await rt.confirmations.get(confirmation.id);
    out.push({ confirmation_id: after.id, alert_id: a.alert_id, symbol: a.ticker, action: 'BUY', quantity: a.quantity, status: after.status, reply, ...(order ? { order } : {}) });
  }
  return out;
}
