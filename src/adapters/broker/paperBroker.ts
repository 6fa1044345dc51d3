import { feeOf, fillPrice, qtyForBudget, roundQty, type CostModel } from '../../backtest/costs.ts';
import type { Bar } from '../../core/bar.ts';
import type { Account, Broker, PlaceOrderOptions } from '../../core/broker.ts';
import { BadInputError, NotFoundError } from '../../core/errors.ts';
import { OrderStatus, type Fill, type Order, type OrderType, type Position, type Side } from '../../core/order.ts';
import type { Clock } from '../../core/time.ts';

/** Settings of the simulated paper broker. */
export interface PaperBrokerOptions {
  initCash: number;
  /** The same cost model as the vectorised engines. */
  costs: CostModel;
  /** Market orders fill at the current bar's close, or at the next bar's open. */
  fillAt: 'close' | 'next-open';
  /** Time source for order and fill stamps (a SimulatedClock in backtests). */
  clock: Clock;
  currency?: string;
  /** Order ids (`paper-1`, `paper-2`, ... when absent); a broker whose fills are stored needs ids unique across processes. */
  newOrderId?: () => string;
  /** Told of every fill this broker executes (not of fills given to `applyFill`): where a store-backed broker learns what to record. */
  onFill?: (fill: Fill) => void;
}

interface Holding {
  qty: number;
  avgPrice: number;
  realizedPnl: number;
}

/** The price a position is valued at, and the time of that price. */
interface Mark {
  price: number;
  time: number;
}

/**
 * A simulated broker that fills from bars. The driver calls `advance(time, bars)`
 * at each bar: pending orders fill (in the order they were placed) at that
 * bar's open, limit and stop orders when the bar's range reaches them, and
 * positions are marked to the close. With `fillAt: 'close'` a market order placed
 * while a bar is current fills at once at that bar's close. Buys never spend more
 * cash than there is: they are cut to what the cash affords (like vectorbt).
 *
 * The kernel does no I/O. A broker whose book lives elsewhere (the store, see
 * storedPaperBroker.ts) hears of each fill through `onFill`, replays recorded
 * fills with `applyFill`, and starts over with `resetAccount`.
 */
export class PaperBroker implements Broker {
  readonly name = 'paper';
  private cash: number;
  private readonly holdings = new Map<string, Holding>();
  private readonly orders = new Map<string, Order>();
  private readonly byClientId = new Map<string, string>();
  private readonly notionals = new Map<string, number>();
  private pending: string[] = [];
  private readonly fills: Fill[] = [];
  private readonly bars = new Map<string, Bar>();
  /** Latest price per symbol: the current bar's close, or a newer fill given to `applyFill`. */
  private readonly marks = new Map<string, Mark>();
  private seq = 0;

  constructor(private readonly opts: PaperBrokerOptions) {
    if (!(opts.initCash > 0)) throw new BadInputError(`initial cash must be > 0, got ${opts.initCash}`);
    this.cash = opts.initCash;
  }

  async connect(): Promise<void> {}

  async getAccount(): Promise<Account> {
    const equity = this.equity();
    return { cash: this.cash, equity, buyingPower: Math.max(0, this.cash), currency: this.opts.currency ?? 'USD' };
  }

  async getPositions(): Promise<Position[]> {
    const out: Position[] = [];
    for (const [symbol, h] of this.holdings) if (h.qty !== 0) out.push({ symbol, qty: h.qty, avgPrice: h.avgPrice, realizedPnl: h.realizedPnl });
    return out;
  }

