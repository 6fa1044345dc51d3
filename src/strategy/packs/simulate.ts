/**
 * The pack simulator: trades a pack strategy on one instrument over a window of
 * bars and returns a BacktestResult that `computeMetrics` reads. It handles what
 * the from-signals engine does not: several staggered lots (`max_positions`),
 * holding periods, session-close flattening, and options priced with
 * Black-Scholes on trailing realised volatility (strike by moneyness, expiry
 * `dte` sessions ahead, worth intrinsic value at expiry). Stocks and futures fill
 * with the shared cost model's slippage; options and futures pay a per-contract fee.
 * Signals at bar t use data <= t and fill at t+1's open ('next-open') or t's close.
 */
import type { BarSeries } from '../../core/bar.ts';
import { bsPrice } from '../../options/blackScholes.ts';
import { targetStrike } from '../../options/strikes.ts';
import type { BacktestResult, ExitReason, Trade } from '../../backtest/types.ts';
import type { BarCalendar } from './calendar.ts';
import type { PackScore } from './score.ts';
import type { Instrument, StrategyParams } from './schema.ts';

/** What one instrument needs to be simulated. */
export interface SimInstrument {
  kind: Instrument;
  symbol: string;
  /** +1 long / calls, -1 short / puts. */
  side: 1 | -1;
  /** Shares per lot when > 0 (stocks); else sized by position_size. */
  shareSize: number;
  /** Multiplier of options and futures. */
  contractSize: number;
  /** Option moneyness when the strategy does not set strike_selection. */
  defaultStrike: NonNullable<StrategyParams['strike_selection']>;
  /** Option expiry in sessions when the strategy does not set dte_target. */
  defaultDte: number;
}

/** Costs and sizing of a simulation. */
export interface SimPolicy {
  fill: 'close' | 'next-open';
  feeBps: number;
  slippageBps: number;
  contractFee: number;
  flatAtClose: boolean;
  positionSize: number;
  initCash: number;
}

interface Lot {
  entryBar: number;
  qty: number;
  entryPx: number;
  entryFee: number;
  strike: number;
  expiry: number;
  value: number;
}

const VOL_WINDOW = 20;

/** Annualised trailing realised volatility of log returns (floored at 5%), one value per bar. */
export function trailingVol(close: Float64Array, barsPerYear: number): Float64Array {
  const n = close.length;
  const out = new Float64Array(n);
  let s = 0;
  let s2 = 0;
  const r = new Float64Array(n);
  for (let t = 1; t < n; t++) {
    r[t] = Math.log(close[t]! / close[t - 1]!);
    s += r[t]!;
    s2 += r[t]! * r[t]!;
    if (t > VOL_WINDOW) {
      s -= r[t - VOL_WINDOW]!;
      s2 -= r[t - VOL_WINDOW]! * r[t - VOL_WINDOW]!;
    }
    const m = Math.min(t, VOL_WINDOW);
    const v = m > 1 ? (s2 - (s * s) / m) / (m - 1) : 0;
    out[t] = Math.max(0.05, Math.sqrt(Math.max(v, 0) * barsPerYear));
  }
  out[0] = out[1] ?? 0.2;
  return out;
}

