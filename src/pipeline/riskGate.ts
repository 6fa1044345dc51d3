/**
 * Stage 6 (risk): today's BUY signals, best edge first, sized and checked
 * before any alert exists. Size: the pack's position_size of the paper
 * account, scaled to a volatility target by the GARCH(1,1) forecast over the
 * hold period (src/risk), capped by the guardrails' per-trade and per-position
 * notionals, in whole shares. Then the pack's max_positions and the order
 * gate's own pre-trade check (src/live/execution/guardrails.ts), with the day's
 * notional so far: a signal that the gate would refuse never becomes an alert.
 */
import { annualise, forecastVariance, volRegime, type VolRegime } from '../risk/garch/forecast.ts';
import { fitGarch } from '../risk/garch/fit.ts';
import { volTargetWeight } from '../risk/sizing.ts';
import { historicalVar } from '../risk/var/var.ts';
import { preTradeCheck, type Guardrails, type TradingState } from '../live/execution/guardrails.ts';
import type { Pack } from '../strategy/packs/schema.ts';

/** Annualised volatility a position is scaled to (never levered above the pack's size). */
export const RUN_TARGET_VOL = 0.2;

/** Daily returns the risk model reads (about two years). */
export const RISK_LOOKBACK = 500;

/** One of today's signals as the risk stage sees it. */
export interface RiskCandidate {
  symbol: string;
  signalId: string;
  prob: number;
  threshold: number;
  price: number;
  close: Float64Array;
}

/** The risk figures and verdict for one signal. */
export interface RiskDecision {
  symbol: string;
  signal_id: string;
  approved: boolean;
  reasons: string[];
  qty: number;
  notional: number;
  price: number;
  forecast_vol: number;
  vol_regime: VolRegime | 'unknown';
  /** One-day 99% historical VaR of the position, in account currency. */
  var_99: number;
  weight: number;
}

/** What the risk stage needs from the account and the gate. */
export interface RiskContext {
  equity: number;
  state: TradingState;
  todayNotional: number;
  guardrails: Guardrails;
  risk: Pack['policies']['risk'];
  horizon: number;
}

/** Annualised forecast volatility over `horizon` days from GARCH(1,1), or the sample volatility when the fit fails. */
export function forecastVol(close: Float64Array, horizon: number): { vol: number; regime: VolRegime | 'unknown'; returns: Float64Array } {
  const n = close.length;
  const from = Math.max(1, n - RISK_LOOKBACK);
  const r = new Float64Array(n - from);
  for (let i = from; i < n; i++) r[i - from] = Math.log(close[i]! / close[i - 1]!);
  try {
    const fit = fitGarch(r);
    const f = forecastVariance(fit, horizon);
    const mean = f.reduce((s, v) => s + v, 0) / f.length;
    const vol = annualise(mean, 252);
    if (Number.isFinite(vol) && vol > 0) return { vol, regime: volRegime(fit), returns: r };
  } catch {
    // A fit that does not converge falls back to the plain estimate below; the decision records 'unknown'.
  }
  let m = 0;
  for (const x of r) m += x;
  m /= r.length;
  let v = 0;
  for (const x of r) v += (x - m) ** 2;
  return { vol: Math.sqrt((v / Math.max(1, r.length - 1)) * 252), regime: 'unknown', returns: r };
}

/** Size and check every candidate (best edge first); the approved ones become alerts. */
export function riskGate(candidates: readonly RiskCandidate[], ctx: RiskContext): RiskDecision[] {
  const order = [...candidates].sort((a, b) => b.prob - b.threshold - (a.prob - a.threshold));
  let approvedCount = 0;
  let today = ctx.todayNotional;
  return order.map((c) => {
    const reasons: string[] = [];
    const fv = forecastVol(c.close, ctx.horizon);
    const weight = fv.vol > 0 ? volTargetWeight(RUN_TARGET_VOL, fv.vol, 1) : 0;
    const g = ctx.guardrails;
    const budget = Math.min(ctx.equity * ctx.risk.position_size * weight, g.maxTradeNotional, g.maxPositionNotional);
    const qty = c.price > 0 ? Math.floor(budget / c.price) : 0;
    const notional = qty * c.price;
    if (qty < 1) reasons.push(`one share at ${c.price.toFixed(2)} is above the size budget ${budget.toFixed(2)}`);
    if (approvedCount >= ctx.risk.max_positions) reasons.push(`the pack allows ${ctx.risk.max_positions} positions at once`);
    if (qty >= 1) reasons.push(...preTradeCheck(g, { state: ctx.state, notional, todayNotional: today, positionQty: 0, refPrice: c.price, deltaQty: qty, todayLoss: 0 }));
    const approved = reasons.length === 0;
    if (approved) {
      approvedCount++;
      today += notional;
    }
    const var99 = fv.returns.length >= 20 ? historicalVar(fv.returns, 0.99).var * notional : NaN;
    return { symbol: c.symbol, signal_id: c.signalId, approved, reasons, qty: approved ? qty : 0, notional: approved ? notional : 0, price: c.price, forecast_vol: fv.vol, vol_regime: fv.regime, var_99: var99, weight };
  });
}
