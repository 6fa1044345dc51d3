/**
 * Labels from a sweep configuration's own trades: for every bar t, the trade
 * the configuration would open on a signal at t (filled at t+1's open or t's
 * close, with the pack's slippage and fee), closed by its stop, target, holding
 * period or the session close, exactly as the pack simulator closes it. Label 1
 * when the net return is positive. Options are labelled on the underlying with
 * the holding period only (their stops act on the premium). t1 is the exit bar.
 */
import type { BarSeries } from '../../core/bar.ts';
import type { BarCalendar } from '../../strategy/packs/calendar.ts';
import type { SimInstrument, SimPolicy } from '../../strategy/packs/simulate.ts';
import type { StrategyParams } from '../../strategy/packs/schema.ts';

/** Per bar: label (NaN when the trade would not close inside the series), net return and exit bar (-1). */
export interface TradeLabels {
  y: Float64Array;
  ret: Float64Array;
  t1: Int32Array;
}

/** Label every bar in [from, to) of `bars`. */
export function tradeLabels(bars: BarSeries, cal: BarCalendar, from: number, to: number, p: StrategyParams, inst: SimInstrument, pol: SimPolicy): TradeLabels {
  const n = bars.close.length;
  const { open, high, low, close } = bars;
  const hasHL = bars.fields.high && bars.fields.low;
  const hasOpen = bars.fields.open;
  const y = new Float64Array(n).fill(NaN);
  const ret = new Float64Array(n).fill(NaN);
  const t1 = new Int32Array(n).fill(-1);
  const side = inst.side;
  const slip = pol.slippageBps * 1e-4;
  const fee = inst.kind === 'stock' ? pol.feeBps * 1e-4 : 0;
  const holdBars = Math.max(1, Math.round(p.hold_days * cal.barsPerDay));
  const useBarriers = inst.kind !== 'option';
  const stopFrac = useBarriers ? p.stop_loss : 0;
  const takeFrac = useBarriers ? p.take_profit : 0;
  for (let t = from; t < to; t++) {
    const e = pol.fill === 'next-open' ? t + 1 : t;
    if (e >= n) break;
    const ref = pol.fill === 'next-open' ? (hasOpen ? open[e]! : close[t]!) : close[t]!;
    const stopPx = side === 1 ? ref * (1 - stopFrac) : ref * (1 + stopFrac);
    const takePx = side === 1 ? ref * (1 + takeFrac) : ref * (1 - takeFrac);
    let exitPx = NaN;
    let x = e;
    for (; x < n; x++) {
      const lo = hasHL ? low[x]! : close[x]!;
      const hi = hasHL ? high[x]! : close[x]!;
      const o = hasOpen ? open[x]! : close[x]!;
      // A gap through the level fills at the open; a stop beats a target touched on the same bar.
      if (stopFrac > 0 && (side === 1 ? lo <= stopPx : hi >= stopPx)) exitPx = side === 1 ? Math.min(o, stopPx) : Math.max(o, stopPx);
      else if (takeFrac > 0 && (side === 1 ? hi >= takePx : lo <= takePx)) exitPx = side === 1 ? Math.max(o, takePx) : Math.min(o, takePx);
      else if (x - e >= holdBars || (pol.flatAtClose && cal.lastOfSession[x] === 1 && x > e)) exitPx = close[x]!;
      if (exitPx === exitPx) break;
    }
    if (x >= n) continue;
    const entry = ref * (1 + side * slip);
    const exit = exitPx * (1 - side * slip);
    const r = (side * (exit - entry)) / entry - fee * (1 + exit / entry);
    ret[t] = r;
    y[t] = r > 0 ? 1 : 0;
    t1[t] = x;
  }
  return { y, ret, t1 };
}
