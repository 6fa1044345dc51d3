import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { PaperBroker } from '../../src/adapters/broker/paperBroker.ts';
import { openPaperBroker, type StoredPaperBroker } from '../../src/adapters/broker/storedPaperBroker.ts';
import { openSqliteStore } from '../../src/adapters/store/sqliteStore.ts';
import { dropPostgresSchema, openPostgresStore } from '../../src/adapters/store/postgresStore.ts';
import type { Store } from '../../src/adapters/store/store.ts';
import { NO_COSTS } from '../../src/backtest/costs.ts';
import type { Bar } from '../../src/core/bar.ts';
import type { Broker } from '../../src/core/broker.ts';
import { SimulatedClock } from '../../src/core/time.ts';
import { DEFAULT_GUARDRAILS, type Guardrails } from '../../src/live/execution/guardrails.ts';
import { OrderGate, type OrderIntent } from '../../src/live/execution/orderGate.ts';
import { POSTGRES_URL, requireService } from '../support/services.ts';

const T0 = Date.UTC(2024, 5, 3, 14, 0);
/** Position limit 6,000: 40 SPY at 100 is under it, 40 + 30 is not. */
const LIMITS: Guardrails = { ...DEFAULT_GUARDRAILS, maxPositionNotional: 6_000, maxTradeNotional: 5_000, maxDailyNotional: 1e9, dailyLossLimit: 1e9 };

function bar(close: number, time = T0, o: Partial<Bar> = {}): Bar {
  return { time, open: close, high: close, low: close, close, volume: 1e6, ...o };
}

const buy = (qty: number, symbol = 'SPY', refPrice = 100): OrderIntent => ({ symbol, side: 'buy', qty, refPrice, source: 'test' });
const sell = (qty: number, symbol = 'SPY', refPrice = 100): OrderIntent => ({ symbol, side: 'sell', qty, refPrice, source: 'test' });

/** What a process sees of the paper account. */
async function book(b: Broker): Promise<unknown> {
  const a = await b.getAccount();
  const positions = (await b.getPositions()).sort((x, y) => x.symbol.localeCompare(y.symbol));
  return { cash: a.cash, equity: a.equity, positions };
}

/**
 * One suite per dialect. `open` opens the store the way a new process would
 * (its own connection to the same database); each test starts from an empty one.
 */
