/**
 * Stop-loss and take-profit levels for an option position, derived from underlying price
 * levels through a second-order (delta-gamma) expansion or a full Black-Scholes repricing.
 */
import { BadInputError } from '../core/errors.ts';
import { blackScholes, type BsInputs } from './blackScholes.ts';

/** Option price after the underlying moves by dS: P + delta dS + gamma dS^2 / 2, floored at 0. */
export function deltaGammaPrice(price: number, delta: number, gamma: number, dS: number): number {
  return Math.max(0, price + delta * dS + 0.5 * gamma * dS * dS);
}

/** Underlying stop and target levels. */
export interface UnderlyingExits {
  stop: number;
  target: number;
}

/** Option-premium stop and target, by both methods. */
export interface OptionExits {
  entry: number;
  stopLoss: number;
  takeProfit: number;
  /** Same levels by full repricing at the new spot (same vol, rate and time). */
  stopLossRepriced: number;
  takeProfitRepriced: number;
}

/** Premium levels at which to exit when the underlying hits its stop or target. */
export function optionExits(opt: BsInputs, exits: UnderlyingExits): OptionExits {
  if (!(exits.stop > 0) || !(exits.target > 0)) throw new BadInputError(`exits: underlying stop and target must be > 0 (got ${exits.stop}, ${exits.target})`);
  const g = blackScholes(opt);
  return {
    entry: g.price,
    stopLoss: deltaGammaPrice(g.price, g.delta, g.gamma, exits.stop - opt.spot),
    takeProfit: deltaGammaPrice(g.price, g.delta, g.gamma, exits.target - opt.spot),
    stopLossRepriced: blackScholes({ ...opt, spot: exits.stop }).price,
    takeProfitRepriced: blackScholes({ ...opt, spot: exits.target }).price,
  };
}
