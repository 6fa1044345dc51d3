import type { BarSeries } from '../core/bar.ts';
import { BadInputError } from '../core/errors.ts';
import { feeOf, fillPrice, qtyForBudget, roundQty } from './costs.ts';
import { TradeBook } from './tradeBook.ts';
import type { BacktestResult, EngineOptions, ExitReason } from './types.ts';

/** Per-bar signals: entry/exit flags (1 = on), or a target position as a fraction of equity (NaN = hold). */
export type Signals = { entries: Uint8Array; exits: Uint8Array } | { target: Float64Array };

/**
 * The vectorised from-signals engine for one symbol: one pass over the bars
 * in typed arrays (vectorbt's `Portfolio.from_signals`, see docs in README):
 *
 * - long: entry opens a long when flat, exit closes it; short: the same with a
 *   short; both: entry goes long and exit goes short, reversing if needed.
 *   An entry and an exit on the same bar cancel each other.
 * - target mode: trade to `target[t] * equity / price` shares whenever target is not NaN.
 * - fill 'close' executes at bar t's close; 'next-open' at bar t+1's open
 *   (the last bar's signals are then dropped). Sizing is computed at the fill.
 * - stops are checked from the first bar after a close fill (on the entry bar
 *   itself after an open fill) against that bar's open (gaps fill at the open),
 *   low and high; when a stop and a target are both touched, the stop fills.
 */
