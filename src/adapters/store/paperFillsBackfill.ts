import { sql, type Kysely } from 'kysely';

interface PaperOrderRow {
  id: string;
  client_order_id: string;
  broker_order_id: string | null;
  symbol: string;
  side: string;
  receipt: string;
  updated_at: string;
}

/**
 * Migration 0011's backfill: paper orders filled before fills were recorded
 * become paper_fills rows, from the receipt the order gate stored (filled
 * quantity and average price, in the order the orders were made). Receipts carry
 * no fee: the paper broker's default cost model charges none, so the fee is 0.
 * A receipt that cannot be read fails the migration (and so writes nothing),
 * naming the order row.
 */
export async function backfillPaperFills(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<PaperOrderRow>`
    select id, client_order_id, broker_order_id, symbol, side, receipt, updated_at from orders
    where broker = 'paper' and mode = 'paper' and receipt is not null
    order by created_at, id`.execute(db);
  const now = new Date().toISOString();
  for (const r of rows) {
    const where = `orders row ${r.id} (client order id ${r.client_order_id})`;
    let receipt: { filledQty?: unknown; filledAvgPrice?: unknown; side?: unknown; createdAt?: unknown };
    try {
      receipt = JSON.parse(r.receipt) as typeof receipt;
    } catch (err) {
      throw new Error(`${where}: receipt is not JSON (${(err as Error).message})`);
    }
    const qty = receipt?.filledQty ?? 0;
    if (qty === 0) continue;
    const price = receipt.filledAvgPrice;
    const side = receipt.side ?? r.side;
    if (typeof qty !== 'number' || !(qty > 0) || !Number.isFinite(qty)) throw new Error(`${where}: receipt filledQty must be a positive number, got ${JSON.stringify(qty)}`);
    if (typeof price !== 'number' || !(price > 0) || !Number.isFinite(price)) throw new Error(`${where}: receipt filledAvgPrice must be a positive number, got ${JSON.stringify(price)}`);
    if (side !== 'buy' && side !== 'sell') throw new Error(`${where}: side must be buy or sell, got ${JSON.stringify(side)}`);
    const time = typeof receipt.createdAt === 'number' && Number.isFinite(receipt.createdAt) ? new Date(receipt.createdAt).toISOString() : r.updated_at;
    await sql`
      insert into paper_fills (id, order_id, client_order_id, symbol, side, qty, price, fee, time, created_at)
      values (${`${r.id}-f`}, ${r.broker_order_id ?? r.client_order_id}, ${r.client_order_id}, ${r.symbol}, ${side}, ${qty}, ${price}, ${0}, ${time}, ${now})`.execute(db);
  }
}
