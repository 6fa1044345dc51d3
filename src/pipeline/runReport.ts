/**
 * The main job's result: the one JSON document `tradepilot run --json` prints,
 * and per-symbol series the HTML report draws (kept out of the JSON).
 */
import type { Metrics } from '../backtest/metrics.ts';
import type { RiskDecision } from './riskGate.ts';
import type { ConfirmationResult } from './runConfirm.ts';
import type { StockAlert } from '../core/alert.ts';
import type { Trade } from '../backtest/types.ts';

/** The figures a summary shows, for the strategy and for buy-and-hold. */
export interface Scorecard {
  total_return: number;
  cagr: number;
  sharpe: number;
  max_drawdown: number;
  trades: number;
  win_rate: number;
  exposure: number;
  psr: number;
  dsr: number;
}

/** Today's signal of one symbol (the last bar). */
export interface TodaySignal {
  id: string;
  symbol: string;
  time: string;
  action: 'BUY' | 'SELL';
  prob: number;
  threshold: number;
  price: number;
}

/** One symbol's run: data, model validation, out-of-sample backtest and today's signal. */
export interface SymbolRun {
  symbol: string;
  bars: number;
  first: string;
  last: string;
  features: string[];
  skipped_features: string[];
  model: { folds: number; oos_from: string; oos_bars: number; oos_brier: number; oos_base_rate: number; today_trained_to: string };
  strategy: Scorecard;
  buy_hold: Scorecard;
  trials: number;
  fill: string;
  signal: TodaySignal;
}

/** The JSON document of `tradepilot run`. */
export interface RunReport {
  run_id: string;
  provider: string;
  pack: { namespace: string; version: string; name: string; strategy: string; file: string };
  model: Record<string, unknown>;
  costs: { fee_bps: number; slippage_bps: number };
  symbols: SymbolRun[];
  failed: { symbol: string; error: string }[];
  signals: TodaySignal[];
  risk: RiskDecision[];
  alerts: StockAlert[];
  confirmations: ConfirmationResult[];
  orders: NonNullable<ConfirmationResult['order']>[];
  summary: {
    symbols: number;
    buy_signals: number;
    alerts: number;
    pending: number;
    orders: number;
    beat_buy_hold: number;
    mean_strategy_return: number;
    mean_buy_hold_return: number;
    mean_strategy_sharpe: number;
    mean_buy_hold_sharpe: number;
    mean_dsr: number;
  };
  report: string | null;
  timings: Record<string, number>;
  seconds: number;
}

/** Series the HTML report draws for one symbol (window = the out-of-sample bars). */
export interface SymbolCharts {
  symbol: string;
  time: Float64Array;
  price: Float64Array;
  equity: Float64Array;
  buyHold: Float64Array;
  prob: Float64Array;
  threshold: Float64Array;
  trades: Trade[];
}

/** A scorecard from full metrics. */
export function scorecard(m: Metrics): Scorecard {
  return { total_return: m.total_return, cagr: m.cagr, sharpe: m.sharpe, max_drawdown: m.max_drawdown, trades: m.trades, win_rate: m.win_rate, exposure: m.exposure, psr: m.psr, dsr: m.dsr };
}