function paperAccountSuite(name: string, open: () => Promise<Store | null>, cleanup: () => Promise<void>): void {
  describe(`the paper account in the store (${name})`, () => {
    const opened: Store[] = [];
    let available = true;
    const proc = async (): Promise<Store> => {
      const s = (await open())!;
      opened.push(s);
      return s;
    };
    const gate = (store: Store, clock: SimulatedClock, paper: Broker): OrderGate =>
      new OrderGate({ store, clock, config: { DRY_RUN: true, ENV: 'development', ADMIN_KEY: undefined }, paper, guardrails: LIMITS, retry: { attempts: 1, baseMs: 1, sleep: async () => {} } });

    beforeAll(async () => {
      const s = await open();
      available = s !== null;
      await s?.close();
    });
    afterAll(async () => {
      for (const s of opened) await s.close().catch(() => undefined);
      await cleanup();
    });
    const fresh = async (): Promise<Store> => {
      const s = await proc();
      await s.transaction(async (trx) => {
        for (const t of ['paper_fills', 'orders', 'events', 'kv'] as const) await trx.deleteFrom(t).execute();
      });
      return s;
    };

    it('restart: a new broker on the same store has the same cash, positions and realised P&L, and the position limit counts them', async (t) => {
      if (!available) return t.skip();
      const clock = new SimulatedClock(T0);
      const store1 = await fresh();
      const paper1 = await openPaperBroker(store1, clock);
      paper1.advance(new Map([['SPY', bar(100)], ['QQQ', bar(50)]]));
      const g1 = gate(store1, clock, paper1);
      expect((await g1.submit(buy(40))).status).toBe('filled');
      expect((await g1.submit(buy(30, 'QQQ', 50))).status).toBe('filled');
      clock.set(T0 + 60_000);
      paper1.advance(new Map([['SPY', bar(110, T0 + 60_000)]]));
      expect((await g1.submit(sell(10, 'SPY', 110))).status).toBe('filled');
      const before = await book(paper1);
      expect(before).toMatchObject({ cash: 100_000 - 4_000 - 1_500 + 1_100, positions: [{ symbol: 'QQQ', qty: 30 }, { symbol: 'SPY', qty: 30, avgPrice: 100, realizedPnl: 100 }] });
      await store1.close();

      // The process restarts: a new store connection, a new broker, no bars yet.
      const store2 = await proc();
      const paper2 = await openPaperBroker(store2, clock);
      // Equity marks SPY at its last fill (110) and QQQ at its last fill (50): the same as the bars before.
      expect(await book(paper2)).toEqual(before);

      // 30 SPY held: 30 more at 110 is 6,600, above the 6,000 limit.
      const refused = await gate(store2, clock, paper2).submit(buy(30, 'SPY', 110));
      expect(refused.status).toBe('refused');
      expect(refused.reasons).toContain('position would be 6600.00, above the maximum 6000');

      // Without the restore (an empty in-memory account, as before), the same order passes the limit.
      const amnesiac = new PaperBroker({ initCash: 100_000, costs: NO_COSTS, fillAt: 'close', clock });
      amnesiac.advance(new Map([['SPY', bar(110, T0 + 60_000)]]));
      const passed = await gate(store2, clock, amnesiac).submit(buy(30, 'SPY', 110));
      expect(passed.reasons).not.toContain('position would be 6600.00, above the maximum 6000');
      expect(passed.status).toBe('filled');

      // The book is in the store with the orders' keys, and each fill is in the audit trail.
      const fills = await store2.db.selectFrom('paper_fills').selectAll().orderBy('seq').execute();
      expect(fills.map((f) => [f.symbol, f.side, f.qty, f.price])).toEqual([['SPY', 'buy', 40, 100], ['QQQ', 'buy', 30, 50], ['SPY', 'sell', 10, 110]]);
      const orders = await store2.db.selectFrom('orders').select(['client_order_id', 'broker_order_id']).where('status', '=', 'filled').where('broker', '=', 'paper').execute();
      for (const f of fills) expect(orders).toContainEqual({ client_order_id: f.client_order_id, broker_order_id: f.order_id });
      expect(await store2.events({ type: 'paper.fill' })).toHaveLength(3);
    });

    it('two processes: a fill by one is counted by the other’s next pre-trade check', async (t) => {
      if (!available) return t.skip();
      const clock = new SimulatedClock(T0);
      await fresh();
      const [storeA, storeB] = [await proc(), await proc()];
      const [paperA, paperB] = [await openPaperBroker(storeA, clock), await openPaperBroker(storeB, clock)];
      for (const p of [paperA, paperB]) p.advance(new Map([['SPY', bar(100)]]));
      const [gA, gB] = [gate(storeA, clock, paperA), gate(storeB, clock, paperB)];

      expect((await gA.submit(buy(40))).status).toBe('filled');
      // B has not traded, but A's 40 shares count: 40 + 30 at 100 is above the limit.
      const refused = await gB.submit(buy(30));
      expect(refused.status).toBe('refused');
      expect(refused.reasons).toContain('position would be 7000.00, above the maximum 6000');
      expect((await gB.submit(sell(15))).status).toBe('filled');
      expect((await paperA.getPositions())[0]).toMatchObject({ symbol: 'SPY', qty: 25 });
      expect(await book(paperA)).toEqual(await book(paperB));
    });

    it('two processes trading at once end with the account a fresh restore gives (ledger order)', async (t) => {
      if (!available) return t.skip();
      const clock = new SimulatedClock(T0);
      await fresh();
      const [storeA, storeB] = [await proc(), await proc()];
      const [paperA, paperB] = [await openPaperBroker(storeA, clock), await openPaperBroker(storeB, clock)];
      paperA.advance(new Map([['SPY', bar(100)]]));
      await paperA.placeOrder('SPY', 'buy', 20, 'market');
      expect((await paperB.getPositions())[0]).toMatchObject({ qty: 20 });
      // B's limit sell fills here on a bar, before B records it; meanwhile A sells out and records first.
      await paperB.placeOrder('SPY', 'sell', 10, 'limit', { limitPrice: 105 });
      clock.set(T0 + 60_000);
      paperB.advance(new Map([['SPY', bar(106, T0 + 60_000, { open: 104, high: 106, low: 103 })]]));
      await paperA.placeOrder('SPY', 'sell', 20, 'market');
      // B records its fill after A's: B replays the ledger, so it agrees with A and with a new process.
      const b = await book(paperB);
      const c = await book(await openPaperBroker(await proc(), clock));
      expect(b).toEqual(c);
      expect(await book(paperA)).toEqual(c);
      expect(c).toMatchObject({ positions: [{ symbol: 'SPY', qty: -10, avgPrice: 105 }] });
      const fills = await storeA.db.selectFrom('paper_fills').select(['side', 'qty', 'price']).orderBy('seq').execute();
      expect(fills).toEqual([{ side: 'buy', qty: 20, price: 100 }, { side: 'sell', qty: 20, price: 100 }, { side: 'sell', qty: 10, price: 105 }]);
    });

    it('a corrupt fill row stops the restore with an error naming the row, and is never half-applied', async (t) => {
      if (!available) return t.skip();
      const clock = new SimulatedClock(T0);
      const store = await fresh();
      const paper = await openPaperBroker(store, clock);
      paper.advance(new Map([['SPY', bar(100)]]));
      await paper.placeOrder('SPY', 'buy', 5, 'market');
      const row = { order_id: 'paper-x', client_order_id: 'k', symbol: 'SPY', side: 'buy', price: 100, fee: 0, time: new Date(T0).toISOString(), created_at: new Date(T0).toISOString() };
      await store.db.insertInto('paper_fills').values({ ...row, id: 'good', qty: 1 }).execute();
      const bad = await store.db.insertInto('paper_fills').values({ ...row, id: 'bad-qty', qty: -3 }).returning('seq').executeTakeFirstOrThrow();
      const message = new RegExp(`paper_fills row seq ${bad.seq} \\(id "bad-qty"\\) is not a valid fill: qty must be a positive number, got -3`);
      await expect(openPaperBroker(await proc(), clock)).rejects.toThrow(message);
      // The running broker refuses to answer rather than count the good row without the bad one.
      await expect(paper.getPositions()).rejects.toThrow(message);
      const g = await gate(store, clock, paper).submit(buy(1));
      expect(g.status).toBe('refused');
      expect(g.reasons.join(' ')).toMatch(message);
      await store.db.deleteFrom('paper_fills').where('id', '=', 'bad-qty').execute();
      expect((await paper.getPositions())[0]).toMatchObject({ qty: 6 });
    });

    it('a fill the store cannot record is undone: the order is rejected and no row or event is half-written', async (t) => {
      if (!available) return t.skip();
      const clock = new SimulatedClock(T0);
      const store = await fresh();
      const paper: StoredPaperBroker = await openPaperBroker(store, clock);
      paper.advance(new Map([['SPY', bar(100)]]));
      if (store.dialect === 'sqlite') {
        await sql`create trigger paper_fills_fail before insert on paper_fills begin select raise(abort, 'disk full (test)'); end`.execute(store.db);
      } else {
        await sql`create function paper_fills_fail() returns trigger language plpgsql as $$ begin raise exception 'disk full (test)'; end $$`.execute(store.db);
        await sql`create trigger paper_fills_fail before insert on paper_fills for each row execute function paper_fills_fail()`.execute(store.db);
      }
      try {
        const d = await gate(store, clock, paper).submit(buy(10));
        expect(d.status).toBe('rejected');
        expect(d.order?.rejectReason).toContain('disk full (test)');
      } finally {
        if (store.dialect === 'sqlite') await sql`drop trigger paper_fills_fail`.execute(store.db);
        else await sql`drop function paper_fills_fail() cascade`.execute(store.db);
      }
      expect(await paper.getPositions()).toEqual([]);
      expect((await paper.getAccount()).cash).toBe(100_000);
      expect(await store.db.selectFrom('paper_fills').selectAll().execute()).toEqual([]);
      expect(await store.events({ type: 'paper.fill' })).toEqual([]);
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'tp-paper-'));
paperAccountSuite('SQLite', () => openSqliteStore(join(dir, 'paper.db')), async () => rmSync(dir, { recursive: true, force: true }));

const schema = `tp_paper_${process.pid}_${Date.now().toString(36)}`;
paperAccountSuite(
  'PostgreSQL',
  async () => ((await requireService('PostgreSQL', POSTGRES_URL)) ? openPostgresStore(POSTGRES_URL, { schema, max: 2 }) : null),
  async () => {
    if (await requireService('PostgreSQL', POSTGRES_URL)) await dropPostgresSchema(POSTGRES_URL, schema);
  },
);
