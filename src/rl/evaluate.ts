/**
 * Evaluation on held-out bars: runs an agent through one env as a single episode, marks the
 * equity every bar, books the round trips and computes the backtest metrics (Sharpe, total
 * P&L, profit factor, max drawdown, win rate, average P&L per trade, trades), beside
 * buy-and-hold over the same bars with the same brokerage. Every decision can be kept with
 * its observation, action probabilities and gate weights, for the audit trail.
 */
import { Rng } from '../core/rng.ts';
import { computeMetrics } from '../backtest/metrics.ts';
import type { BacktestResult, Trade } from '../backtest/types.ts';
import type { Decision } from './agents/baseAgent.ts';
import { ACTION_NAMES, Action, TRADE_STATUS_NAMES } from './env/actions.ts';
import type { TradingEnv } from './env/tradingEnv.ts';

/** The metrics reported for an RL agent (snake_case: they are the CLI's JSON fields). */
export interface RlMetrics {
  sharpe: number;
  total_pnl: number;
  total_return: number;
  profit_factor: number;
  max_drawdown: number;
  win_rate: number;
  avg_pnl_per_trade: number;
  trades: number;
  fees: number;
  bars: number;
  /** The requirement's targets, checked truthfully. */
  meets_sharpe_target: boolean;
  meets_drawdown_target: boolean;
}

/** One stored decision: what the agent saw and why it acted. */
export interface DecisionRecord extends Decision {
  step: number;
  time: number;
  actionName: string;
  status: string;
  equity: number;
  observation: number[];
  regime?: number;
}

/** Outcome of one evaluation episode. */
export interface EpisodeResult {
  metrics: RlMetrics;
  equity: Float64Array;
  decisions: DecisionRecord[];
  actionCounts: number[];
}

/** Sharpe > 1.5 and max drawdown < 15%: the requirement's targets. */
export const TARGETS = { sharpe: 1.5, maxDrawdown: 0.15 } as const;

/** Metrics of an equity curve and its closed round trips. */
export function rlMetrics(equity: Float64Array, initCash: number, trades: readonly { pnl: number; entryStep: number; exitStep: number; side: 1 | -1; quantity: number; entryPrice: number; exitPrice: number }[], fees: number, periodsPerYear: number): RlMetrics {
  const bt: Trade[] = trades.map((t) => ({
    symbol: 'rl', side: t.side, entryBar: t.entryStep, exitBar: t.exitStep, qty: t.quantity, entryPrice: t.entryPrice, exitPrice: t.exitPrice,
    entryFees: 0, exitFees: 0, pnl: t.pnl, returnPct: t.pnl / (t.quantity * t.entryPrice), exitReason: 'signal',
  }));
  const res: BacktestResult = { initCash, equity, exposure: new Float64Array(equity.length), trades: bt, tradedValue: 0, fees };
  const m = computeMetrics(res, { periodsPerYear });
  const final = equity.length ? equity[equity.length - 1]! : initCash;
  return {
    sharpe: m.sharpe,
    total_pnl: final - initCash,
    total_return: m.total_return,
    profit_factor: m.profit_factor,
    max_drawdown: m.max_drawdown,
    win_rate: m.win_rate,
    avg_pnl_per_trade: m.avg_trade_pnl,
    trades: m.closed_trades,
    fees,
    bars: equity.length,
    meets_sharpe_target: m.sharpe > TARGETS.sharpe,
    meets_drawdown_target: -m.max_drawdown < TARGETS.maxDrawdown,
  };
}

/** Anything that picks actions for one env (agents, buy-and-hold, random). */
export interface Actor {
  resetState(): void;
  selectAction(obs: Float32Array, greedy?: boolean): Decision;
}

/** Runs `actor` over the env's whole range as one episode (env built without episodeLength/rng). */
export function runEpisode(actor: Actor, env: TradingEnv, opts: { greedy?: boolean; record?: boolean; periodsPerYear?: number; times?: Float64Array; regimes?: Int32Array } = {}): EpisodeResult {
  const greedy = opts.greedy ?? true;
  const acc = env.account;
  let obs = env.reset(env.start);
  acc.recordTrades = true;
  actor.resetState();
  const equity = new Float64Array(env.episodeLength);
  const decisions: DecisionRecord[] = [];
  const counts = [0, 0, 0, 0, 0];
  for (let k = 0; k < env.episodeLength; k++) {
    const t = env.currentBar;
    const snapshot = opts.record ? Array.from(obs) : [];
    const d = actor.selectAction(obs, greedy);
    counts[d.action]!++;
    const r = env.step(d.action);
    equity[k] = r.info.equity;
    if (opts.record) {
      const rec: DecisionRecord = { ...d, step: t, time: opts.times?.[t] ?? t, actionName: ACTION_NAMES[d.action]!, status: TRADE_STATUS_NAMES[r.info.status], equity: r.info.equity, observation: snapshot };
      if (opts.regimes) rec.regime = opts.regimes[t]!;
      decisions.push(rec);
    }
    obs = r.observation;
  }
  acc.recordTrades = false;
  return { metrics: rlMetrics(equity, acc.initialCapital, acc.trades, acc.feesPaid, opts.periodsPerYear ?? 252), equity, decisions, actionCounts: counts };
}

/** Buys on the first bar and holds (the env closes the position at the end). */
export function buyAndHold(): Actor {
  let first = true;
  return {
    resetState() {
      first = true;
    },
    selectAction() {
      const a = first ? Action.BUY_LONG : Action.HOLD;
      first = false;
      return { action: a, probs: [0, 0, 0, 0, 0].map((_, i) => (i === a ? 1 : 0)), value: 0 };
    },
  };
}

/** Uniformly random actions from a seeded generator (restarted by resetState). */
export function randomActor(seed: number): Actor {
  let rng = new Rng(seed);
  return {
    resetState() {
      rng = new Rng(seed);
    },
    selectAction() {
      return { action: rng.int(5), probs: [0.2, 0.2, 0.2, 0.2, 0.2], value: 0 };
    },
  };
}
