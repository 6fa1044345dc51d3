/** Position sizing rules: fixed fractional, volatility targeting and fractional Kelly with a cap. */
import { BadInputError } from '../core/errors.ts';

/**
 * Fixed fractional: risk `fraction` of equity between entry and stop; returns the number of
 * units (floored to whole units).
 */
export function fixedFractional(equity: number, fraction: number, entry: number, stop: number): number {
  const perUnit = Math.abs(entry - stop);
  if (!(equity > 0) || !(fraction > 0 && fraction <= 1) || !(perUnit > 0))
    throw new BadInputError(`fixed fractional: need equity > 0, 0 < fraction <= 1 and entry != stop (got ${equity}, ${fraction}, ${entry}, ${stop})`);
  return Math.floor((equity * fraction) / perUnit);
}

/**
 * Volatility targeting: the exposure (fraction of equity, capped at `maxLeverage`) that makes
 * the position's annualised volatility equal `targetVol`.
 */
export function volTargetWeight(targetVol: number, assetVol: number, maxLeverage = 1): number {
  if (!(targetVol > 0) || !(assetVol > 0)) throw new BadInputError(`vol targeting: need target and asset vol > 0 (got ${targetVol}, ${assetVol})`);
  return Math.min(maxLeverage, targetVol / assetVol);
}

/** Kelly fraction for a binary bet: win probability p, win/loss payoff ratio b: f* = p - (1-p)/b. */
export function kellyBinary(p: number, b: number): number {
  if (!(p >= 0 && p <= 1) || !(b > 0)) throw new BadInputError(`Kelly: need 0 <= p <= 1 and payoff ratio > 0 (got ${p}, ${b})`);
  return p - (1 - p) / b;
}

/** Kelly fraction for a continuous return with mean `mu` and variance `variance`: mu / variance. */
export function kellyContinuous(mu: number, variance: number): number {
  if (!(variance > 0)) throw new BadInputError(`Kelly: variance must be > 0 (got ${variance})`);
  return mu / variance;
}

/** Fractional Kelly: `fraction` x full Kelly, clipped to [0, cap] (never short through sizing). */
export function fractionalKelly(fullKelly: number, fraction = 0.5, cap = 0.25): number {
  if (!(fraction > 0 && fraction <= 1) || !(cap > 0)) throw new BadInputError(`fractional Kelly: need 0 < fraction <= 1 and cap > 0 (got ${fraction}, ${cap})`);
  return Math.min(cap, Math.max(0, fraction * fullKelly));
}
