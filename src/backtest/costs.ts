/**
 * The cost model every engine shares (vectorised, portfolio, paper broker), so
 * that the same order gives the same fill to the last bit wherever it runs.
 *
 * - fee: `feeRate * traded value + fixed` (fixed differs on entry and exit orders).
 * - slippage: the fill price moves against the order by
 *   `slippageBps / 1e4 + volumeImpact * qty / barVolume` (a linear impact in the
 *   share of the bar's volume the order takes).
 * - cash-limited buys spend at most the budget, fees included (vectorbt's
 *   `from_signals` with `size=inf`: size = (cash - fixed) / (price * (1 + fee))).
 */
export interface CostModel {
  /** Fee as a fraction of traded value (0.001 = 10 bps). */
  feeRate: number;
  /** Fixed fee per entry order (opening or adding to a position). */
  fixedFeeEntry: number;
  /** Fixed fee per exit order (reducing or closing a position). */
  fixedFeeExit: number;
  /** Slippage in basis points of price, against the order. */
  slippageBps: number;
  /** Extra slippage fraction per unit of qty / bar volume (0 = off). */
  volumeImpact: number;
  /** Round quantities down to whole shares. */
  wholeShares: boolean;
}

/** No costs, fractional shares. */
export const NO_COSTS: Readonly<CostModel> = Object.freeze({
  feeRate: 0,
  fixedFeeEntry: 0,
  fixedFeeExit: 0,
  slippageBps: 0,
  volumeImpact: 0,
  wholeShares: false,
});

/** A cost model with defaults filled in. */
export function costModel(p: Partial<CostModel> = {}): CostModel {
  const c = { ...NO_COSTS, ...p };
  for (const k of ['feeRate', 'fixedFeeEntry', 'fixedFeeExit', 'slippageBps', 'volumeImpact'] as const) {
    if (!(c[k] >= 0) || !Number.isFinite(c[k])) throw new RangeError(`${k} must be a finite number >= 0, got ${c[k]}`);
  }
  return c;
}

/** Fill price of an order of `qty` (> 0) at reference `price`; `dir` +1 buy, -1 sell. */
export function fillPrice(c: CostModel, dir: 1 | -1, price: number, qty: number, volume: number): number {
  let slip = c.slippageBps * 1e-4;
  if (c.volumeImpact > 0 && volume > 0) slip += (c.volumeImpact * qty) / volume;
  return slip === 0 ? price : price * (1 + dir * slip);
}

/** Fee of a fill of value `value` (> 0). */
export function feeOf(c: CostModel, value: number, entry: boolean): number {
  return value * c.feeRate + (entry ? c.fixedFeeEntry : c.fixedFeeExit);
}

/**
 * Largest quantity whose cost (slippage against a buy, fees included) fits in
 * `budget` for an entry order; shorts are sized by the same notional rule.
 * With volume impact the cost is quadratic in qty and solved exactly.
 */
export function qtyForBudget(c: CostModel, budget: number, price: number, volume: number): number {
  const spend = budget - c.fixedFeeEntry;
  if (!(spend > 0) || !(price > 0)) return 0;
  const base = price * (1 + c.slippageBps * 1e-4);
  let q: number;
  if (c.volumeImpact > 0 && volume > 0) {
    // qty * price * (1 + s0 + k*qty/V) * (1 + fee) = spend  ->  a q^2 + b q - spend = 0
    const a = (price * c.volumeImpact * (1 + c.feeRate)) / volume;
    const b = base * (1 + c.feeRate);
    q = (2 * spend) / (b + Math.sqrt(b * b + 4 * a * spend));
  } else {
    q = spend / (base * (1 + c.feeRate));
  }
  return c.wholeShares ? Math.floor(q + 1e-9) : q;
}

/** Round a requested quantity to the model's share granularity. */
export function roundQty(c: CostModel, qty: number): number {
  return c.wholeShares ? Math.floor(qty + 1e-9) : qty;
}
