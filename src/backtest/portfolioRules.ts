import { BadInputError } from '../core/errors.ts';
import { roundQty, type CostModel } from './costs.ts';
import type { FillAt } from './types.ts';

/** Prices of many symbols on one time axis; one column (Float64Array) per symbol. */
export interface PortfolioData {
  symbols: string[];
  time: Float64Array;
  close: Float64Array[];
  /** Needed for next-open fills. */
  open?: Float64Array[];
  /** Bar ranges (optional; limit and stop orders at the paper broker use them). */
  high?: Float64Array[];
  low?: Float64Array[];
  /** Needed for volume-share slippage. */
  volume?: Float64Array[];
}

/** Entry/exit flags per symbol (with optional scores for ranking and weighting), or target weights. */
export type PortfolioSignals =
  | { entries: Uint8Array[]; exits: Uint8Array[]; scores?: Float64Array[] }
  /** Target weight of equity per symbol and bar; NaN leaves the symbol as it is. */
  | { weights: Float64Array[] };

/** Settings of a multi-symbol backtest with shared cash. */
export interface PortfolioOptions {
  initCash: number;
  costs: CostModel;
  fill: FillAt;
  /** At most this many open positions; each gets 1/maxPositions of equity when equal-weighted. */
  maxPositions: number;
  /** Equal weights, or weights proportional to the (positive) signal score. */
  weighting: 'equal' | 'signal';
  /** Trade every bar back to the target weights (daily rebalancing), not only on signals. */
  rebalance: boolean;
}

/** One order a rule asks for: a share quantity, or (buys on entry) an amount of money. */
export interface PlannedOrder {
  symbol: number;
  side: 'buy' | 'sell';
  qty: number;
  /** Spend this much (fees included) instead of `qty`; cut to the cash at the fill. */
  notional?: number;
  reason: 'signal' | 'rebalance';
}

/**
 * The portfolio's decision at a bar's close, shared by the vectorised and the
 * event-driven engine so that both send the same orders (like one LEAN algorithm
 * running in backtest and live). Sells come before buys, so they free cash first.
 *
 * Signals without rebalancing: exits close positions; entries (ranked by score
 * when signal-weighted, else by column) open new positions while fewer than
 * `maxPositions` are open, each for equity / maxPositions (equal) or its share of
 * the free slots' equity by score (signal). With rebalancing (or target weights)
 * every held symbol is traded back to its weight of equity at each bar's close.
 */
export class PortfolioRules {
  private readonly inState: Uint8Array;
  private readonly order: number[] = [];

  constructor(
    private readonly data: PortfolioData,
    private readonly signals: PortfolioSignals,
    private readonly opt: PortfolioOptions,
  ) {
    const m = data.symbols.length;
    const n = data.time.length;
    if (!(opt.maxPositions >= 1)) throw new BadInputError(`max positions must be >= 1, got ${opt.maxPositions}`);
    if (data.close.length !== m) throw new BadInputError(`${m} symbols but ${data.close.length} price columns`);
    const cols = 'weights' in signals ? signals.weights : signals.entries;
    if (cols.length !== m) throw new BadInputError(`${m} symbols but signals for ${cols.length}`);
    for (let j = 0; j < m; j++) {
      if (data.close[j]!.length !== n || cols[j]!.length !== n) throw new BadInputError(`${data.symbols[j]}: length differs from the time axis (${n})`);
    }
    if (opt.fill === 'next-open' && !data.open) throw new BadInputError('fill at next open needs open prices; the data is close-only');
    this.inState = new Uint8Array(m);
  }

  /** Orders at the close of bar t, given positions, equity at that close and the closes. */
  decide(t: number, pos: Float64Array, equity: number): PlannedOrder[] {
    const s = this.signals;
    if ('weights' in s) return this.toWeights(t, pos, equity, (j) => s.weights[j]![t]!);
    if (this.opt.rebalance) return this.rebalanceFromSignals(t, pos, equity, s);
    return this.onSignals(t, pos, equity, s);
  }

