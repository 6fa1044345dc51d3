import type { ExitReason, Trade } from './types.ts';

/**
 * Turns a symbol's fills into round-trip trades. A trade opens when the position
 * leaves zero and closes when it returns to zero (a flip closes one and opens
 * the next). P&L is the sum of the trade's cash flows, so partial adds and
 * reductions (rebalancing) are counted exactly.
 */
export class TradeBook {
  /** Finished and (after `finish`) open trades, in order. */
  readonly trades: Trade[] = [];
  private pos = 0;
  private side: 1 | -1 = 1;
  private entryBar = -1;
  private entryQty = 0;
  private entryValue = 0;
  private exitQty = 0;
  private exitValue = 0;
  private entryFees = 0;
  private exitFees = 0;
  private flow = 0;
  private maxQty = 0;

  constructor(readonly symbol: string) {}

  /** Signed position after the fills so far. */
  get position(): number {
    return this.pos;
  }

  /** Bar on which the open trade started (-1 when flat). */
  get openEntryBar(): number {
    return this.pos === 0 ? -1 : this.entryBar;
  }

  /** Volume-weighted entry price of the open trade (NaN when flat). */
  get entryPrice(): number {
    return this.pos === 0 ? NaN : this.entryValue / this.entryQty;
  }

  /** Record a fill of signed quantity `dq` at `price` with `fee`. */
  fill(bar: number, dq: number, price: number, fee: number, reason: ExitReason): void {
    if (dq === 0) return;
    const dir: 1 | -1 = dq > 0 ? 1 : -1;
    const aq = Math.abs(dq);
    if (this.pos === 0) {
      this.open(bar, dir, aq, price, fee);
      return;
    }
    if (dir === this.side) {
      this.entryQty += aq;
      this.entryValue += aq * price;
      this.entryFees += fee;
      this.flow -= dir * aq * price + fee;
      this.pos += dq;
      this.maxQty = Math.max(this.maxQty, Math.abs(this.pos));
      return;
    }
    const held = Math.abs(this.pos);
    const r = Math.min(aq, held);
    const feeClose = aq > held ? (fee * r) / aq : fee;
    this.exitQty += r;
    this.exitValue += r * price;
    this.exitFees += feeClose;
    this.flow += this.side * r * price - feeClose;
    // Closing exactly: the position returns to zero without rounding residue.
    this.pos = r === held ? 0 : this.pos + dq;
    if (this.pos === 0) {
      this.close(bar, reason);
      if (aq > held) this.open(bar, dir, aq - held, price, fee - feeClose);
    }
  }

  /** Mark an open trade at `close` on the last bar and list it (exitBar -1, reason 'open'). */
  finish(close: number): Trade[] {
    if (this.pos !== 0) {
      const held = Math.abs(this.pos);
      const pnl = this.flow + this.side * held * close;
      this.trades.push({
        symbol: this.symbol,
        side: this.side,
        entryBar: this.entryBar,
        exitBar: -1,
        qty: this.maxQty,
        entryPrice: this.entryValue / this.entryQty,
        exitPrice: close,
        entryFees: this.entryFees,
        exitFees: this.exitFees,
        pnl,
        returnPct: pnl / this.entryValue,
        exitReason: 'open',
      });
    }
    return this.trades;
  }

  private open(bar: number, dir: 1 | -1, aq: number, price: number, fee: number): void {
    this.side = dir;
    this.entryBar = bar;
    this.entryQty = aq;
    this.entryValue = aq * price;
    this.exitQty = 0;
    this.exitValue = 0;
    this.entryFees = fee;
    this.exitFees = 0;
    this.flow = -dir * aq * price - fee;
    this.pos = dir * aq;
    this.maxQty = aq;
  }

  private close(bar: number, reason: ExitReason): void {
    this.trades.push({
      symbol: this.symbol,
      side: this.side,
      entryBar: this.entryBar,
      exitBar: bar,
      qty: this.maxQty,
      entryPrice: this.entryValue / this.entryQty,
      exitPrice: this.exitValue / this.exitQty,
      entryFees: this.entryFees,
      exitFees: this.exitFees,
      pnl: this.flow,
      returnPct: this.flow / this.entryValue,
      exitReason: reason,
    });
  }
}
