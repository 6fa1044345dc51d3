import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PaperBroker } from '../../src/adapters/broker/paperBroker.ts';
import { openSqliteStore } from '../../src/adapters/store/sqliteStore.ts';
import type { Store } from '../../src/adapters/store/store.ts';
import { NO_COSTS } from '../../src/backtest/costs.ts';
import type { Bar } from '../../src/core/bar.ts';
import type { Account, Broker, PlaceOrderOptions } from '../../src/core/broker.ts';
import { TradepilotError, ErrorCode } from '../../src/core/errors.ts';
import type { Order, OrderType, Position, Side, Fill } from '../../src/core/order.ts';
import { SimulatedClock } from '../../src/core/time.ts';
import { DEFAULT_GUARDRAILS, preTradeCheck, TradingState, type Guardrails } from '../../src/live/execution/guardrails.ts';
import { OrderGate, type OrderGateDeps } from '../../src/live/execution/orderGate.ts';

const ADMIN = 'admin-key-0123456789abcdef';
const T0 = Date.UTC(2024, 5, 3, 14, 0);

/**
 * The real PaperBroker with every call recorded, and failures switchable:
 * it stands where a live broker would, so a test can prove it got no request.
 */
class RecordingBroker implements Broker {
  readonly calls: string[] = [];
  failPlace = 0;
  failPlaceError: () => Error = () => new TradepilotError(ErrorCode.NETWORK, 'connection reset');
  failConnect = false;
  constructor(
    readonly name: string,
    readonly inner: PaperBroker,
  ) {}
  async connect(): Promise<void> {
    this.calls.push('connect');
    if (this.failConnect) throw new TradepilotError(ErrorCode.NETWORK, 'broker down');
  }
  async getAccount(): Promise<Account> {
    this.calls.push('getAccount');
    return this.inner.getAccount();
  }
  async getPositions(): Promise<Position[]> {
    this.calls.push('getPositions');
    return this.inner.getPositions();
  }
  async placeOrder(symbol: string, side: Side, qty: number, type: OrderType, opts?: PlaceOrderOptions): Promise<Order> {
    this.calls.push(`placeOrder ${side} ${qty} ${symbol}`);
    if (this.failPlace > 0) {
      this.failPlace--;
      throw this.failPlaceError();
    }
    return this.inner.placeOrder(symbol, side, qty, type, opts);
  }
  async cancelOrder(id: string): Promise<void> {
    this.calls.push(`cancelOrder ${id}`);
    return this.inner.cancelOrder(id);
  }
  async getOrder(id: string): Promise<Order | undefined> {
    this.calls.push(`getOrder ${id}`);
    return this.inner.getOrder(id);
  }
  async getFills(since?: number): Promise<Fill[]> {
    return this.inner.getFills(since);
  }
}

function bar(close: number): Bar {
  return { time: T0, open: close, high: close, low: close, close, volume: 1e6 };
}

function paper(clock: SimulatedClock, fillAt: 'close' | 'next-open' = 'close'): PaperBroker {
  const p = new PaperBroker({ initCash: 100_000, costs: NO_COSTS, fillAt, clock });
  p.advance(new Map([['SPY', bar(100)], ['QQQ', bar(50)]]));
  return p;
}

