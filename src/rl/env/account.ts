/**
 * The RL backtesting engine: one instrument, one position at a time (long or short), cash
 * accounting (equity = capital + quantity * price), fills at the price given, and a fixed
 * brokerage per order (25 on entry, 35 on exit, INR by default). Allocation-free so the
 * environment can call it a million times a second; refused trades return a status code.
 */
import { BadInputError } from '../../core/errors.ts';
import { Action, TradeStatus } from './actions.ts';

/** Settings of a `TradingAccount`. */
export interface AccountOptions {
  /** Starting capital (default 100,000). */
  initialCapital?: number;
  /** Fixed brokerage per entry order (default 25). */
  entryFee?: number;
  /** Fixed brokerage per exit order (default 35). */
  exitFee?: number;
  /** Currency of capital and fees, for reports (default INR). */
  currency?: string;
}

/** One closed round trip. */
export interface ClosedTrade {
  side: 1 | -1;
  quantity: number;
  entryPrice: number;
  exitPrice: number;
  entryStep: number;
  exitStep: number;
  /** Net of both fees. */
  pnl: number;
}

/** Capital, position and P&L of one trading account. */
export class TradingAccount {
  readonly initialCapital: number;
  readonly entryFee: number;
  readonly exitFee: number;
  readonly currency: string;
  /** Cash (short sale proceeds included). */
  capital = 0;
  /** Signed quantity held: > 0 long, < 0 short, 0 flat. */
  position = 0;
  /** Fill price of the open position. */
  entryPrice = 0;
  /** Step at which the open position was entered. */
  entryStep = -1;
  /** Realised P&L net of fees, summed over closed trades (entry fees of open trades excluded). */
  realisedPnl = 0;
  /** Fees paid so far. */
  feesPaid = 0;
  /** Fee charged by the last `executeTrade`. */
  lastFee = 0;
  /** Net P&L of the trade closed by the last `executeTrade` (0 when none closed). */
  lastClosedPnl = 0;
  /** Completed round trips, when `recordTrades` is on (off in the training hot loop). */
  readonly trades: ClosedTrade[] = [];
  recordTrades = false;
  private openFee = 0;

  constructor(opts: AccountOptions = {}) {
    this.initialCapital = opts.initialCapital ?? 100_000;
    this.entryFee = opts.entryFee ?? 25;
    this.exitFee = opts.exitFee ?? 35;
    this.currency = opts.currency ?? 'INR';
    if (!(this.initialCapital > 0)) throw new BadInputError(`initialCapital must be > 0, got ${this.initialCapital}`);
    if (!(this.entryFee >= 0) || !(this.exitFee >= 0)) throw new BadInputError(`fees must be >= 0, got entry ${this.entryFee}, exit ${this.exitFee}`);
    this.reset();
  }

  /** Back to the starting capital, flat, no history. */
  reset(): void {
    this.capital = this.initialCapital;
    this.position = 0;
    this.entryPrice = 0;
    this.entryStep = -1;
    this.realisedPnl = 0;
    this.feesPaid = 0;
    this.lastFee = 0;
    this.lastClosedPnl = 0;
    this.openFee = 0;
    this.trades.length = 0;
  }

  /** Capital plus the open position marked at `price`. */
  equity(price: number): number {
    return this.capital + this.position * price;
  }

  /** P&L of the open position at `price`, before its exit fee. */
  unrealisedPnl(price: number): number {
    return this.position * (price - this.entryPrice);
  }

  /**
   * Executes `action` for `quantity` units at `price` (HOLD does nothing). Opening needs a
   * flat book and equity >= notional + fee; closing needs that side open (the whole position
   * is closed, `quantity` is ignored). `step` stamps the trade record.
   */
  executeTrade(action: Action, price: number, quantity: number, step = 0): TradeStatus {
    this.lastFee = 0;
    this.lastClosedPnl = 0;
    switch (action) {
      case Action.HOLD:
        return TradeStatus.OK;
      case Action.BUY_LONG:
      case Action.SELL_SHORT: {
        if (this.position !== 0) return TradeStatus.ALREADY_OPEN;
        const notional = price * quantity;
        if (!(quantity > 0) || this.equity(price) < notional + this.entryFee) return TradeStatus.NO_CAPITAL;
        const side = action === Action.BUY_LONG ? 1 : -1;
        this.position = side * quantity;
        this.capital -= side * notional + this.entryFee;
        this.entryPrice = price;
        this.entryStep = step;
        this.openFee = this.entryFee;
        this.feesPaid += this.entryFee;
        this.lastFee = this.entryFee;
        return TradeStatus.OK;
      }
      case Action.CLOSE_LONG:
      case Action.CLOSE_SHORT: {
        const want = action === Action.CLOSE_LONG ? 1 : -1;
        if (this.position * want <= 0) return TradeStatus.NOTHING_TO_CLOSE;
        const q = this.position;
        this.capital += q * price - this.exitFee;
        const pnl = q * (price - this.entryPrice) - this.openFee - this.exitFee;
        this.realisedPnl += pnl;
        this.feesPaid += this.exitFee;
        this.lastFee = this.exitFee;
        this.lastClosedPnl = pnl;
        if (this.recordTrades) {
          this.trades.push({ side: want as 1 | -1, quantity: Math.abs(q), entryPrice: this.entryPrice, exitPrice: price, entryStep: this.entryStep, exitStep: step, pnl });
        }
        this.position = 0;
        this.entryPrice = 0;
        this.entryStep = -1;
        this.openFee = 0;
        return TradeStatus.OK;
      }
      default:
        throw new BadInputError(`unknown action ${String(action)} (expected 0..4)`);
    }
  }
}
