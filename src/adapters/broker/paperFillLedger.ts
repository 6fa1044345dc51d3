import { sql, type Selectable } from 'kysely';
import type { Store } from '../store/store.ts';
import type { PaperFillsTable } from '../store/schema.ts';
import { ErrorCode, TradepilotError } from '../../core/errors.ts';
import type { Fill } from '../../core/order.ts';

/** A fill of the paper broker with the client order id of its order (the link to `orders`). */
export interface PaperFill extends Fill {
  clientOrderId: string;
}

/** A fill as the ledger holds it: with its place in the ledger. */
export interface LedgerFill extends PaperFill {
  seq: number;
}

/** What `record` did: the last ledger position written, and whether other writers' fills came before ours. */
export interface RecordResult {
  lastSeq: number;
  /** True when fills after `knownSeq` that the caller had not seen were recorded before ours. */
  overtaken: boolean;
}

/**
 * The paper broker's book in the store (table `paper_fills`): fills are appended
 * in one transaction per batch, each with a `paper.fill` event, and read back in
 * ledger order. Every writer takes the table's write lock before it inserts
 * (SQLite's one writer; an explicit lock on PostgreSQL), so ledger order is
 * commit order and a reader that saw up to `seq` never misses a later commit.
 */
export class PaperFillLedger {
  constructor(private readonly store: Store) {}

  /** Fills after ledger position `seq`, oldest first. A row that cannot be a fill throws, naming it. */
  async after(seq: number): Promise<LedgerFill[]> {
    const rows = await this.store.db.selectFrom('paper_fills').selectAll().where('seq', '>', seq).orderBy('seq').execute();
    return rows.map((r) => this.parse(r));
  }

  /** Append `fills` (all or none); `knownSeq` is the last ledger position the caller has seen. */
  async record(fills: readonly PaperFill[], knownSeq: number, now: number): Promise<RecordResult> {
    if (fills.length === 0) return { lastSeq: knownSeq, overtaken: false };
    const createdAt = new Date(now).toISOString();
    return this.store.transaction(async (trx) => {
      // PostgreSQL hands out sequence numbers at insert time: serialise writers so commits land in seq order.
      if (this.store.dialect === 'postgres') await sql`lock table paper_fills in share row exclusive mode`.execute(trx);
      const seqs: number[] = [];
      for (const f of fills) {
        const row = await trx
          .insertInto('paper_fills')
          .values({ id: f.id, order_id: f.orderId, client_order_id: f.clientOrderId, symbol: f.symbol, side: f.side, qty: f.qty, price: f.price, fee: f.fee, time: new Date(f.time).toISOString(), created_at: createdAt })
          .returning('seq')
          .executeTakeFirstOrThrow();
        seqs.push(Number(row.seq));
      }
      const before = await trx.selectFrom('paper_fills').select('seq').where('seq', '>', knownSeq).where('seq', '<', seqs[0]!).limit(1).executeTakeFirst();
      await this.store.append(
        fills.map((f) => ({ type: 'paper.fill', subject: f.symbol, payload: { id: f.id, orderId: f.orderId, clientOrderId: f.clientOrderId, side: f.side, qty: f.qty, price: f.price, fee: f.fee }, time: f.time })),
        trx,
      );
      return { lastSeq: Math.max(...seqs), overtaken: before !== undefined };
    });
  }

  private parse(r: Selectable<PaperFillsTable>): LedgerFill {
    const bad = (what: string): TradepilotError =>
      new TradepilotError(ErrorCode.STORE_FAILED, `${this.store.location}: paper_fills row seq ${r.seq} (id ${JSON.stringify(r.id)}) is not a valid fill: ${what}`, { table: 'paper_fills', seq: Number(r.seq), id: r.id });
    const text = (v: unknown, field: string): string => {
      if (typeof v !== 'string' || v === '') throw bad(`${field} must be non-empty text, got ${JSON.stringify(v)}`);
      return v;
    };
    const num = (v: unknown, field: string, min: 'positive' | 'non-negative'): number => {
      const ok = typeof v === 'number' && Number.isFinite(v) && (min === 'positive' ? v > 0 : v >= 0);
      if (!ok) throw bad(`${field} must be a ${min} number, got ${JSON.stringify(v)}`);
      return v;
    };
    const side = r.side;
    if (side !== 'buy' && side !== 'sell') throw bad(`side must be buy or sell, got ${JSON.stringify(side)}`);
    const time = typeof r.time === 'string' ? Date.parse(r.time) : NaN;
    if (!Number.isFinite(time)) throw bad(`time must be an ISO-8601 time, got ${JSON.stringify(r.time)}`);
    return {
      seq: Number(r.seq),
      id: text(r.id, 'id'),
      orderId: text(r.order_id, 'order_id'),
      clientOrderId: text(r.client_order_id, 'client_order_id'),
      symbol: text(r.symbol, 'symbol'),
      side,
      qty: num(r.qty, 'qty', 'positive'),
      price: num(r.price, 'price', 'positive'),
      fee: num(r.fee, 'fee', 'non-negative'),
      time,
    };
  }
}
