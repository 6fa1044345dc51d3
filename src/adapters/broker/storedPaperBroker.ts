import { NO_COSTS, type CostModel } from '../../backtest/costs.ts';
import type { Bar } from '../../core/bar.ts';
import type { Account, Broker, PlaceOrderOptions } from '../../core/broker.ts';
import { ErrorCode, TradepilotError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import type { Fill, Order, OrderType, Position, Side } from '../../core/order.ts';
import type { Clock } from '../../core/time.ts';
import type { Store } from '../store/store.ts';
import { PaperBroker } from './paperBroker.ts';
import { PaperFillLedger, type LedgerFill } from './paperFillLedger.ts';

/** How the paper account is simulated; the book itself comes from the store. */
export interface StoredPaperBrokerOptions {
  /** Cash before the first recorded fill (100,000 when absent). */
  initCash?: number;
  /** Costs of new fills (recorded fills keep the price and fee they had). No costs when absent. */
  costs?: CostModel;
  fillAt?: 'close' | 'next-open';
  currency?: string;
}

/** Paper account size when nothing else is configured. */
export const DEFAULT_PAPER_CASH = 100_000;

/**
 * The paper broker of a store: restored from the recorded fills before it is
 * used. Every process that trades paper (serve, the CLI) opens it this way, so
 * they all see one account.
 */
export async function openPaperBroker(store: Store, clock: Clock, opts: StoredPaperBrokerOptions = {}): Promise<StoredPaperBroker> {
  const broker = new StoredPaperBroker(store, clock, opts);
  await broker.connect();
  return broker;
}

/**
 * The simulated paper broker with its book in the store (`paper_fills`). The
 * pure kernel (PaperBroker) simulates; this keeps it in step with the ledger:
 *
 * - every call that reads the account or places an order first records the
 *   kernel's new fills, then books the fills other processes recorded since the
 *   last look (so the gate's pre-trade checks count every process's trades);
 * - the first call replays the whole ledger on top of the initial cash, and the
 *   last fill price of each symbol marks it until a newer bar arrives;
 * - when another process recorded a fill between our look and our write, the
 *   account is replayed in ledger order, so every process ends with the same
 *   cash, average prices and realised P&L as a fresh restore;
 * - a fill that cannot be recorded did not happen: its order is rejected, the
 *   call fails, and the account is replayed from the ledger at the next use.
 *
 * Calls run one at a time. Orders still pending (limit, stop, next-open) live in
 * this process only; what they fill is recorded when it fills.
 */
export class StoredPaperBroker implements Broker {
  readonly name = 'paper';
  private readonly kernel: PaperBroker;
  private readonly ledger: PaperFillLedger;
  /** Fills the kernel executed that are not in the ledger yet (booked in the kernel already). */
  private unrecorded: Fill[] = [];
  /** The last ledger position the kernel reflects. */
  private seenSeq = 0;
  /** The kernel does not follow ledger order (or has not been restored yet): replay it all at the next call. */
  private stale = true;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    store: Store,
    private readonly clock: Clock,
    opts: StoredPaperBrokerOptions = {},
  ) {
    this.ledger = new PaperFillLedger(store);
    this.kernel = new PaperBroker({
      initCash: opts.initCash ?? DEFAULT_PAPER_CASH,
      costs: opts.costs ?? NO_COSTS,
      fillAt: opts.fillAt ?? 'close',
      clock,
      ...(opts.currency !== undefined ? { currency: opts.currency } : {}),
      // Ids are unique across processes and restarts: fill ids derive from them.
      newOrderId: () => `paper-${uuidv7()}`,
      onFill: (f) => this.unrecorded.push(f),
    });
  }

  /** Make `bars` current; fills they trigger are recorded at the next call. */
  advance(bars: ReadonlyMap<string, Bar>): void {
    this.kernel.advance(bars);
  }

  /** Restore on first use; later, catch up with the ledger. */
  connect(): Promise<void> {
    return this.exclusive(() => this.sync());
  }

  getAccount(): Promise<Account> {
    return this.exclusive(async () => {
      await this.sync();
      return this.kernel.getAccount();
    });
  }

  getPositions(): Promise<Position[]> {
    return this.exclusive(async () => {
      await this.sync();
      return this.kernel.getPositions();
    });
  }

  placeOrder(symbol: string, side: Side, qty: number, type: OrderType, opts?: PlaceOrderOptions): Promise<Order> {
    return this.exclusive(async () => {
      await this.sync();
      const order = await this.kernel.placeOrder(symbol, side, qty, type, opts);
      await this.record();
      return order;
    });
  }

  cancelOrder(orderId: string): Promise<void> {
    return this.exclusive(() => this.kernel.cancelOrder(orderId));
  }

  /** An order placed by this process (orders of other processes are in the store's `orders`). */
  getOrder(orderId: string): Promise<Order | undefined> {
    return this.exclusive(() => this.kernel.getOrder(orderId));
  }

  /** Every recorded fill of the account (any process) since `sinceMs`, in ledger order. */
  getFills(sinceMs = -Infinity): Promise<Fill[]> {
    return this.exclusive(async () => {
      await this.sync();
      return (await this.kernel.getFills()).filter((f) => f.time >= sinceMs);
    });
  }

  /** Record our new fills, then book what the ledger has that we have not (all of it when stale). */
  private async sync(): Promise<void> {
    await this.record();
    if (this.stale) return this.replay();
    const fresh = await this.ledger.after(this.seenSeq);
    if (fresh.length === 0) return;
    // A fill executed here while we read would now precede older ledger rows: book, and put in ledger order next time.
    if (this.unrecorded.length > 0) this.stale = true;
    for (const f of fresh) this.kernel.applyFill(plainFill(f));
    this.seenSeq = fresh.at(-1)!.seq;
  }

  /** The account from the initial cash and the whole ledger, then the fills not recorded yet. */
  private async replay(): Promise<void> {
    const all = await this.ledger.after(0);
    this.kernel.resetAccount();
    for (const f of all) this.kernel.applyFill(plainFill(f));
    for (const f of this.unrecorded) this.kernel.applyFill(f);
    this.seenSeq = all.at(-1)?.seq ?? 0;
    this.stale = false;
  }

  /** Write the kernel's new fills to the ledger in one transaction; if that fails they are undone. */
  private async record(): Promise<void> {
    if (this.unrecorded.length === 0) return;
    const batch = this.unrecorded;
    this.unrecorded = [];
    const fills = [];
    for (const f of batch) fills.push({ ...f, clientOrderId: (await this.kernel.getOrder(f.orderId))?.clientOrderId ?? f.orderId });
    try {
      const { lastSeq, overtaken } = await this.ledger.record(fills, this.seenSeq, this.clock.now());
      // Another process's fills landed between our look and our write: ours were booked before theirs here.
      if (overtaken) this.stale = true;
      else this.seenSeq = lastSeq;
    } catch (err) {
      const why = (err as Error).message;
      for (const f of batch) this.kernel.rejectOrder(f.orderId, `paper fill not recorded: ${why}`);
      this.stale = true;
      throw new TradepilotError(ErrorCode.STORE_FAILED, `paper broker: could not record fill(s) ${batch.map((f) => f.id).join(', ')}, so they were undone: ${why}`, undefined, { cause: err });
    }
  }

  /** Run calls one at a time, in call order (a failed call does not stop the next). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

function plainFill(f: LedgerFill): Fill {
  return { id: f.id, orderId: f.orderId, symbol: f.symbol, side: f.side, qty: f.qty, price: f.price, fee: f.fee, time: f.time };
}