  async placeOrder(symbol: string, side: Side, qty: number, type: OrderType, o: PlaceOrderOptions = {}): Promise<Order> {
    if (o.clientOrderId !== undefined) {
      const prev = this.byClientId.get(o.clientOrderId);
      if (prev !== undefined) return { ...this.orders.get(prev)! };
    }
    const notional = o.notional;
    if (notional === undefined && !(qty > 0)) throw new BadInputError(`order qty must be > 0, got ${qty}`);
    if (notional !== undefined && (!(notional > 0) || side !== 'buy')) throw new BadInputError('a notional order must be a buy of a positive amount');
    if (type === 'limit' && !(o.limitPrice! > 0)) throw new BadInputError('a limit order needs limitPrice > 0');
    if (type === 'stop' && !(o.stopPrice! > 0)) throw new BadInputError('a stop order needs stopPrice > 0');
    const id = this.opts.newOrderId?.() ?? `paper-${++this.seq}`;
    const order: Order = {
      id,
      clientOrderId: o.clientOrderId ?? id,
      symbol,
      side,
      qty: notional === undefined ? qty : 0,
      type,
      status: OrderStatus.ACCEPTED,
      createdAt: this.opts.clock.now(),
      brokerOrderId: id,
      filledQty: 0,
      ...(o.limitPrice !== undefined ? { limitPrice: o.limitPrice } : {}),
      ...(o.stopPrice !== undefined ? { stopPrice: o.stopPrice } : {}),
    };
    this.orders.set(id, order);
    this.byClientId.set(order.clientOrderId, id);
    if (notional !== undefined) this.notionals.set(id, notional);
    const bar = this.bars.get(symbol);
    if (type === 'market' && this.opts.fillAt === 'close' && bar) this.execute(order, bar.close, bar.volume);
    else this.pending.push(id);
    return { ...order };
  }

  async cancelOrder(orderId: string): Promise<void> {
    const order = this.find(orderId);
    if (!order) throw new NotFoundError(`no order ${orderId}`);
    if (order.status === OrderStatus.ACCEPTED || order.status === OrderStatus.NEW) {
      order.status = OrderStatus.CANCELED;
      this.pending = this.pending.filter((p) => p !== order.id);
    }
  }

  async getOrder(orderId: string): Promise<Order | undefined> {
    const o = this.find(orderId);
    return o ? { ...o } : undefined;
  }