/** Run one strategy configuration over bars [from, to); results are indexed from `from`. */
export function simulatePack(
  bars: BarSeries,
  cal: BarCalendar,
  sig: PackScore,
  vol: Float64Array,
  from: number,
  to: number,
  p: StrategyParams,
  inst: SimInstrument,
  pol: SimPolicy,
): BacktestResult {
  const n = to - from;
  const { open, high, low, close } = bars;
  const hasHL = bars.fields.high && bars.fields.low;
  const hasOpen = bars.fields.open;
  const equity = new Float64Array(n);
  const exposure = new Float64Array(n);
  const trades: Trade[] = [];
  const lots: Lot[] = [];
  const holdBars = Math.max(1, Math.round(p.hold_days * cal.barsPerDay));
  const exitThr = p.exit_threshold ?? Number.NEGATIVE_INFINITY;
  const hours = p.allowed_hours === 'all_day' ? null : new Set(p.allowed_hours);
  const isOpt = inst.kind === 'option';
  const mult = inst.kind === 'stock' ? 1 : inst.contractSize;
  const strikeChoice = p.strike_selection ?? inst.defaultStrike;
  const dte = p.dte_target ?? inst.defaultDte;
  const slip = pol.slippageBps * 1e-4;
  const feeRate = pol.feeBps * 1e-4;
  let cash = pol.initCash;
  let traded = 0;
  let fees = 0;
  let pending = false;

  const optValue = (lot: Lot, t: number, spot: number): number => {
    const T = (lot.expiry - cal.tradingTime[t]!) / 252;
    if (T <= 1e-9) return Math.max(0, inst.side === 1 ? spot - lot.strike : lot.strike - spot);
    return bsPrice(inst.side === 1 ? 'call' : 'put', spot, lot.strike, T, 0, vol[t]!);
  };
  /** Per-unit mark of a lot at bar t with underlying price `px`: option premium, or the price. */
  const mark = (lot: Lot, t: number, px: number): number => (isOpt ? optValue(lot, t, px) : px);
  /** Value of the open lots at their last marks (what cash does not already hold). */
  const heldValue = (): number => {
    let h = 0;
    for (const l of lots) {
      if (isOpt) h += l.qty * mult * l.value;
      else if (inst.kind === 'stock') h += inst.side * l.qty * l.value;
      else h += inst.side * l.qty * mult * (l.value - l.entryPx);
    }
    return h;
  };
  const feeOf = (qty: number, value: number): number => (inst.kind === 'stock' ? feeRate * value : pol.contractFee * qty);

  const open1 = (t: number, ref: number): void => {
    const equityNow = cash + heldValue();
    const budget = Math.min(cash, Math.max(0, equityNow) * pol.positionSize);
    const lot: Lot = { entryBar: t - from, qty: 0, entryPx: 0, entryFee: 0, strike: NaN, expiry: NaN, value: 0 };
    let unit: number;
    if (isOpt) {
      lot.strike = targetStrike(ref, inst.side === 1 ? 'call' : 'put', strikeChoice);
      lot.expiry = cal.session[t]! + dte + 1;
      unit = optValue(lot, t, ref) * (1 + slip);
      if (!(unit > 0.01)) return;
      lot.qty = Math.floor(budget / (unit * mult + pol.contractFee));
    } else {
      unit = ref * (1 + inst.side * slip);
      lot.qty = inst.kind === 'stock' && inst.shareSize > 0 ? inst.shareSize : inst.kind === 'stock' ? budget / (unit * (1 + feeRate)) : Math.floor(budget / (unit * mult));
    }
    if (!(lot.qty > 0)) return;
    lot.entryPx = unit;
    const value = lot.qty * unit * mult;
    lot.entryFee = feeOf(lot.qty, value);
    // Options and stocks pay the full value; futures post nothing here and settle their P&L on exit.
    cash -= (inst.kind === 'future' ? 0 : inst.kind === 'stock' ? inst.side * value : value) + lot.entryFee;
    lot.value = unit;
    traded += value;
    fees += lot.entryFee;
    lots.push(lot);
  };

  const close1 = (k: number, t: number, px: number, reason: ExitReason): void => {
    const lot = lots[k]!;
    const unit = isOpt ? px * (1 - slip) : px * (1 - inst.side * slip);
    const value = lot.qty * unit * mult;
    const fee = feeOf(lot.qty, value);
    let pnl: number;
    if (isOpt) {
      cash += value - fee;
      pnl = value - lot.qty * lot.entryPx * mult - lot.entryFee - fee;
    } else if (inst.kind === 'stock') {
      cash += inst.side * value - fee;
      pnl = inst.side * (value - lot.qty * lot.entryPx) - lot.entryFee - fee;
    } else {
      pnl = inst.side * (value - lot.qty * lot.entryPx * mult) - lot.entryFee - fee;
      cash += pnl + lot.entryFee;
    }
    traded += value;
    fees += fee;
    const basis = lot.qty * lot.entryPx * mult;
    trades.push({
      symbol: inst.symbol,
      side: isOpt ? 1 : inst.side,
      entryBar: lot.entryBar,
      exitBar: t - from,
      qty: lot.qty,
      entryPrice: lot.entryPx,
      exitPrice: unit,
      entryFees: lot.entryFee,
      exitFees: fee,
      pnl,
      returnPct: basis > 0 ? pnl / basis : 0,
      exitReason: reason,
    });
    lots.splice(k, 1);
  };

  for (let t = from; t < to; t++) {
    const i = t - from;
    if (pending) {
      pending = false;
      open1(t, hasOpen ? open[t]! : close[t - 1]!);
    }
    // Protective exits and time exits on this bar.
    for (let k = lots.length - 1; k >= 0; k--) {
      const lot = lots[k]!;
      if (isOpt) {
        const v = optValue(lot, t, close[t]!);
        const ret = v / lot.entryPx - 1;
        if (p.stop_loss > 0 && ret <= -p.stop_loss) close1(k, t, v, 'stop-loss');
        else if (p.take_profit > 0 && ret >= p.take_profit) close1(k, t, v, 'take-profit');
        else if (cal.tradingTime[t]! >= lot.expiry - 1e-9 || t - from - lot.entryBar >= holdBars || sig.score[t]! < exitThr || (pol.flatAtClose && cal.lastOfSession[t])) close1(k, t, v, 'signal');
        else lot.value = v;
        continue;
      }
      const base = lot.entryPx / (1 + inst.side * slip);
      const stopPx = inst.side === 1 ? base * (1 - p.stop_loss) : base * (1 + p.stop_loss);
      const takePx = inst.side === 1 ? base * (1 + p.take_profit) : base * (1 - p.take_profit);
      const lo = hasHL ? low[t]! : close[t]!;
      const hi = hasHL ? high[t]! : close[t]!;
      const o = hasOpen ? open[t]! : close[t]!;
      const stopHit = p.stop_loss > 0 && (inst.side === 1 ? lo <= stopPx : hi >= stopPx);
      const takeHit = p.take_profit > 0 && (inst.side === 1 ? hi >= takePx : lo <= takePx);
      // A gap through the level fills at the open; a stop beats a target touched on the same bar.
      if (stopHit) close1(k, t, inst.side === 1 ? Math.min(o, stopPx) : Math.max(o, stopPx), 'stop-loss');
      else if (takeHit) close1(k, t, inst.side === 1 ? Math.max(o, takePx) : Math.min(o, takePx), 'take-profit');
      else if (t - from - lot.entryBar >= holdBars || sig.score[t]! < exitThr || (pol.flatAtClose && cal.lastOfSession[t])) close1(k, t, close[t]!, 'signal');
      else lot.value = close[t]!;
    }
    // Entry signal at t.
    const s = sig.score[t]!;
    const entry =
      s >= p.threshold &&
      sig.scoreRank[t]! >= 1 - p.top_pct - 1e-12 &&
      (p.entry_type === 'level' || !(sig.score[t - 1]! >= p.threshold)) &&
      (hours === null || cal.hour[t]! < 0 || hours.has(cal.hour[t]!)) &&
      lots.length < p.max_positions &&
      !(pol.flatAtClose && cal.lastOfSession[t]);
    if (entry && t < to - 1) {
      if (pol.fill === 'close') open1(t, close[t]!);
      else pending = true;
    }
    // Mark to market at the close.
    let gross = 0;
    for (const lot of lots) {
      lot.value = mark(lot, t, close[t]!);
      gross += lot.qty * lot.value * mult;
    }
    equity[i] = cash + heldValue();
    exposure[i] = equity[i]! > 0 ? gross / equity[i]! : 0;
  }
  // Positions still open at the end are marked, as the engine does.
  for (const lot of lots) {
    const u = mark(lot, to - 1, close[to - 1]!);
    const pnl = (isOpt ? lot.qty * mult * (u - lot.entryPx) : inst.side * lot.qty * mult * (u - lot.entryPx)) - lot.entryFee;
    trades.push({ symbol: inst.symbol, side: isOpt ? 1 : inst.side, entryBar: lot.entryBar, exitBar: -1, qty: lot.qty, entryPrice: lot.entryPx, exitPrice: u, entryFees: lot.entryFee, exitFees: 0, pnl, returnPct: pnl / (lot.qty * lot.entryPx * mult), exitReason: 'open' });
  }
  return { initCash: pol.initCash, equity, exposure, trades, tradedValue: traded, fees };
}
