import { feeOf, fillPrice, qtyForBudget, roundQty } from './costs.ts';
import { PortfolioRules, type PlannedOrder, type PortfolioData, type PortfolioOptions, type PortfolioSignals } from './portfolioRules.ts';
import { TradeBook } from './tradeBook.ts';
import type { BacktestResult } from './types.ts';

/**
 * The vectorised portfolio engine: many symbols, one pool of cash, one pass over
 * the bars. Orders come from `PortfolioRules` at each close and fill at that
 * close or the next open with the shared cost model (buys cut to the cash).
 */
export function runPortfolio(data: PortfolioData, signals: PortfolioSignals, opt: PortfolioOptions): BacktestResult {
  const rules = new PortfolioRules(data, signals, opt);
  const m = data.symbols.length;
  const n = data.time.length;
  const c = opt.costs;
  const pos = new Float64Array(m);
  const books = data.symbols.map((s) => new TradeBook(s));
  const equity = new Float64Array(n);
  const exposure = new Float64Array(n);
  let cash = opt.initCash;
  let traded = 0;
  let feesPaid = 0;
  let pending: PlannedOrder[] = [];

  const exec = (t: number, o: PlannedOrder, ref: number): void => {
    const j = o.symbol;
    const vol = data.volume ? data.volume[j]![t]! : NaN;
    const h = pos[j]!;
    const dir: 1 | -1 = o.side === 'buy' ? 1 : -1;
    const entering = h === 0 || Math.sign(h) === dir;
    let q = o.qty;
    if (o.notional !== undefined) q = qtyForBudget(c, Math.min(o.notional, cash), ref, vol);
    else if (dir === 1 && h >= 0) {
      const affordable = qtyForBudget(c, cash, ref, vol);
      if (q > affordable) q = roundQty(c, affordable);
    }
    if (!(q > 0)) return;
    const price = fillPrice(c, dir, ref, q, vol);
    const value = q * price;
    const fee = feeOf(c, value, entering);
    cash -= dir * value + fee;
    pos[j] = dir * q === -h ? 0 : h + dir * q;
    traded += value;
    feesPaid += fee;
    books[j]!.fill(t, dir * q, price, fee, o.reason);
  };

  for (let t = 0; t < n; t++) {
    if (pending.length > 0) {
      for (const o of pending) exec(t, o, data.open![o.symbol]![t]!);
      pending = [];
    }
    let eq = cash;
    for (let j = 0; j < m; j++) if (pos[j] !== 0) eq += pos[j]! * data.close[j]![t]!;
    if (opt.fill === 'close') {
      for (const o of rules.decide(t, pos, eq)) exec(t, o, data.close[o.symbol]![t]!);
    } else if (t + 1 < n) pending = rules.decide(t, pos, eq);
    eq = cash;
    let gross = 0;
    for (let j = 0; j < m; j++) {
      if (pos[j] === 0) continue;
      const v = pos[j]! * data.close[j]![t]!;
      eq += v;
      gross += Math.abs(v);
    }
    equity[t] = eq;
    exposure[t] = gross === 0 ? 0 : gross / eq;
  }
  const trades = books.flatMap((b, j) => b.finish(data.close[j]![n - 1] ?? NaN));
  trades.sort((a, b) => a.entryBar - b.entryBar || data.symbols.indexOf(a.symbol) - data.symbols.indexOf(b.symbol));
  return { initCash: opt.initCash, equity, exposure, trades, tradedValue: traded, fees: feesPaid };
}
