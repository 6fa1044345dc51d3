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

/**
 * Batch prices over column arrays (one type per call); writes into `out`. Same formula as
 * bsPrice, with N(x) inlined as a single-exp Cody erfc (relative error ~1e-15) to halve the exps.
 */
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
  const call = type === 'call';
  for (let i = 0; i < n; i++) {
    const s = spot[i]!;
    const k = strike[i]!;
    const ti = t[i]!;
    const sd = vol[i]! * Math.sqrt(ti);
    if (!(sd > 0)) {
      out[i] = bsPrice(type, s, k, ti, rate, vol[i]!, div);
      continue;
    }
    const fs = s * Math.exp(-div * ti);
    const fk = k * Math.exp(-rate * ti);
    const ratio = fs / fk;
    const d1 = Math.log(ratio) / sd + 0.5 * sd;
    const d2 = d1 - sd;
    // exp(-d2^2/2) = exp(-d1^2/2) * fs/fk (the identity fs phi(d1) = fk phi(d2)): one exp serves both tails.
    const e1 = Math.exp(-0.5 * d1 * d1);
    let e2 = e1 * ratio;
    if (!(e1 > 0) || !(e2 < Infinity)) e2 = Math.exp(-0.5 * d2 * d2);
    out[i] = call ? fs * cdfGivenTail(d1, e1) - fk * cdfGivenTail(d2, e2) : fk * cdfGivenTail(-d2, e2) - fs * cdfGivenTail(-d1, e1);
  }
  return out;
}

/** N(x) = erfc(-x / sqrt 2) / 2 by Cody's rational approximations, given e = exp(-x^2 / 2) (one exp per tail, shared where it can be). */
function cdfGivenTail(x: number, e: number): number {
  const z = -x * Math.SQRT1_2;
  const ax = Math.abs(z);
  let r: number;
  if (ax < 0.5) {
    const q = z * z;
    const num = (((0.185777706184603153 * q + 3.1611237438705656) * q + 113.864154151050156) * q + 377.485237685302021) * q + 3209.37758913846947;
    const den = (((q + 23.6012909523441209) * q + 244.024637934444173) * q + 1282.61652607737228) * q + 2844.23683343917062;
    return 0.5 * (1 - (z * num) / den);
  } else if (ax < 4) {
    const num = (((((((2.15311535474403846e-8 * ax + 0.564188496988670089) * ax + 8.88314979438837594) * ax + 66.1191906371416295) * ax + 298.635138197400131) * ax + 881.95222124176909) * ax + 1712.04761263407058) * ax + 2051.07837782607147) * ax + 1230.33935479799725;
    const den = (((((((ax + 15.7449261107098347) * ax + 117.693950891312499) * ax + 537.181101862009858) * ax + 1621.38957456669019) * ax + 3290.79923573345963) * ax + 4362.61909014324716) * ax + 3439.36767414372164) * ax + 1230.33935480374942;
    r = num / den;
  } else {
    const q = 1 / (ax * ax);
    const num = ((((0.0163153871373020978 * q + 0.305326634961232344) * q + 0.360344899949804439) * q + 0.125781726111229246) * q + 0.0160837851487422766) * q + 0.000658749161529837803;
    const den = ((((q + 2.56852019228982242) * q + 1.87295284992346725) * q + 0.527905102951428412) * q + 0.0605183413124413191) * q + 0.00233520497626869185;
    r = (0.564189583547755073 - (q * num) / den) / ax;
  }
  r *= e;
  return z < 0 ? 1 - 0.5 * r : 0.5 * r;
}
