import { describe, expect, it } from 'vitest';
import { costModel } from '../../backtest/costs.ts';
import type { Bar } from '../../core/bar.ts';
import { SimulatedClock } from '../../core/time.ts';
import { PaperBroker } from './paperBroker.ts';

const bar = (open: number, high: number, low: number, close: number, time = 0): Bar => ({ time, open, high, low, close, volume: 1000 });

describe('PaperBroker', () => {
  it('fills market orders at the close, charges fees, cuts buys to the cash and reports the account', async () => {
    const clock = new SimulatedClock(0);
    const b = new PaperBroker({ initCash: 1000, costs: costModel({ feeRate: 0.01, fixedFeeEntry: 5 }), fillAt: 'close', clock });
    await b.connect();
    b.advance(new Map([['A', bar(10, 11, 9, 10)]]));
    const o = await b.placeOrder('A', 'buy', 500, 'market');
    // (1000 - 5) / (10 * 1.01) shares
    expect(o.status).toBe('filled');
    expect(o.filledQty).toBeCloseTo(995 / 10.1, 12);
    const acct = await b.getAccount();
    expect(acct.cash).toBeCloseTo(0, 9);
    expect(acct.equity).toBeCloseTo((995 / 10.1) * 10, 9);
    const [p] = await b.getPositions();
    expect(p!.symbol).toBe('A');
    const sell = await b.placeOrder('A', 'sell', p!.qty, 'market');
    expect(sell.filledAvgPrice).toBe(10);
    expect(await b.getPositions()).toEqual([]);
    expect((await b.getFills()).length).toBe(2);
  });

  it('is idempotent on clientOrderId and finds orders by it', async () => {
    const b = new PaperBroker({ initCash: 1000, costs: costModel(), fillAt: 'next-open', clock: new SimulatedClock(0) });
    const a = await b.placeOrder('A', 'buy', 1, 'market', { clientOrderId: 'k1' });
    const again = await b.placeOrder('A', 'buy', 1, 'market', { clientOrderId: 'k1' });
    expect(again.id).toBe(a.id);
    expect((await b.getOrder('k1'))!.id).toBe(a.id);
    b.advance(new Map([['A', bar(10, 10, 10, 10)]]));
    expect((await b.getPositions())[0]!.qty).toBe(1);
  });

  it('next-open market orders, limit and stop orders against the bar range, cancel and reject', async () => {
    const clock = new SimulatedClock(0);
    const b = new PaperBroker({ initCash: 100, costs: costModel(), fillAt: 'next-open', clock });
    const lim = await b.placeOrder('A', 'buy', 1, 'limit', { limitPrice: 9 });
    const stp = await b.placeOrder('A', 'buy', 1, 'stop', { stopPrice: 12 });
    const gone = await b.placeOrder('A', 'buy', 1, 'limit', { limitPrice: 1 });
    await b.cancelOrder(gone.id);
    clock.set(1);
    b.advance(new Map([['A', bar(10, 11, 8.5, 10, 1)]]));
    expect((await b.getOrder(lim.id))!.filledAvgPrice).toBe(9);
    expect((await b.getOrder(stp.id))!.status).toBe('accepted');
    clock.set(2);
    b.advance(new Map([['A', bar(13, 14, 12.5, 13, 2)]]));
    // Gapped above the stop: fills at the open.
    expect((await b.getOrder(stp.id))!.filledAvgPrice).toBe(13);
    expect((await b.getOrder(gone.id))!.status).toBe('canceled');
    const tiny = await b.placeOrder('B', 'buy', 1, 'market', { notional: 1e-9 });
    b.advance(new Map([['B', bar(5, 5, 5, 5, 2)]]));
    expect((await b.getOrder(tiny.id))!.status).toBe('filled');
    await expect(b.placeOrder('A', 'buy', 0, 'market')).rejects.toThrow(/qty/);
  });
});
