import { PaperBroker } from '../adapters/broker/paperBroker.ts';
import type { Bar } from '../core/bar.ts';
import type { Broker } from '../core/broker.ts';
import { SimulatedClock } from '../core/time.ts';
import { PortfolioRules, type PortfolioData, type PortfolioOptions, type PortfolioSignals } from './portfolioRules.ts';
import { TradeBook } from './tradeBook.ts';
import type { BacktestResult } from './types.ts';

/** The broker the event-driven engine drives: the port, plus a way to feed it bars. */
export interface SimulatedBroker extends Broker {
  advance(bars: ReadonlyMap<string, Bar>): void;
}

/**
 * The event-driven engine: steps bar by bar on a simulated clock, makes each bar
 * current at the broker, asks `PortfolioRules` for orders at the close and sends
 * them through the `Broker` port (the paper broker here, Alpaca live). Trades and
 * equity are rebuilt from the broker's fills and account, so a parity test against
 * `runPortfolio` checks the whole broker path.
 */
export async function runEventDriven(
  data: PortfolioData,
  signals: PortfolioSignals,
  opt: PortfolioOptions,
  makeBroker: (clock: SimulatedClock) => SimulatedBroker = (clock) => new PaperBroker({ initCash: opt.initCash, costs: opt.costs, fillAt: opt.fill, clock }),
): Promise<BacktestResult> {
  const rules = new PortfolioRules(data, signals, opt);
  const m = data.symbols.length;
  const n = data.time.length;
  const clock = new SimulatedClock(n > 0 ? data.time[0]! : 0);
  const broker = makeBroker(clock);
  await broker.connect();
  const index = new Map(data.symbols.map((s, j) => [s, j]));
  const books = data.symbols.map((s) => new TradeBook(s));
  const equity = new Float64Array(n);
  const exposure = new Float64Array(n);
  const pos = new Float64Array(m);
  const bars = new Map<string, Bar>();
  let seen = 0;
  let traded = 0;
  let feesPaid = 0;
  const reasons = new Map<string, 'signal' | 'rebalance'>();

  let seenAt = NaN;
  const collectFills = async (t: number): Promise<void> => {
    const now = clock.now();
    if (now !== seenAt) {
      seenAt = now;
      seen = 0;
    }
    // Only this bar's fills: the ones already booked at this time are skipped by count.
    const fills = await broker.getFills(now);
    for (; seen < fills.length; seen++) {
      const f = fills[seen]!;
      const j = index.get(f.symbol)!;
      const dq = f.side === 'buy' ? f.qty : -f.qty;
      books[j]!.fill(t, dq, f.price, f.fee, reasons.get(f.orderId) ?? 'signal');
      traded += f.qty * f.price;
      feesPaid += f.fee;
    }
  };

  for (let t = 0; t < n; t++) {
    clock.set(data.time[t]!);
    bars.clear();
    for (let j = 0; j < m; j++) {
      const close = data.close[j]![t]!;
      bars.set(data.symbols[j]!, {
        time: data.time[t]!,
        open: data.open ? data.open[j]![t]! : close,
        high: data.high ? data.high[j]![t]! : close,
        low: data.low ? data.low[j]![t]! : close,
        close,
        volume: data.volume ? data.volume[j]![t]! : NaN,
      });
    }
    broker.advance(bars);
    await collectFills(t);
    if (opt.fill === 'close' || t + 1 < n) {
      pos.fill(0);
      for (const p of await broker.getPositions()) pos[index.get(p.symbol)!] = p.qty;
      const account = await broker.getAccount();
      const planned = rules.decide(t, pos, account.equity);
      for (let k = 0; k < planned.length; k++) {
        const o = planned[k]!;
        const order = await broker.placeOrder(data.symbols[o.symbol]!, o.side, o.qty, 'market', {
          clientOrderId: `bt-${t}-${k}-${data.symbols[o.symbol]}`,
          ...(o.notional !== undefined ? { notional: o.notional } : {}),
        });
        reasons.set(order.id, o.reason);
      }
      await collectFills(t);
    }
    const account = await broker.getAccount();
    equity[t] = account.equity;
    let gross = 0;
    for (const p of await broker.getPositions()) gross += Math.abs(p.qty * data.close[index.get(p.symbol)!]![t]!);
    exposure[t] = gross === 0 ? 0 : gross / account.equity;
  }
  const trades = books.flatMap((b, j) => b.finish(data.close[j]![n - 1] ?? NaN));
  trades.sort((a, b) => a.entryBar - b.entryBar || data.symbols.indexOf(a.symbol) - data.symbols.indexOf(b.symbol));
  return { initCash: opt.initCash, equity, exposure, trades, tradedValue: traded, fees: feesPaid };
}
