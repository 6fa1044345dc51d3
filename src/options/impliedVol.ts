/**
 * Implied volatility: Newton on the Black-Scholes price inside a shrinking bracket
 * (bisection whenever a Newton step leaves it), with a clear error outside the no-arbitrage bounds.
 */
import { BadInputError } from '../core/errors.ts';
import { normPdf } from '../core/math/normal.ts';
import { bsPrice, type OptionType } from './blackScholes.ts';

/** Inputs of an implied-volatility solve. */
export interface IvInputs {
  type: OptionType;
  price: number;
  spot: number;
  strike: number;
  t: number;
  rate: number;
  div?: number;
}

/** No-arbitrage price bounds (lower, upper) for a European option. */
export function arbitrageBounds(type: OptionType, spot: number, strike: number, t: number, rate: number, div = 0): { lower: number; upper: number } {
  const fs = spot * Math.exp(-div * t);
  const fk = strike * Math.exp(-rate * t);
  return type === 'call' ? { lower: Math.max(0, fs - fk), upper: fs } : { lower: Math.max(0, fk - fs), upper: fk };
}

/** Volatility that reproduces `price`; throws BadInputError naming the bound when none exists. */
export function impliedVol(p: IvInputs): number {
  const { type, price, spot, strike, t, rate } = p;
  const q = p.div ?? 0;
  if (!(spot > 0) || !(strike > 0) || !(t > 0) || !Number.isFinite(price) || !Number.isFinite(rate))
    throw new BadInputError(`implied vol: need spot > 0, strike > 0, t > 0 and finite price and rate (got spot ${spot}, strike ${strike}, t ${t}, price ${price})`);
  const { lower, upper } = arbitrageBounds(type, spot, strike, t, rate, q);
  const tol = 1e-12 * Math.max(1, spot);
  if (price <= lower + tol * 1e-3 || price >= upper)
    throw new BadInputError(
      `implied vol: ${type} price ${price} is outside the no-arbitrage bounds (${lower.toPrecision(10)}, ${upper.toPrecision(10)}) for spot ${spot}, strike ${strike}, t ${t}`,
    );
  let lo = 1e-9;
  let hi = 1;
  while (bsPrice(type, spot, strike, t, rate, hi, q) < price) {
    lo = hi;
    hi *= 2;
    if (hi > 1e4) throw new BadInputError(`implied vol: price ${price} needs a volatility above 1e4`);
  }
  // Manaster-Koehler start: the vol where d1 is insensitive to sigma, clipped into the bracket.
  const fwdRatio = Math.log((spot * Math.exp(-q * t)) / (strike * Math.exp(-rate * t)));
  let x = Math.sqrt((2 * Math.abs(fwdRatio)) / t) || 0.2;
  if (!(x > lo && x < hi)) x = 0.5 * (lo + hi);
  const sqt = Math.sqrt(t);
  for (let i = 0; i < 200; i++) {
    const f = bsPrice(type, spot, strike, t, rate, x, q) - price;
    if (f > 0) hi = x;
    else lo = x;
    const sd = x * sqt;
    const d1 = fwdRatio / sd + 0.5 * sd;
    const vega = spot * Math.exp(-q * t) * normPdf(d1) * sqt;
    let nx = vega > 0 ? x - f / vega : NaN;
    if (!(nx > lo && nx < hi)) nx = 0.5 * (lo + hi);
    if (Math.abs(nx - x) <= 1e-15 * Math.max(1e-3, x) || hi - lo <= 1e-15 * x) return nx;
    x = nx;
  }
  return x;
}
