/**
 * A synthetic option chain for backtests: Black-Scholes values from the underlying price and a
 * volatility (e.g. a GARCH forecast annualised), with a proportional bid/ask spread.
 */
import { blackScholes, type OptionType } from './blackScholes.ts';
import { occSymbol, type OptionChain, type OptionQuote } from './chain.ts';
import { listExpiries } from './expiry.ts';
import { strikeLadder } from './strikes.ts';

/** Inputs of a synthetic chain. */
export interface SyntheticChainInputs {
  underlying: string;
  spot: number;
  /** Annualised volatility, flat across strikes. */
  vol: number;
  asOf: string;
  rate: number;
  div?: number;
  /** Calendar days of expiries to include (default 60). */
  horizonDays?: number;
  weeklies?: boolean;
  /** Strike range as a fraction of spot either side (default 0.2). */
  widthPct?: number;
  /** Full bid/ask spread as a fraction of the value (default 2%, at least 0.01). */
  spreadPct?: number;
}

/** Build the chain: every expiry x strike x {call, put}. */
export function syntheticChain(p: SyntheticChainInputs): OptionChain {
  const expiries = listExpiries(p.asOf, p.horizonDays ?? 60, p.weeklies ?? true);
  const strikes = strikeLadder(p.spot, p.widthPct ?? 0.2);
  const spread = p.spreadPct ?? 0.02;
  const quotes: OptionQuote[] = [];
  for (const e of expiries) {
    const t = e.dte / 365;
    for (const strike of strikes)
      for (const type of ['call', 'put'] as OptionType[]) {
        const g = blackScholes({ type, spot: p.spot, strike, t, rate: p.rate, vol: p.vol, div: p.div ?? 0 });
        const half = Math.max(0.005, (spread * g.price) / 2);
        quotes.push({
          symbol: occSymbol(p.underlying, e.date, type, strike),
          underlying: p.underlying,
          type,
          strike,
          expiry: e.date,
          bid: Math.max(0, round2(g.price - half)),
          ask: round2(g.price + half),
          iv: p.vol,
          delta: g.delta,
          gamma: g.gamma,
          theta: g.theta / 365,
          vega: g.vega / 100,
        });
      }
  }
  return { underlying: p.underlying, spot: p.spot, source: 'synthetic', quotes };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
