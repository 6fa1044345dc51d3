/**
 * Black-Scholes-Merton prices and greeks for European options with a continuous dividend
 * yield q. Theta is per year (divide by 365 for per calendar day); vega and rho per unit
 * (1.00 = 100 vol points / 100% rate).
 */
import { BadInputError } from '../core/errors.ts';
import { normCdf, normPdf } from '../core/math/normal.ts';

/** Call or put. */
export type OptionType = 'call' | 'put';

/** Inputs of one option valuation. */
export interface BsInputs {
  type: OptionType;
  /** Spot price of the underlying. */
  spot: number;
  strike: number;
  /** Time to expiry in years. */
  t: number;
  /** Continuously compounded risk-free rate. */
  rate: number;
  /** Volatility (annualised, e.g. 0.2). */
  vol: number;
  /** Continuous dividend yield (default 0). */
  div?: number;
}

/** Price and greeks. */
export interface BsResult {
  price: number;
  delta: number;
  gamma: number;
  theta: number;
  vega: number;
  rho: number;
}

/** Throws BadInputError unless the inputs are finite and in range. */
export function checkBsInputs(p: BsInputs): void {
  const bad: string[] = [];
  if (!(p.spot > 0)) bad.push(`spot must be > 0 (got ${p.spot})`);
  if (!(p.strike > 0)) bad.push(`strike must be > 0 (got ${p.strike})`);
  if (!(p.t >= 0) || !Number.isFinite(p.t)) bad.push(`time to expiry must be >= 0 years (got ${p.t})`);
  if (!Number.isFinite(p.rate)) bad.push(`rate must be finite (got ${p.rate})`);
  if (!(p.vol >= 0) || !Number.isFinite(p.vol)) bad.push(`vol must be >= 0 (got ${p.vol})`);
  if (p.type !== 'call' && p.type !== 'put') bad.push(`type must be call or put (got ${String(p.type)})`);
  if (bad.length) throw new BadInputError(`Black-Scholes: ${bad.join('; ')}`);
}

/** Price only (the hot path). */
export function bsPrice(type: OptionType, spot: number, strike: number, t: number, rate: number, vol: number, div = 0): number {
  const dfq = Math.exp(-div * t);
  const dfr = Math.exp(-rate * t);
  const sd = vol * Math.sqrt(t);
  if (!(sd > 0)) {
    // Expiry or zero vol: the discounted intrinsic value of the forward.
    const fwd = spot * dfq - strike * dfr;
    return type === 'call' ? Math.max(0, fwd) : Math.max(0, -fwd);
  }
  const d1 = (Math.log(spot / strike) + (rate - div) * t) / sd + 0.5 * sd;
  const d2 = d1 - sd;
  return type === 'call' ? spot * dfq * normCdf(d1) - strike * dfr * normCdf(d2) : strike * dfr * normCdf(-d2) - spot * dfq * normCdf(-d1);
}

/** Price and greeks. */
export function blackScholes(p: BsInputs): BsResult {
  checkBsInputs(p);
  const { type, spot: s, strike: k, t, rate: r, vol } = p;
  const q = p.div ?? 0;
  const dfq = Math.exp(-q * t);
  const dfr = Math.exp(-r * t);
  const sqt = Math.sqrt(t);
  const sd = vol * sqt;
  if (!(sd > 0)) {
    const price = bsPrice(type, s, k, t, r, vol, q);
    const itm = type === 'call' ? s * dfq > k * dfr : k * dfr > s * dfq;
    const sign = type === 'call' ? 1 : -1;
    return { price, delta: itm ? sign * dfq : 0, gamma: 0, theta: 0, vega: 0, rho: itm ? sign * k * t * dfr : 0 };
  }
  const d1 = (Math.log(s / k) + (r - q) * t) / sd + 0.5 * sd;
  const d2 = d1 - sd;
  const pdf1 = normPdf(d1);
  const gamma = (dfq * pdf1) / (s * sd);
  const vega = s * dfq * pdf1 * sqt;
  const decay = (-s * dfq * pdf1 * vol) / (2 * sqt);
  if (type === 'call') {
    const n1 = normCdf(d1);
    const n2 = normCdf(d2);
    return {
      price: s * dfq * n1 - k * dfr * n2,
      delta: dfq * n1,
      gamma,
      theta: decay - r * k * dfr * n2 + q * s * dfq * n1,
      vega,
      rho: k * t * dfr * n2,
    };
  }
  const m1 = normCdf(-d1);
  const m2 = normCdf(-d2);
  return {
    price: k * dfr * m2 - s * dfq * m1,
    delta: -dfq * m1,
    gamma,
    theta: decay + r * k * dfr * m2 - q * s * dfq * m1,
    vega,
    rho: -k * t * dfr * m2,
  };
}

/** Batch prices over column arrays (one type per call); writes into `out`. */
export function bsPriceBatch(
  type: OptionType,
  spot: Float64Array,
  strike: Float64Array,
  t: Float64Array,
  rate: number,
  vol: Float64Array,
  div: number,
  out: Float64Array,
): Float64Array {
  const n = out.length;
  for (let i = 0; i < n; i++) out[i] = bsPrice(type, spot[i]!, strike[i]!, t[i]!, rate, vol[i]!, div);
  return out;
}