describe('OrderGate with the real PaperBroker', () => {
  let store: Store;
  let clock: SimulatedClock;
  let paperB: RecordingBroker;
  let liveB: RecordingBroker;

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    clock = new SimulatedClock(T0);
    paperB = new RecordingBroker('paper', paper(clock));
    liveB = new RecordingBroker('live-sim', paper(clock));
  });
  afterEach(async () => {
    await store.close();
  });

  function gate(over: Partial<OrderGateDeps> = {}, config: OrderGateDeps['config'] = { DRY_RUN: true, ENV: 'development', ADMIN_KEY: undefined }): OrderGate {
    return new OrderGate({ store, clock, config, paper: paperB, live: liveB, retry: { attempts: 3, baseMs: 1, sleep: async () => {} }, ...over });
  }

  const buy = (qty: number, symbol = 'SPY', refPrice = symbol === 'SPY' ? 100 : 50) => ({ symbol, side: 'buy' as const, qty, refPrice, source: 'test' });
  const sell = (qty: number, symbol = 'SPY', refPrice = symbol === 'SPY' ? 100 : 50) => ({ symbol, side: 'sell' as const, qty, refPrice, source: 'test' });

  it('DRY_RUN by default: the order fills on the paper broker and the receipt is stored', async () => {
    const d = await gate().submit({ ...buy(10), predictionId: 'pred-9' });
    expect(d).toMatchObject({ mode: 'paper', broker: 'paper', status: 'filled', duplicate: false });
    expect(d.reasons.join(' ')).toContain('DRY_RUN is not false');
    expect(liveB.calls).toEqual([]);
    const row = await store.db.selectFrom('orders').selectAll().where('id', '=', d.orderId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ mode: 'paper', broker: 'paper', status: 'filled', symbol: 'SPY', qty: 10, notional: 1000, prediction_id: 'pred-9' });
    expect(JSON.parse(row.receipt!)).toMatchObject({ status: 'filled', filledQty: 10, filledAvgPrice: 100 });
    const types = (await store.events({ correlationId: 'pred-9' })).map((e) => e.type);
    expect(types).toEqual(['order.submitted', 'order.receipt']);
    expect((await paperB.inner.getPositions())[0]).toMatchObject({ symbol: 'SPY', qty: 10 });
  });

  it('refuses each guardrail breach with its reason, and stores the refusal', async () => {
    const g: Guardrails = { ...DEFAULT_GUARDRAILS, minTradeNotional: 100, maxTradeNotional: 5_000, maxDailyNotional: 8_000, maxPositionNotional: 6_000, dailyLossLimit: 500 };
    const gt = gate({ guardrails: g });
    expect((await gt.submit(buy(0.5))).reasons).toContain('notional 50.00 below per-trade minimum 100');
    expect((await gt.submit(buy(60))).reasons).toContain('notional 6000.00 above per-trade maximum 5000');
    expect((await gt.submit(buy(-1))).reasons).toEqual(['quantity must be positive, got -1']);
    expect((await gt.submit({ ...buy(1), refPrice: 0 })).reasons).toEqual(['reference price must be positive, got 0']);
    expect((await gt.submit(buy(45))).status).toBe('filled'); // position 4500
    expect((await gt.submit(buy(20))).reasons).toContain('position would be 6500.00, above the maximum 6000');
    const refusedRows = await store.db.selectFrom('orders').selectAll().where('status', '=', 'refused').execute();
    expect(refusedRows).toHaveLength(5);
    expect(refusedRows.every((r) => r.mode === 'none' && r.broker === 'none' && JSON.parse(r.reasons).length > 0)).toBe(true);
    expect((await store.events({ type: 'order.refused' })).length).toBe(refusedRows.length);
  });

  it('daily notional limit and daily loss limit', async () => {
    const g: Guardrails = { ...DEFAULT_GUARDRAILS, maxTradeNotional: 5_000, maxDailyNotional: 8_000, maxPositionNotional: 50_000, dailyLossLimit: 500 };
    const gt = gate({ guardrails: g });
    expect((await gt.submit(buy(45))).status).toBe('filled');
    const over = await gt.submit(buy(90, 'QQQ'));
    expect(over.reasons).toContain('daily notional would reach 9000.00, above 8000');
    // The first equity reading of the day is the baseline: SPY falls 100 -> 80, the 45 shares lose 900.
    paperB.inner.advance(new Map([['SPY', bar(80)]]));
    const lossy = await gt.submit(buy(10, 'QQQ'));
    expect(lossy.reasons).toContain('daily loss 900.00 reached the limit 500');
    // Reducing the losing position is still allowed.
    expect((await gt.submit(sell(45, 'SPY', 80))).status).toBe('filled');
  });

  it('REDUCING lets only position-shrinking orders through; HALTED refuses all', async () => {
    const gt = gate();
    await gt.submit(buy(20));
    await gt.setState(TradingState.REDUCING, 'test');
    expect((await gt.submit(buy(1))).reasons).toContain('trading is REDUCING: only orders that shrink a position are allowed');
    expect((await gt.submit(sell(30))).reasons).toContain('trading is REDUCING: only orders that shrink a position are allowed'); // flips to short
    expect((await gt.submit(sell(1, 'QQQ'))).status).toBe('refused'); // opens a short
    expect((await gt.submit(sell(5))).status).toBe('filled');
    await gt.setState(TradingState.HALTED, 'test');
    const halted = await gt.submit(sell(5));
    expect(halted.status).toBe('refused');
    expect(halted.reasons).toContain('trading is HALTED');
    expect((await gt.submit(buy(1, 'QQQ'))).reasons).toContain('trading is HALTED');
    expect((await paperB.inner.getPositions())[0]!.qty).toBe(15);
    // The state is persisted: a new gate over the same store still refuses.
    expect((await gate().submit(buy(1))).reasons).toContain('trading is HALTED');
    expect((await gt.state()).state).toBe('HALTED');
  });

  it('kill switch halts and cancels open orders (a filled one stays filled)', async () => {
    paperB = new RecordingBroker('paper', paper(clock, 'next-open'));
    const gt = gate();
    const a = await gt.submit(buy(3));
    const b = await gt.submit(buy(4, 'QQQ'));
    expect([a.status, b.status]).toEqual(['accepted', 'accepted']);
    // QQQ's order fills at the next bar's open before the kill; SPY's is still open.
    paperB.inner.advance(new Map([['QQQ', bar(51)]]));
    const { canceled } = await gt.kill('ops');
    expect(canceled).toBe(1);
    expect((await gt.state()).state).toBe('HALTED');
    const rows = await store.db.selectFrom('orders').select(['id', 'status']).execute();
    expect(rows.find((r) => r.id === a.orderId)!.status).toBe('canceled');
    expect(rows.find((r) => r.id === b.orderId)!.status).toBe('filled');
    expect((await paperB.inner.getOrder(a.order!.id))!.status).toBe('canceled');
    expect((await gt.submit(buy(1))).reasons).toContain('trading is HALTED');
  });

  it('VIX at the halt level, or a jump past the spike change, halts trading', async () => {
    const gt = gate();
    await gt.observeVix(18);
    await gt.observeVix(21); // +16.7%: fine
    expect((await gt.state()).state).toBe('ACTIVE');
    await gt.observeVix(27); // +28.6%
    expect((await gt.state())).toMatchObject({ state: 'HALTED', reason: 'VIX jumped 28.6% (21 -> 27)' });
    await gt.setState(TradingState.ACTIVE, 'operator resume');
    await gt.observeVix(29);
    expect((await gt.state()).state).toBe('ACTIVE');
    await gt.observeVix(40);
    expect((await gt.state())).toMatchObject({ state: 'HALTED', reason: 'VIX 40 at or above 40' });
    expect((await store.events({ type: 'trading.state' })).length).toBe(3);
  });

  it('consecutive broker failures halt trading; a success in between resets the count', async () => {
    const gt = gate();
    paperB.failPlace = 3; // one order, three attempts
    const f1 = await gt.submit(buy(1));
    expect(f1.status).toBe('failed');
    expect(f1.reasons.at(-1)).toContain('connection reset');
    expect(paperB.calls.filter((c) => c.startsWith('placeOrder'))).toHaveLength(3);
    expect((await gt.submit(buy(1))).status).toBe('filled');
    paperB.failPlace = 6;
    expect((await gt.submit(buy(1))).status).toBe('failed');
    expect((await gt.submit(buy(1))).status).toBe('failed');
    expect((await gt.state()).state).toBe('ACTIVE');
    paperB.failConnect = true;
    const f4 = await gt.submit(buy(1));
    expect(f4.reasons[0]).toContain('broker paper unavailable');
    expect((await gt.state())).toMatchObject({ state: 'HALTED', reason: '3 consecutive broker failures' });
  });

  it('a definite refusal from the broker is not retried', async () => {
    const gt = gate();
    paperB.failPlace = 3;
    paperB.failPlaceError = () => new TradepilotError(ErrorCode.ORDER_REJECTED, 'insufficient buying power');
    const d = await gt.submit(buy(1));
    expect(d.status).toBe('failed');
    expect(paperB.calls.filter((c) => c.startsWith('placeOrder'))).toHaveLength(1);
  });

  it('a failed attempt that landed anyway is found by client order id, not placed again', async () => {
    const gt = gate();
    const inner = paperB.inner;
    // The broker takes the order and the connection drops before the answer.
    paperB.placeOrder = async (symbol, side, qty, type, opts) => {
      paperB.calls.push('placeOrder');
      await inner.placeOrder(symbol, side, qty, type, opts);
      throw new TradepilotError(ErrorCode.NETWORK, 'socket hang up');
    };
    const d = await gt.submit({ ...buy(2), clientOrderId: 'tp-landed' });
    expect(d.status).toBe('filled');
    expect(paperB.calls.filter((c) => c === 'placeOrder')).toHaveLength(1);
    expect((await inner.getPositions())[0]!.qty).toBe(2);
  });

  it('the same clientOrderId never places twice (sequential and concurrent)', async () => {
    const gt = gate();
    const first = await gt.submit({ ...buy(2), clientOrderId: 'tp-abc' });
    const again = await gt.submit({ ...buy(2), clientOrderId: 'tp-abc' });
    expect(again).toMatchObject({ duplicate: true, orderId: first.orderId, status: 'filled' });
    const both = await Promise.all([gt.submit({ ...buy(3), confirmationId: 'C1' }), gt.submit({ ...buy(3), confirmationId: 'C1' })]);
    expect(both.map((d) => d.clientOrderId)).toEqual(['tp-C1', 'tp-C1']);
    expect(both.filter((d) => d.duplicate)).toHaveLength(1);
    expect(paperB.calls.filter((c) => c.startsWith('placeOrder'))).toHaveLength(2);
    expect((await paperB.inner.getPositions())[0]!.qty).toBe(5);
  });

  describe('the live switch', () => {
    const LIVE = { DRY_RUN: false, ENV: 'production' as const, ADMIN_KEY: ADMIN };

    it('goes live only with DRY_RUN=false, ENV=production, an admin key and a recorded approval', async () => {
      const gt = gate({}, LIVE);
      await gt.approveLive(ADMIN, 'alice');
      expect(await gt.liveBlockers()).toEqual([]);
      const d = await gt.submit(buy(2));
      expect(d).toMatchObject({ mode: 'live', broker: 'live-sim', status: 'filled' });
      expect(liveB.calls).toContain('placeOrder buy 2 SPY');
      expect(paperB.calls).toEqual([]);
      expect((await store.events({ type: 'admin.live_approved' }))[0]!.payload).toMatchObject({ by: 'alice' });
    });

    const cases: [string, OrderGateDeps['config'], boolean, string][] = [
      ['DRY_RUN=true', { ...LIVE, DRY_RUN: true }, true, 'DRY_RUN is not false'],
      ['ENV=development', { ...LIVE, ENV: 'development' }, true, 'ENV is not production'],
      ['no admin key', { ...LIVE, ADMIN_KEY: undefined }, false, 'ADMIN_KEY is missing or shorter than 16 characters'],
      ['short admin key', { ...LIVE, ADMIN_KEY: 'short' }, false, 'ADMIN_KEY is missing or shorter than 16 characters'],
      ['no approval recorded', LIVE, false, 'no admin approval of live trading recorded'],
    ];
    for (const [name, config, approve, reason] of cases) {
      it(`${name}: the order goes to paper and the live broker receives no request`, async () => {
        if (approve) await gate({}, LIVE).approveLive(ADMIN, 'alice');
        const gt = gate({}, config);
        expect(await gt.liveBlockers()).toContain(reason);
        const d = await gt.submit(buy(2));
        expect(d).toMatchObject({ mode: 'paper', broker: 'paper', status: 'filled' });
        expect(liveB.calls).toEqual([]);
      });
    }

    it('an approval made with another key, or revoked, does not count', async () => {
      await gate({}, { ...LIVE, ADMIN_KEY: 'another-admin-key-xyz' }).approveLive('another-admin-key-xyz', 'bob');
      const gt = gate({}, LIVE);
      expect(await gt.liveBlockers()).toEqual(['the admin approval was made with a different ADMIN_KEY']);
      await gt.approveLive(ADMIN, 'alice');
      await gt.revokeLive('alice');
      expect(await gt.liveBlockers()).toEqual(['no admin approval of live trading recorded']);
      await gt.submit(buy(1));
      expect(liveB.calls).toEqual([]);
    });

    it('approval needs the right admin key', async () => {
      const gt = gate({}, LIVE);
      await expect(gt.approveLive('wrong-key-0123456789', 'mallory')).rejects.toThrow('invalid admin key');
      await expect(gate({}, { ...LIVE, ADMIN_KEY: undefined }).approveLive(ADMIN, 'x')).rejects.toThrow('ADMIN_KEY is not configured');
      expect(await gt.liveBlockers()).toEqual(['no admin approval of live trading recorded']);
    });

    it('without a live broker configured nothing goes live', async () => {
      const gt = gate({ live: undefined }, LIVE);
      await gt.approveLive(ADMIN, 'alice');
      expect(await gt.liveBlockers()).toEqual(['no live broker configured']);
      expect((await gt.submit(buy(1))).mode).toBe('paper');
    });
  });
});

describe('preTradeCheck (pure)', () => {
  const base = { state: TradingState.ACTIVE, notional: 1000, todayNotional: 0, positionQty: 0, refPrice: 100, deltaQty: 10, todayLoss: 0 };
  it('passes a plain order and refuses a non-finite notional', () => {
    expect(preTradeCheck(DEFAULT_GUARDRAILS, base)).toEqual([]);
    expect(preTradeCheck(DEFAULT_GUARDRAILS, { ...base, notional: NaN })[0]).toContain('not a positive number');
  });
  it('a reducing order skips the exposure limits but not HALTED', () => {
    const r = { ...base, positionQty: 500, deltaQty: -100, notional: 10_000, todayNotional: 49_000, todayLoss: 5_000 };
    expect(preTradeCheck(DEFAULT_GUARDRAILS, r)).toEqual([]);
    expect(preTradeCheck(DEFAULT_GUARDRAILS, { ...r, state: TradingState.HALTED })).toEqual(['trading is HALTED']);
  });
});