  private onSignals(t: number, pos: Float64Array, equity: number, s: { entries: Uint8Array[]; exits: Uint8Array[]; scores?: Float64Array[] }): PlannedOrder[] {
    const m = pos.length;
    const out: PlannedOrder[] = [];
    let held = 0;
    for (let j = 0; j < m; j++) if (pos[j]! > 0) held++;
    for (let j = 0; j < m; j++) {
      if (s.exits[j]![t] && !s.entries[j]![t] && pos[j]! > 0) {
        out.push({ symbol: j, side: 'sell', qty: pos[j]!, reason: 'signal' });
        held--;
      }
    }
    const cand = this.order;
    cand.length = 0;
    for (let j = 0; j < m; j++) if (s.entries[j]![t] && !s.exits[j]![t] && pos[j]! === 0) cand.push(j);
    const score = (j: number): number => (s.scores ? Math.max(0, s.scores[j]![t]!) || 0 : 1);
    if (this.opt.weighting === 'signal' && s.scores) cand.sort((a, b) => score(b) - score(a) || a - b);
    const slots = Math.max(0, this.opt.maxPositions - held);
    const chosen = cand.slice(0, slots);
    let total = 0;
    for (const j of chosen) total += score(j);
    for (const j of chosen) {
      const notional =
        this.opt.weighting === 'signal' && total > 0
          ? ((equity * chosen.length) / this.opt.maxPositions) * (score(j) / total)
          : equity / this.opt.maxPositions;
      if (notional > 0) out.push({ symbol: j, side: 'buy', qty: 0, notional, reason: 'signal' });
    }
    return out;
  }

  private rebalanceFromSignals(t: number, pos: Float64Array, equity: number, s: { entries: Uint8Array[]; exits: Uint8Array[]; scores?: Float64Array[] }): PlannedOrder[] {
    const m = pos.length;
    const inS = this.inState;
    for (let j = 0; j < m; j++) {
      const en = s.entries[j]![t]!;
      const ex = s.exits[j]![t]!;
      if (en && !ex) inS[j] = 1;
      else if (ex && !en) inS[j] = 0;
    }
    const score = (j: number): number => (s.scores ? Math.max(0, s.scores[j]![t]!) || 0 : 1);
    const sel: number[] = [];
    for (let j = 0; j < m; j++) if (inS[j]) sel.push(j);
    if (this.opt.weighting === 'signal' && s.scores) sel.sort((a, b) => score(b) - score(a) || a - b);
    sel.length = Math.min(sel.length, this.opt.maxPositions);
    const w = new Float64Array(m);
    let total = 0;
    for (const j of sel) total += score(j);
    for (const j of sel) w[j] = this.opt.weighting === 'signal' && total > 0 ? ((score(j) / total) * sel.length) / this.opt.maxPositions : 1 / this.opt.maxPositions;
    return this.toWeights(t, pos, equity, (j) => w[j]!);
  }

  private toWeights(t: number, pos: Float64Array, equity: number, weight: (j: number) => number): PlannedOrder[] {
    const m = pos.length;
    const sells: PlannedOrder[] = [];
    const buys: PlannedOrder[] = [];
    for (let j = 0; j < m; j++) {
      const w = weight(j);
      if (Number.isNaN(w)) continue;
      const px = this.data.close[j]![t]!;
      if (!(px > 0)) continue;
      const target = Math.sign(w) * roundQty(this.opt.costs, Math.abs((w * equity) / px));
      const dq = target - pos[j]!;
      if (dq < 0) sells.push({ symbol: j, side: 'sell', qty: target === 0 ? pos[j]! : -dq, reason: 'rebalance' });
      else if (dq > 0) buys.push({ symbol: j, side: 'buy', qty: dq, reason: 'rebalance' });
    }
    return sells.concat(buys);
  }
}
