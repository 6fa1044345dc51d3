import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { openPaperBroker } from '../../../src/adapters/broker/storedPaperBroker.ts';
import { backfillPaperFills } from '../../../src/adapters/store/paperFillsBackfill.ts';
import { openSqliteStore } from '../../../src/adapters/store/sqliteStore.ts';
import type { Store } from '../../../src/adapters/store/store.ts';
import { SimulatedClock } from '../../../src/core/time.ts';

const T0 = Date.UTC(2024, 5, 3, 14, 0);

describe('migration 0011: paper orders filled before fills were recorded', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
  });
  afterEach(async () => {
    await store.close();
  });

  /** An orders row as the gate wrote it before paper fills were recorded. */
  async function order(id: string, o: { broker?: string; mode?: string; side?: string; status?: string; receipt: string | null; at: number }): Promise<void> {
    const at = new Date(o.at).toISOString();
    await store.db
      .insertInto('orders')
      .values({
        id, client_order_id: `tp-${id}`, confirmation_id: null, prediction_id: null, symbol: 'SPY', side: o.side ?? 'buy', qty: 10, type: 'market', ref_price: 100, notional: 1000,
        broker: o.broker ?? 'paper', mode: o.mode ?? 'paper', status: o.status ?? 'filled', broker_order_id: 'paper-1', reasons: '[]', receipt: o.receipt, created_at: at, updated_at: at,
      })
      .execute();
  }
  const receipt = (side: string, filledQty: number, filledAvgPrice: number | undefined, createdAt: number): string =>
    JSON.stringify({ id: 'paper-1', clientOrderId: 'x', symbol: 'SPY', side, qty: filledQty, type: 'market', status: filledQty > 0 ? 'filled' : 'rejected', createdAt, filledQty, filledAvgPrice });

  it('turns each filled paper receipt into a fill, in order, and the account replays from them', async () => {
    await order('o2', { side: 'sell', receipt: receipt('sell', 4, 110, T0 + 1000), at: T0 + 1000 });
    await order('o1', { receipt: receipt('buy', 10, 100, T0), at: T0 });
    await order('o3', { receipt: receipt('buy', 0, undefined, T0 + 2000), status: 'rejected', at: T0 + 2000 });
    await order('o4', { broker: 'alpaca', mode: 'live', receipt: receipt('buy', 99, 1, T0), at: T0 });
    await order('o5', { broker: 'none', mode: 'none', status: 'refused', receipt: null, at: T0 });
    await backfillPaperFills(store.db as unknown as Kysely<unknown>);
    const rows = await store.db.selectFrom('paper_fills').selectAll().orderBy('seq').execute();
    expect(rows.map((r) => [r.id, r.client_order_id, r.side, r.qty, r.price, r.fee, r.time])).toEqual([
      ['o1-f', 'tp-o1', 'buy', 10, 100, 0, new Date(T0).toISOString()],
      ['o2-f', 'tp-o2', 'sell', 4, 110, 0, new Date(T0 + 1000).toISOString()],
    ]);
    const paper = await openPaperBroker(store, new SimulatedClock(T0 + 5000));
    expect(await paper.getPositions()).toEqual([{ symbol: 'SPY', qty: 6, avgPrice: 100, realizedPnl: 40 }]);
    expect((await paper.getAccount()).cash).toBe(100_000 - 1000 + 440);
  });

  it('names the order row whose receipt cannot be read, and writes nothing', async () => {
    await order('o1', { receipt: receipt('buy', 10, 100, T0), at: T0 });
    await order('o2', { receipt: '{"filledQty": 5, "filledAvgPrice": "cheap"', at: T0 + 1 });
    await expect(store.transaction((trx) => backfillPaperFills(trx as unknown as Kysely<unknown>))).rejects.toThrow(/orders row o2 \(client order id tp-o2\): receipt is not JSON/);
    await store.db.updateTable('orders').set({ receipt: '{"filledQty": 5, "filledAvgPrice": "cheap", "side": "buy"}' }).where('id', '=', 'o2').execute();
    await expect(store.transaction((trx) => backfillPaperFills(trx as unknown as Kysely<unknown>))).rejects.toThrow(/orders row o2 .*filledAvgPrice must be a positive number, got "cheap"/);
    expect(await store.db.selectFrom('paper_fills').selectAll().execute()).toEqual([]);
  });
});
