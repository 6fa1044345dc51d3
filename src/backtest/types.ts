import type { CostModel } from './costs.ts';

/** Which positions a strategy may take. */
export const Direction = { LONG: 'long', SHORT: 'short', BOTH: 'both' } as const;
export type Direction = (typeof Direction)[keyof typeof Direction];

/** When an order decided on bar t fills: at t's close, or at t+1's open. */
export const FillAt = { CLOSE: 'close', NEXT_OPEN: 'next-open' } as const;
export type FillAt = (typeof FillAt)[keyof typeof FillAt];

/** Position sizing on entry. */
export type Sizing =
  /** All available equity (vectorbt's `size=inf`). */
  | { kind: 'equity' }
  /** A fraction of equity, e.g. 0.5. */
  | { kind: 'percent'; fraction: number }
  /** A fixed number of shares (capped by cash). */
  | { kind: 'fixed'; qty: number }
  /** Volatility target: qty = riskPerAtr * equity / ATR[t], capped by cash (1 ATR move = riskPerAtr of equity). */
  | { kind: 'vol-target'; riskPerAtr: number; atr: Float64Array };

/** Protective exits checked against each bar's high and low; fractions of the entry (or peak) price. */
export interface Stops {
  stopLoss?: number;
  takeProfit?: number;
  trailing?: number;
}

/** Why a trade (or part of one) was closed. */
export type ExitReason = 'signal' | 'stop-loss' | 'trailing-stop' | 'take-profit' | 'reverse' | 'rebalance' | 'open';

/** One round trip: from a flat position to a position and back (or still open at the end). */
export interface Trade {
  symbol: string;
  /** +1 long, -1 short. */
  side: 1 | -1;
  entryBar: number;
  /** -1 while open. */
  exitBar: number;
  /** Largest absolute quantity held during the trade. */
  qty: number;
  /** Volume-weighted price of the fills that opened / added. */
  entryPrice: number;
  /** Volume-weighted price of the fills that reduced / closed (last close while open). */
  exitPrice: number;
  entryFees: number;
  exitFees: number;
  /** Net P&L after all fees (marked at the last close while open). */
  pnl: number;
  /** pnl / value of the opening fills. */
  returnPct: number;
  exitReason: ExitReason;
}

/** Settings of a single-symbol from-signals backtest. */
export interface EngineOptions {
  initCash: number;
  direction: Direction;
  fill: FillAt;
  costs: CostModel;
  sizing: Sizing;
  stops: Stops;
}

/** Per-bar output of any engine, plus the trades. */
export interface BacktestResult {
  initCash: number;
  /** Equity (cash + marked positions) at each bar's close. */
  equity: Float64Array;
  /** Gross exposure / equity at each bar's close (0 when flat). */
  exposure: Float64Array;
  trades: Trade[];
  /** Sum of absolute traded value over all fills. */
  tradedValue: number;
  /** Sum of fees paid. */
  fees: number;
}