export function runBacktest(bars: BarSeries, signals: Signals, opt: EngineOptions): BacktestResult {
  const n = bars.close.length;
  const { open, high, low, close, volume } = bars;
  const c = opt.costs;
  const entries = 'entries' in signals ? signals.entries : undefined;
  const exits = 'entries' in signals ? signals.exits : undefined;
  const target = 'target' in signals ? signals.target : undefined;
  if (entries && (entries.length !== n || exits!.length !== n)) throw new BadInputError(`signals have ${entries.length} bars, prices ${n}`);
  if (target && target.length !== n) throw new BadInputError(`target weights have ${target.length} bars, prices ${n}`);
  if (opt.fill === 'next-open' && !bars.fields.open) throw new BadInputError(`${bars.symbol}: fill at next open needs open prices; the series is close-only`);
  const stops = opt.stops;
  const hasStops = (stops.stopLoss ?? 0) > 0 || (stops.takeProfit ?? 0) > 0 || (stops.trailing ?? 0) > 0;
  if (hasStops && !(bars.fields.high && bars.fields.low)) throw new BadInputError(`${bars.symbol}: stops need high and low prices; the series is close-only`);
  if (opt.sizing.kind === 'vol-target' && opt.sizing.atr.length !== n) throw new BadInputError('ATR length differs from prices');

  const equity = new Float64Array(n);
  const exposure = new Float64Array(n);
  const book = new TradeBook(bars.symbol);
  let cash = opt.initCash;
  let pos = 0;
  let traded = 0;
  let feesPaid = 0;
  let extreme = NaN; // highest high (long) / lowest low (short) since entry, for trailing stops
  const NOTHING = 3;
  const TARGET = 2;
  let pendingWant = NOTHING; // next-open: 1 long, -1 short, 0 flat, TARGET or NOTHING
  let pendingBar = -1;

  const trade = (bar: number, dq: number, ref: number, reason: ExitReason): void => {
    const dir: 1 | -1 = dq > 0 ? 1 : -1;
    const aq = Math.abs(dq);
    const px = fillPrice(c, dir, ref, aq, volume[bar]!);
    const value = aq * px;
    const entering = pos === 0 || Math.sign(pos) === dir;
    const fee = feeOf(c, value, entering);
    cash -= dir * value + fee;
    if (pos + dq === 0 || -dq === pos) pos = 0;
    else pos += dq;
    traded += value;
    feesPaid += fee;
    book.fill(bar, dq, px, fee, reason);
    if (entering) extreme = px;
  };

  const closeAll = (bar: number, ref: number, reason: ExitReason): void => {
    if (pos !== 0) trade(bar, -pos, ref, reason);
  };

  /** Open a position in direction `dir` from flat, sized at reference price `ref`. */
  const openPos = (bar: number, sigBar: number, dir: 1 | -1, ref: number): void => {
    const eq = cash; // flat: equity is cash
    let budget = eq;
    let qty = Infinity;
    const s = opt.sizing;
    if (s.kind === 'percent') budget = eq * s.fraction;
    else if (s.kind === 'fixed') qty = s.qty;
    else if (s.kind === 'vol-target') {
      const a = s.atr[sigBar]!;
      if (!(a > 0)) return;
      qty = (s.riskPerAtr * eq) / a;
    }
    const maxQty = qtyForBudget(c, Math.min(budget, eq), ref, volume[bar]!);
    qty = roundQty(c, Math.min(qty, maxQty));
    if (qty > 0) trade(bar, dir * qty, ref, 'signal');
  };

  const toTarget = (bar: number, w: number, ref: number): void => {
    const eq = cash + pos * ref;
    const want = roundQty(c, Math.abs((w * eq) / ref)) * Math.sign(w);
    let dq = want - pos;
    if (dq === 0) return;
    if (pos !== 0 && Math.sign(want) !== Math.sign(pos)) {
      closeAll(bar, ref, 'rebalance');
      dq = want;
      if (dq === 0) return;
    }
    if (Math.sign(dq) === Math.sign(want) && want !== 0) {
      // Adding: never spend more cash than there is (long) / more than equity allows (short).
      const room = dq > 0 ? cash : cash + 2 * pos * ref;
      const maxQ = qtyForBudget(c, Math.max(0, dq > 0 ? room : eq), ref, volume[bar]!);
      const aq = roundQty(c, Math.min(Math.abs(dq), maxQ));
      if (aq > 0) trade(bar, Math.sign(dq) * aq, ref, 'rebalance');
    } else {
      trade(bar, dq, ref, 'rebalance');
    }
  };

  /** Decide what the signals at bar t ask for: 1 long, -1 short, 0 flat, NOTHING, or TARGET. */
  const decide = (t: number): number => {
    if (target) return Number.isNaN(target[t]!) ? NOTHING : TARGET;
    const en = entries![t] !== 0;
    const ex = exits![t] !== 0;
    if (en === ex) return NOTHING;
    switch (opt.direction) {
      case 'long':
        return en ? (pos === 0 ? 1 : NOTHING) : pos > 0 ? 0 : NOTHING;
      case 'short':
        return en ? (pos === 0 ? -1 : NOTHING) : pos < 0 ? 0 : NOTHING;
      default:
        return en ? (pos > 0 ? NOTHING : 1) : pos < 0 ? NOTHING : -1;
    }
  };

  const act = (bar: number, sigBar: number, want: number, ref: number): void => {
    if (want === NOTHING) return;
    if (want === TARGET) {
      toTarget(bar, target![sigBar]!, ref);
      return;
    }
    if (want === 0) {
      closeAll(bar, ref, 'signal');
      return;
    }
    if (pos !== 0 && Math.sign(pos) === want) return;
    if (pos !== 0) closeAll(bar, ref, 'reverse');
    openPos(bar, sigBar, want as 1 | -1, ref);
  };

  const sl = stops.stopLoss ?? 0;
  const tp = stops.takeProfit ?? 0;
  const tr = stops.trailing ?? 0;

  for (let t = 0; t < n; t++) {
    if (pendingWant !== NOTHING) {
      act(t, pendingBar, pendingWant, open[t]!);
      pendingWant = NOTHING;
    }
    if (hasStops && pos !== 0) {
      const ep = book.entryPrice;
      const entryAtOpen = book.openEntryBar === t;
      // A close fill opened on this bar has seen none of its range yet.
      if (!(opt.fill === 'close' && entryAtOpen)) {
        if (pos > 0) {
          let stopLv = sl > 0 ? ep * (1 - sl) : -Infinity;
          let reason: ExitReason = 'stop-loss';
          if (tr > 0 && extreme * (1 - tr) > stopLv) {
            stopLv = extreme * (1 - tr);
            reason = 'trailing-stop';
          }
          const tpLv = tp > 0 ? ep * (1 + tp) : Infinity;
          const o = open[t]!;
          if (!entryAtOpen && o <= stopLv) closeAll(t, o, reason);
          else if (!entryAtOpen && o >= tpLv) closeAll(t, o, 'take-profit');
          else if (low[t]! <= stopLv) closeAll(t, stopLv, reason);
          else if (high[t]! >= tpLv) closeAll(t, tpLv, 'take-profit');
          else if (high[t]! > extreme) extreme = high[t]!;
        } else {
          let stopLv = sl > 0 ? ep * (1 + sl) : Infinity;
          let reason: ExitReason = 'stop-loss';
          if (tr > 0 && extreme * (1 + tr) < stopLv) {
            stopLv = extreme * (1 + tr);
            reason = 'trailing-stop';
          }
          const tpLv = tp > 0 ? ep * (1 - tp) : -Infinity;
          const o = open[t]!;
          if (!entryAtOpen && o >= stopLv) closeAll(t, o, reason);
          else if (!entryAtOpen && o <= tpLv) closeAll(t, o, 'take-profit');
          else if (high[t]! >= stopLv) closeAll(t, stopLv, reason);
          else if (low[t]! <= tpLv) closeAll(t, tpLv, 'take-profit');
          else if (low[t]! < extreme) extreme = low[t]!;
        }
      }
    }
    // Most bars carry no signal: skip the decision machinery for them.
    const quiet = entries ? entries[t] === exits![t] : Number.isNaN(target![t]!);
    if (!quiet) {
      const want = decide(t);
      if (opt.fill === 'close') act(t, t, want, close[t]!);
      else if (t + 1 < n) {
        pendingWant = want;
        pendingBar = t;
      }
    }
    const px = close[t]!;
    if (pos === 0) equity[t] = cash;
    else {
      const v = pos * px;
      const eq = cash + v;
      equity[t] = eq;
      exposure[t] = (v < 0 ? -v : v) / eq;
    }
  }
  return { initCash: opt.initCash, equity, exposure, trades: book.finish(close[n - 1] ?? NaN), tradedValue: traded, fees: feesPaid };
}

