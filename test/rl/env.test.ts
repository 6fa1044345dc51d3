import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { sampleDaily } from '../../src/rl/data/sampleDatasets.ts';
import { TradingAccount } from '../../src/rl/env/account.ts';
import { Action, TradeStatus } from '../../src/rl/env/actions.ts';
import { NUM_FEATURES, featureMatrix } from '../../src/rl/env/features.ts';
import { TradingEnv } from '../../src/rl/env/tradingEnv.ts';

const ttrc = (): ReturnType<typeof sampleDaily>[number] => sampleDaily().find((s) => s.instrument === 'TTRC')!;

describe('TradingAccount', () => {
  it('charges 25 on entry and 35 on exit and books long and short P&L at the given prices', () => {
    const a = new TradingAccount({ initialCapital: 10_000 });
    expect(a.currency).toBe('INR');
    expect(a.executeTrade(Action.BUY_LONG, 100, 50)).toBe(TradeStatus.OK);
    expect(a.capital).toBe(10_000 - 5000 - 25);
    expect(a.unrealisedPnl(110)).toBe(500);
    expect(a.equity(110)).toBe(10_000 - 25 + 500);
    expect(a.executeTrade(Action.BUY_LONG, 100, 1)).toBe(TradeStatus.ALREADY_OPEN);
    expect(a.executeTrade(Action.CLOSE_SHORT, 100, 1)).toBe(TradeStatus.NOTHING_TO_CLOSE);
    expect(a.executeTrade(Action.CLOSE_LONG, 110, 0)).toBe(TradeStatus.OK);
    expect(a.realisedPnl).toBe(500 - 60);
    expect(a.capital).toBe(10_000 + 440);
    expect(a.executeTrade(Action.SELL_SHORT, 100, 10)).toBe(TradeStatus.OK);
    expect(a.executeTrade(Action.CLOSE_SHORT, 90, 0)).toBe(TradeStatus.OK);
    expect(a.lastClosedPnl).toBe(100 - 60);
    expect(a.feesPaid).toBe(120);
    expect(a.executeTrade(Action.BUY_LONG, 100, 1000)).toBe(TradeStatus.NO_CAPITAL);
  });

  it('takes settable fees', () => {
    const a = new TradingAccount({ initialCapital: 1000, entryFee: 1, exitFee: 2, currency: 'USD' });
    a.executeTrade(Action.BUY_LONG, 10, 10);
    a.executeTrade(Action.CLOSE_LONG, 10, 0);
    expect(a.capital).toBe(997);
  });
});

describe('TradingEnv', () => {
  it('rewards the change in portfolio value after costs and penalises refused actions', () => {
    const s = ttrc();
    const env = new TradingEnv(s, { riskPenalty: 'none', invalidPenalty: 0.25, episodeLength: 10, closeAtEnd: false });
    env.reset(100);
    const p0 = s.close[100]!;
    const qty = Math.floor((0.95 * 100_000) / p0);
    const r1 = env.step(Action.BUY_LONG);
    const eq1 = 100_000 - 25 + qty * (s.close[101]! - p0);
    expect(r1.info.equity).toBeCloseTo(eq1, 8);
    expect(r1.reward).toBeCloseTo(((eq1 - 100_000) / 100_000) * 100, 10);
    const r2 = env.step(Action.CLOSE_SHORT);
    expect(r2.info.status).toBe(TradeStatus.NOTHING_TO_CLOSE);
    expect(r2.reward).toBeCloseTo(((r2.info.equity - eq1) / 100_000) * 100 - 0.25, 10);
    let last = r2;
    for (let i = 0; i < 8; i++) last = env.step(Action.HOLD);
    expect(last.done).toBe(true);
  });

  it('subtracts the drawdown increase when asked', () => {
    const s = ttrc();
    const a = new TradingEnv(s, { riskPenalty: 'none', episodeLength: 50 });
    const b = new TradingEnv(s, { riskPenalty: 'drawdown', riskCoef: 1, episodeLength: 50 });
    a.reset(200);
    b.reset(200);
    let diff = 0;
    for (let i = 0; i < 50; i++) {
      const act = i === 0 ? Action.BUY_LONG : Action.HOLD;
      diff += a.step(act).reward - b.step(act).reward;
    }
    expect(diff).toBeGreaterThan(0);
  });

  it('subtracts a squared-return volatility term when asked', () => {
    const s = ttrc();
    const a = new TradingEnv(s, { riskPenalty: 'none', episodeLength: 5, closeAtEnd: false });
    const b = new TradingEnv(s, { riskPenalty: 'volatility', riskCoef: 2, episodeLength: 5, closeAtEnd: false });
    a.reset(300);
    b.reset(300);
    let prev = 100_000;
    for (let i = 0; i < 5; i++) {
      const act = i === 0 ? Action.BUY_LONG : Action.HOLD;
      const ra = a.step(act);
      const rb = b.step(act);
      const ret = (ra.info.equity - prev) / prev;
      expect(ra.reward - rb.reward).toBeCloseTo(2 * ret * ret * 100 * 100, 10);
      prev = ra.info.equity;
    }
  });

  it('no observation contains data from after its step (the future perturbed, the same observations)', () => {
    const s = ttrc();
    const cut = 1500;
    const fut = (x: Float64Array, k: number): Float64Array => x.map((v, i) => (i > cut ? v * (1 + 0.3 * Math.sin(i * k)) : v));
    const hi = fut(s.high, 1);
    const lo = fut(s.low, 1);
    const p = { open: fut(s.open, 1), high: hi, low: lo, close: fut(s.close, 1), volume: fut(s.volume, 2) };
    p.high = p.high.map((v, i) => Math.max(v, p.open[i]!, p.close[i]!));
    p.low = p.low.map((v, i) => Math.min(v, p.open[i]!, p.close[i]!));
    const fa = featureMatrix(s);
    const fb = featureMatrix(p);
    expect(Array.from(fa.subarray(0, (cut + 1) * NUM_FEATURES))).toEqual(Array.from(fb.subarray(0, (cut + 1) * NUM_FEATURES)));
    expect(Array.from(fa.subarray((cut + 2) * NUM_FEATURES))).not.toEqual(Array.from(fb.subarray((cut + 2) * NUM_FEATURES)));
    for (const zWindow of [0, 100]) {
      const ea = new TradingEnv(s, { episodeLength: 400, zWindow });
      const eb = new TradingEnv(p, { episodeLength: 400, zWindow });
      const rng = new Rng(3);
      const oa = [Array.from(ea.reset(cut - 300))];
      const ob = [Array.from(eb.reset(cut - 300))];
      for (let t = cut - 300; t < cut; t++) {
        const act = rng.int(5);
        oa.push(Array.from(ea.step(act).observation));
        ob.push(Array.from(eb.step(act).observation));
      }
      expect(oa).toEqual(ob);
      expect(Array.from(ea.step(4).observation)).not.toEqual(Array.from(eb.step(4).observation));
    }
  });
});
