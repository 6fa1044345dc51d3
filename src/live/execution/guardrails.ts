/** Limits every order must pass, and the circuit breakers that halt trading. */
export interface Guardrails {
  /** Sum of today's order notionals may not exceed this. */
  maxDailyNotional: number;
  /** Per-order notional bounds. */
  minTradeNotional: number;
  maxTradeNotional: number;
  /** Absolute notional of one symbol's position after the order. */
  maxPositionNotional: number;
  /** Halt when today's loss (equity below start of day) reaches this. */
  dailyLossLimit: number;
  /** Halt after this many broker failures in a row. */
  maxConsecutiveFailures: number;
  /** Halt when VIX is at or above this level... */
  vixHaltLevel: number;
  /** ...or rises by this fraction from the previous reading (0.25 = +25%). */
  vixSpikeChange: number;
}

/** Conservative defaults for a small account; every one is settable. */
export const DEFAULT_GUARDRAILS: Readonly<Guardrails> = Object.freeze({
  maxDailyNotional: 50_000,
  minTradeNotional: 1,
  maxTradeNotional: 10_000,
  maxPositionNotional: 20_000,
  dailyLossLimit: 2_000,
  maxConsecutiveFailures: 3,
  vixHaltLevel: 40,
  vixSpikeChange: 0.25,
});

/** ACTIVE trades; REDUCING only lets orders that shrink a position through; HALTED refuses all. */
export const TradingState = { ACTIVE: 'ACTIVE', REDUCING: 'REDUCING', HALTED: 'HALTED' } as const;
export type TradingState = (typeof TradingState)[keyof typeof TradingState];

/** The figures a pre-trade check needs, gathered by the gate. */
export interface PreTradeContext {
  state: TradingState;
  notional: number;
  todayNotional: number;
  /** Signed position quantity in the symbol before the order. */
  positionQty: number;
  refPrice: number;
  /** Signed quantity change of this order. */
  deltaQty: number;
  todayLoss: number;
}

/** Pure pre-trade check: the list of reasons to refuse (empty means pass). */
export function preTradeCheck(g: Guardrails, c: PreTradeContext): string[] {
  const reasons: string[] = [];
  const reduces = c.positionQty !== 0 && Math.sign(c.deltaQty) === -Math.sign(c.positionQty) && Math.abs(c.deltaQty) <= Math.abs(c.positionQty);
  if (c.state === TradingState.HALTED) reasons.push('trading is HALTED');
  if (c.state === TradingState.REDUCING && !reduces) reasons.push('trading is REDUCING: only orders that shrink a position are allowed');
  if (!(c.notional > 0) || !Number.isFinite(c.notional)) reasons.push(`order notional ${c.notional} is not a positive number`);
  if (c.notional < g.minTradeNotional) reasons.push(`notional ${c.notional.toFixed(2)} below per-trade minimum ${g.minTradeNotional}`);
  if (c.notional > g.maxTradeNotional) reasons.push(`notional ${c.notional.toFixed(2)} above per-trade maximum ${g.maxTradeNotional}`);
  if (!reduces && c.todayNotional + c.notional > g.maxDailyNotional) {
    reasons.push(`daily notional would reach ${(c.todayNotional + c.notional).toFixed(2)}, above ${g.maxDailyNotional}`);
  }
  const after = Math.abs((c.positionQty + c.deltaQty) * c.refPrice);
  if (!reduces && after > g.maxPositionNotional) reasons.push(`position would be ${after.toFixed(2)}, above the maximum ${g.maxPositionNotional}`);
  if (!reduces && c.todayLoss >= g.dailyLossLimit) reasons.push(`daily loss ${c.todayLoss.toFixed(2)} reached the limit ${g.dailyLossLimit}`);
  return reasons;
}
