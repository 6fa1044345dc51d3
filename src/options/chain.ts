/** Option chain types shared by the adapters, the synthesiser and selection. */
import { BadInputError } from '../core/errors.ts';
import type { OptionType } from './blackScholes.ts';
import { selectStrike, type StrikeChoice } from './strikes.ts';

/** One option contract quote. Greeks and iv are optional (not every source sends them); market convention: theta per calendar day, vega per vol point. */
export interface OptionQuote {
  symbol: string;
  underlying: string;
  type: OptionType;
  strike: number;
  /** 'YYYY-MM-DD'. */
  expiry: string;
  bid: number;
  ask: number;
  last?: number;
  iv?: number;
  delta?: number;
  gamma?: number;
  theta?: number;
  vega?: number;
  volume?: number;
  openInterest?: number;
}

/** A chain: the underlying, its price when known, and the quotes. */
export interface OptionChain {
  underlying: string;
  spot?: number;
  source: 'polygon' | 'tradier' | 'synthetic';
  quotes: OptionQuote[];
}

/** Mid price (bid/ask average; the last trade when there is no two-sided quote). */
export function mid(q: OptionQuote): number {
  if (q.bid > 0 && q.ask > 0) return 0.5 * (q.bid + q.ask);
  return q.last ?? Math.max(q.bid, q.ask);
}

/** Pick the contract of a chain for an expiry, type and moneyness choice. */
export function pickContract(chain: OptionChain, expiry: string, type: OptionType, choice: StrikeChoice, spot = chain.spot): OptionQuote {
  if (spot === undefined) throw new BadInputError(`chain ${chain.underlying}: no underlying price to select a strike against`);
  const rows = chain.quotes.filter((q) => q.expiry === expiry && q.type === type);
  if (rows.length === 0) throw new BadInputError(`chain ${chain.underlying}: no ${type}s expiring ${expiry}`);
  const k = selectStrike(
    rows.map((r) => r.strike),
    spot,
    type,
    choice,
  );
  return rows.find((r) => r.strike === k)!;
}

/** OCC option symbol, e.g. AAPL240621C00150000. */
export function occSymbol(underlying: string, expiry: string, type: OptionType, strike: number): string {
  const ymd = expiry.slice(2).replace(/-/g, '');
  return `${underlying}${ymd}${type === 'call' ? 'C' : 'P'}${String(Math.round(strike * 1000)).padStart(8, '0')}`;
}
