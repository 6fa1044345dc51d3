import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AlpacaBroker, ALPACA_PAPER_URL, toVenueString } from '../../src/adapters/broker/alpacaBroker.ts';
import { PaperBroker } from '../../src/adapters/broker/paperBroker.ts';
import { openSqliteStore } from '../../src/adapters/store/sqliteStore.ts';
import type { Store } from '../../src/adapters/store/store.ts';
import { NO_COSTS } from '../../src/backtest/costs.ts';
import { SimulatedClock } from '../../src/core/time.ts';
import { OrderGate, type OrderGateDeps } from '../../src/live/execution/orderGate.ts';
import { FakeAlpaca } from '../support/fakeAlpaca.ts';

const KEY = 'PKTEST0123456789ABCD';
const SECRET = 'secret0123456789abcdefghijklmnopqrstuvwx';
const ADMIN = 'admin-key-0123456789abcdef';
const noSleep = { attempts: 3, baseMs: 1, sleep: async () => {} };

describe('AlpacaBroker through the official SDK against a local Trading API v2', () => {
  const fake = new FakeAlpaca(KEY, SECRET);
  let base: string;
  let alpaca: AlpacaBroker;

  beforeAll(async () => {
    base = await fake.start();
  });
  afterAll(async () => {
    await fake.stop();
  });
  beforeEach(() => {
    fake.requests.length = 0;
    fake.orders.clear();
    fake.holdings.clear();
    fake.cash = 100_000;
    fake.autoFill = true;
    fake.failNext = { count: 0, status: 500 };
    fake.prices.set('SPY', 512.34).set('TQQQ', 61.2);
    alpaca = new AlpacaBroker({ keyId: KEY, secret: SECRET, baseUrl: base, retry: noSleep });
  });

  it('uses the paper host by default; ALPACA_BASE_URL rebases the SDK requests', async () => {
    const seen: string[] = [];
    const def = new AlpacaBroker({
      keyId: KEY,
      secret: SECRET,
      retry: noSleep,
      fetch: (url, init) => {
        seen.push(url);
        return fetch(url.replace(ALPACA_PAPER_URL, base), init);
      },
    });
    expect(def.baseUrl).toBe(ALPACA_PAPER_URL);
    await def.connect();
    expect(seen).toEqual([`${ALPACA_PAPER_URL}/v2/account`]);
  });

  it('reads the account and positions, converting Alpaca string numbers', async () => {
    await alpaca.connect();
    expect(await alpaca.getAccount()).toEqual({ cash: 100_000, equity: 100_000, buyingPower: 200_000, currency: 'USD' });
    await alpaca.placeOrder('SPY', 'buy', 3, 'market', { clientOrderId: 'tp-pos-1' });
    await alpaca.placeOrder('TQQQ', 'sell', 2, 'market', { clientOrderId: 'tp-pos-2' });
    const ps = await alpaca.getPositions();
    expect(ps.find((p) => p.symbol === 'SPY')).toMatchObject({ qty: 3, avgPrice: 512.34 });
    expect(ps.find((p) => p.symbol === 'TQQQ')).toMatchObject({ qty: -2, avgPrice: 61.2 });
  });

  it('sends quantities and prices as decimal strings rounded to the venue increments', async () => {
    fake.autoFill = false;
    const o = await alpaca.placeOrder('SPY', 'buy', 1.1234567891234, 'limit', { clientOrderId: 'tp-lim-1', limitPrice: 512.3456 });
    const post = fake.orderPosts()[0]!;
    expect(post.body).toEqual({ symbol: 'SPY', side: 'buy', type: 'limit', time_in_force: 'day', qty: '1.123456789', limit_price: '512.35', client_order_id: 'tp-lim-1' });
    expect(o).toMatchObject({ clientOrderId: 'tp-lim-1', symbol: 'SPY', side: 'buy', type: 'limit', qty: 1.123456789, limitPrice: 512.35, status: 'accepted', filledQty: 0 });
    expect(o.brokerOrderId).toMatch(/^[0-9a-f-]{36}$/);
    await alpaca.placeOrder('XYZ', 'buy', 100, 'limit', { clientOrderId: 'tp-lim-2', limitPrice: 0.123456 });
    expect((fake.orderPosts()[1]!.body as Record<string, string>).limit_price).toBe('0.1235');
    expect(toVenueString(1e-7, 1e-9)).toBe('0.0000001');
    expect(toVenueString(10, 0.01)).toBe('10');
  });

  it('idempotent by client_order_id: a second placement gets the 422 and returns the first order', async () => {
    const a = await alpaca.placeOrder('SPY', 'buy', 1, 'market', { clientOrderId: 'tp-same' });
    const b = await alpaca.placeOrder('SPY', 'buy', 1, 'market', { clientOrderId: 'tp-same' });
    expect(b.id).toBe(a.id);
    expect(fake.orders.size).toBe(1);
    expect(fake.orderPosts()).toHaveLength(2);
    expect(fake.holdings.get('SPY')!.qty).toBe(1);
  });

  it('retries 5xx and 429 with backoff and places once', async () => {
    fake.failNext = { count: 2, status: 503, path: '/v2/orders' };
    const o = await alpaca.placeOrder('SPY', 'buy', 2, 'market', { clientOrderId: 'tp-retry' });
    expect(o.status).toBe('filled');
    expect(fake.orders.size).toBe(1);
    fake.failNext = { count: 1, status: 429, path: '/v2/account' };
    expect((await alpaca.getAccount()).currency).toBe('USD');
    fake.failNext = { count: 5, status: 500, path: '/v2/orders' };
    await expect(alpaca.placeOrder('SPY', 'buy', 2, 'market', { clientOrderId: 'tp-down' })).rejects.toMatchObject({ code: 'BROKER_FAILED' });
    expect(fake.orders.size).toBe(1);
  });

  it('a dropped connection after the broker took the order: found by client order id, not sent twice', async () => {
    fake.failNext = { count: 1, status: 0, afterAccept: true };
    const o = await alpaca.placeOrder('SPY', 'buy', 4, 'market', { clientOrderId: 'tp-ambiguous' });
    expect(o).toMatchObject({ clientOrderId: 'tp-ambiguous', status: 'filled', filledQty: 4, filledAvgPrice: 512.34 });
    expect(fake.orderPosts()).toHaveLength(1);
    expect(fake.requests.some((r) => r.path === '/v2/orders:by_client_order_id')).toBe(true);
  });

  it('refusals are not retried; bad credentials are UNAUTHORIZED', async () => {
    await expect(alpaca.placeOrder('SPY', 'buy', 1, 'limit', { clientOrderId: 'x1' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(fake.orderPosts()).toHaveLength(0);
    const bad = new AlpacaBroker({ keyId: KEY, secret: 'wrong-secret', baseUrl: base, retry: noSleep });
    await expect(bad.getAccount()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(fake.requests.filter((r) => r.path === '/v2/account')).toHaveLength(1);
  });

  it('gets orders by broker id or client id, cancels open ones, and a final one is a no-op', async () => {
    fake.autoFill = false;
    const open = await alpaca.placeOrder('SPY', 'buy', 1, 'market', { clientOrderId: 'tp-open' });
    expect((await alpaca.getOrder(open.id))!.clientOrderId).toBe('tp-open');
    expect((await alpaca.getOrder('tp-open'))!.id).toBe(open.id);
    expect(await alpaca.getOrder('tp-nope')).toBeUndefined();
    await alpaca.cancelOrder('tp-open');
    expect((await alpaca.getOrder(open.id))!.status).toBe('canceled');
    await alpaca.cancelOrder(open.id); // 422 not cancelable: no-op
    await expect(alpaca.cancelOrder('tp-nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    fake.autoFill = true;
    await alpaca.placeOrder('TQQQ', 'buy', 5, 'market', { clientOrderId: 'tp-f' });
    const fills = await alpaca.getFills();
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({ symbol: 'TQQQ', side: 'buy', qty: 5, price: 61.2 });
  });

  describe('through the OrderGate', () => {
    let store: Store;
    let clock: SimulatedClock;
    let paper: PaperBroker;
    const LIVE = { DRY_RUN: false, ENV: 'production' as const, ADMIN_KEY: ADMIN };

    beforeEach(async () => {
      store = await openSqliteStore(':memory:');
      clock = new SimulatedClock(Date.UTC(2024, 5, 3, 14, 0));
      paper = new PaperBroker({ initCash: 100_000, costs: NO_COSTS, fillAt: 'close', clock });
      paper.advance(new Map([['SPY', { time: clock.now(), open: 512, high: 513, low: 511, close: 512.34, volume: 1e6 }]]));
    });
    afterEach(async () => {
      await store.close();
    });
    const gate = (config: OrderGateDeps['config']) => new OrderGate({ store, clock, config, paper, live: alpaca, retry: noSleep });

    it('DRY_RUN=false, ENV=production, admin key and approval: the fake receives the order and the receipt is stored', async () => {
      const g = gate(LIVE);
      await g.approveLive(ADMIN, 'alice');
      const d = await g.submit({ symbol: 'SPY', side: 'buy', qty: 3, refPrice: 512.34, confirmationId: 'CONF1', predictionId: 'pred-live', source: 'sms' });
      expect(d).toMatchObject({ mode: 'live', broker: 'alpaca', status: 'filled', clientOrderId: 'tp-CONF1' });
      expect(fake.orderPosts()).toHaveLength(1);
      expect(fake.orderPosts()[0]!.body).toMatchObject({ symbol: 'SPY', side: 'buy', qty: '3', client_order_id: 'tp-CONF1', type: 'market' });
      const row = await store.db.selectFrom('orders').selectAll().where('client_order_id', '=', 'tp-CONF1').executeTakeFirstOrThrow();
      expect(row).toMatchObject({ mode: 'live', broker: 'alpaca', status: 'filled', confirmation_id: 'CONF1', prediction_id: 'pred-live' });
      const receipt = JSON.parse(row.receipt!);
      expect(receipt).toMatchObject({ clientOrderId: 'tp-CONF1', filledQty: 3, filledAvgPrice: 512.34 });
      expect(row.broker_order_id).toBe(receipt.id);
      expect([...fake.orders.keys()]).toEqual([receipt.id]);
      // The same confirmation again: no second request to the broker.
      const again = await g.submit({ symbol: 'SPY', side: 'buy', qty: 3, refPrice: 512.34, confirmationId: 'CONF1', source: 'sms' });
      expect(again.duplicate).toBe(true);
      expect(fake.orderPosts()).toHaveLength(1);
    });

    const missing: [string, OrderGateDeps['config'], boolean][] = [
      ['DRY_RUN=true', { ...LIVE, DRY_RUN: true }, true],
      ['ENV=development', { ...LIVE, ENV: 'development' }, true],
      ['no admin key', { ...LIVE, ADMIN_KEY: undefined }, false],
      ['no recorded approval', LIVE, false],
    ];
    for (const [name, config, approve] of missing) {
      it(`${name}: no request at all reaches the Alpaca fake; the order is simulated on paper`, async () => {
        if (approve) await gate(LIVE).approveLive(ADMIN, 'alice');
        const d = await gate(config).submit({ symbol: 'SPY', side: 'buy', qty: 3, refPrice: 512.34, source: 'sms' });
        expect(d).toMatchObject({ mode: 'paper', broker: 'paper', status: 'filled' });
        expect(fake.requests).toEqual([]);
      });
    }

    it('reconcile at start-up settles open orders and compares positions, storing positions.reconciled', async () => {
      const g = gate(LIVE);
      await g.approveLive(ADMIN, 'alice');
      await g.submit({ symbol: 'SPY', side: 'buy', qty: 3, refPrice: 512.34, source: 'run' });
      fake.autoFill = false;
      const pending = await g.submit({ symbol: 'TQQQ', side: 'buy', qty: 10, refPrice: 61.2, source: 'run' });
      expect(pending.status).toBe('accepted');
      // While we were down: the TQQQ order filled, and someone bought 1 SPY by hand.
      const o = fake.orders.get(pending.order!.id)!;
      Object.assign(o, { status: 'filled', filled_qty: '10', filled_avg_price: '61.20', filled_at: new Date().toISOString() });
      fake.holdings.set('TQQQ', { qty: 10, cost: 612 });
      fake.holdings.get('SPY')!.qty += 1;
      const report = await alpaca.reconcile(store, clock.now());
      expect(report.settled).toEqual([{ id: pending.orderId, from: 'accepted', to: 'filled' }]);
      expect(report.ours).toEqual([
        { symbol: 'SPY', qty: 3 },
        { symbol: 'TQQQ', qty: 10 },
      ]);
      expect(report.mismatches).toEqual([{ symbol: 'SPY', broker: 4, ours: 3 }]);
      const ev = await store.events({ type: 'positions.reconciled' });
      expect(ev).toHaveLength(1);
      expect(ev[0]!.payload).toMatchObject({ mismatches: [{ symbol: 'SPY', broker: 4, ours: 3 }] });
      expect((await store.db.selectFrom('orders').select('status').where('id', '=', pending.orderId).executeTakeFirstOrThrow()).status).toBe('filled');
    });
  });
});