  async getFills(sinceMs = -Infinity): Promise<Fill[]> {
    // Fills are in time order: binary-search the first one at or after sinceMs.
    let lo = 0;
    let hi = this.fills.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.fills[mid]!.time < sinceMs) lo = mid + 1;
      else hi = mid;
    }
    return this.fills.slice(lo);
  }

  /** Make `bars` current (one per symbol that traded at `time`) and fill what they reach. */
  advance(bars: ReadonlyMap<string, Bar>): void {
    for (const [s, b] of bars) {
      this.bars.set(s, b);
      this.marks.set(s, { price: b.close, time: b.time });
    }
    if (this.pending.length === 0) return;
    const still: string[] = [];
    for (const id of this.pending) {
      const order = this.orders.get(id)!;
      const bar = bars.get(order.symbol);
      if (!bar || order.status !== OrderStatus.ACCEPTED) {
        if (order.status === OrderStatus.ACCEPTED) still.push(id);
        continue;
      }
      const px = this.triggerPrice(order, bar);
      if (px === undefined) still.push(id);
      else this.execute(order, px, bar.volume);
    }
    this.pending = still;
  }

  /** Cash plus every position marked at its latest price (the latest close, or a newer replayed fill; the average price before either). */
  equity(): number {
    let e = this.cash;
    for (const [s, h] of this.holdings) if (h.qty !== 0) e += h.qty * (this.marks.get(s)?.price ?? h.avgPrice);
    return e;
  }

  /**
   * Book a fill executed elsewhere (recorded by this or another process) into
   * cash and positions by the same rule as an execution here. Its price
   * becomes the symbol's mark unless a newer one is known. Not told to `onFill`.
   */
  applyFill(fill: Fill): void {
    this.book(fill.symbol, fill.side === 'buy' ? 1 : -1, fill.qty, fill.price, fill.fee);
    this.fills.push({ ...fill });
    const mark = this.marks.get(fill.symbol);
    if (!mark || fill.time >= mark.time) this.marks.set(fill.symbol, { price: fill.price, time: fill.time });
  }

  /** Back to the initial cash with no positions and no fills (orders and bars stay), before replaying a book from the start. */
  resetAccount(): void {
    this.cash = this.opts.initCash;
    this.holdings.clear();
    this.fills.length = 0;
  }

  /** Undo the status of an order whose fill could not be kept (`resetAccount` and a replay undo the booking itself). */
  rejectOrder(orderId: string, reason: string): void {
    const order = this.find(orderId);
    if (!order) return;
    order.status = OrderStatus.REJECTED;
    order.rejectReason = reason;
    order.filledQty = 0;
    delete order.filledAvgPrice;
    this.pending = this.pending.filter((p) => p !== order.id);
  }

  private find(id: string): Order | undefined {
    return this.orders.get(id) ?? this.orders.get(this.byClientId.get(id) ?? '');
  }

  /** Reference price at which a pending order fills on `bar`, or undefined if the bar does not reach it. */
  private triggerPrice(order: Order, bar: Bar): number | undefined {
    const buy = order.side === 'buy';
    if (order.type === 'market') return bar.open;
    if (order.type === 'limit') {
      const lp = order.limitPrice!;
      if (buy) return bar.low <= lp ? Math.min(bar.open, lp) : undefined;
      return bar.high >= lp ? Math.max(bar.open, lp) : undefined;
    }
    const sp = order.stopPrice!;
    if (buy) return bar.high >= sp ? Math.max(bar.open, sp) : undefined;
    return bar.low <= sp ? Math.min(bar.open, sp) : undefined;
  }

  private execute(order: Order, ref: number, volume: number): void {
    const c = this.opts.costs;
    const h = this.holdings.get(order.symbol) ?? { qty: 0, avgPrice: 0, realizedPnl: 0 };
    const dir: 1 | -1 = order.side === 'buy' ? 1 : -1;
    const entering = h.qty === 0 || Math.sign(h.qty) === dir;
    let qty = order.qty;
    const notional = this.notionals.get(order.id);
    if (notional !== undefined) qty = qtyForBudget(c, Math.min(notional, this.cash), ref, volume);
    else if (dir === 1 && h.qty >= 0) {
      // A buy that would overdraw the account is cut to what the cash affords.
      const affordable = qtyForBudget(c, this.cash, ref, volume);
      if (qty > affordable) qty = roundQty(c, affordable);
    }
    if (!(qty > 0)) {
      order.status = OrderStatus.REJECTED;
      order.rejectReason = 'insufficient cash';
      return;
    }
    const price = fillPrice(c, dir, ref, qty, volume);
    const fee = feeOf(c, qty * price, entering);
    this.book(order.symbol, dir, qty, price, fee);
    order.status = OrderStatus.FILLED;
    order.filledQty = qty;
    order.filledAvgPrice = price;
    if (notional !== undefined) order.qty = qty;
    const fill: Fill = { id: `${order.id}-f`, orderId: order.id, symbol: order.symbol, side: order.side, qty, price, fee, time: this.opts.clock.now() };
    this.fills.push(fill);
    this.opts.onFill?.({ ...fill });
  }

  /** The one accounting rule: a fill moves cash, the position, its average price and realised P&L. */
  private book(symbol: string, dir: 1 | -1, qty: number, price: number, fee: number): void {
    const h = this.holdings.get(symbol) ?? { qty: 0, avgPrice: 0, realizedPnl: 0 };
    const entering = h.qty === 0 || Math.sign(h.qty) === dir;
    const value = qty * price;
    this.cash -= dir * value + fee;
    const newQty = h.qty + dir * qty;
    if (entering) {
      h.avgPrice = (Math.abs(h.qty) * h.avgPrice + value) / Math.abs(newQty);
      h.realizedPnl -= fee;
    } else {
      h.realizedPnl += Math.sign(h.qty) * qty * (price - h.avgPrice) - fee;
    }
    // Closing exactly: no rounding residue in the position.
    h.qty = dir * qty === -h.qty ? 0 : newQty;
    if (h.qty === 0) h.avgPrice = 0;
    this.holdings.set(symbol, h);
  }
}
