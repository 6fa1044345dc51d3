import { describe, expect, it } from 'vitest';
import { blackScholes, bsPrice, type OptionType } from './blackScholes.ts';
import { impliedVol, arbitrageBounds } from './impliedVol.ts';
import { isTradingDay, nyseHolidays, easterSunday, isoDate, parseIsoDate } from './nyseCalendar.ts';
import { listExpiries, selectExpiry } from './expiry.ts';
import { selectStrike, strikeLadder } from './strikes.ts';
import { optionExits, deltaGammaPrice } from './exits.ts';
import { syntheticChain } from './syntheticChain.ts';
import { pickContract, occSymbol } from './chain.ts';

describe('Black-Scholes-Merton', () => {
  it('matches Hull (S=42, K=40, r=10%, sigma=20%, T=0.5): call 4.76, put 0.81', () => {
    const c = blackScholes({ type: 'call', spot: 42, strike: 40, t: 0.5, rate: 0.1, vol: 0.2 });
    const p = blackScholes({ type: 'put', spot: 42, strike: 40, t: 0.5, rate: 0.1, vol: 0.2 });
    expect(c.price.toFixed(2)).toBe('4.76');
    expect(p.price.toFixed(2)).toBe('0.81');
    expect(c.price).toBeCloseTo(4.759422392871532, 12);
  });
  it('matches Haug with a dividend yield (S=100, K=95, T=0.5, r=0.1, q=0.05, sigma=0.2: put 2.4648)', () => {
    // Haug, The Complete Guide to Option Pricing Formulas, generalised BSM example: put 2.4648.
    const p = blackScholes({ type: 'put', spot: 100, strike: 95, t: 0.5, rate: 0.1, vol: 0.2, div: 0.05 });
    expect(p.price).toBeCloseTo(2.4648, 4);
  });
  it('put-call parity to 1e-12 and greeks agree with finite differences', () => {
    for (const s of [30, 42, 60])
      for (const t of [0.05, 0.5, 2])
        for (const q of [0, 0.03]) {
          const base = { spot: s, strike: 40, t, rate: 0.05, vol: 0.3, div: q };
          const c = blackScholes({ ...base, type: 'call' });
          const p = blackScholes({ ...base, type: 'put' });
          expect(Math.abs(c.price - p.price - (s * Math.exp(-q * t) - 40 * Math.exp(-0.05 * t)))).toBeLessThan(1e-12);
          for (const type of ['call', 'put'] as OptionType[]) {
            const g = type === 'call' ? c : p;
            const h = 1e-4;
            const f = (o: Partial<typeof base>): number => bsPrice(type, o.spot ?? s, 40, o.t ?? t, 0.05, 0.3, q);
            expect(g.delta).toBeCloseTo((f({ spot: s + h }) - f({ spot: s - h })) / (2 * h), 7);
            expect(g.gamma).toBeCloseTo((f({ spot: s + h }) - 2 * g.price + f({ spot: s - h })) / (h * h), 4);
            expect(g.theta).toBeCloseTo(-(f({ t: t + h }) - f({ t: t - h })) / (2 * h), 5);
            expect(g.vega).toBeCloseTo((bsPrice(type, s, 40, t, 0.05, 0.3 + h, q) - bsPrice(type, s, 40, t, 0.05, 0.3 - h, q)) / (2 * h), 5);
            expect(g.rho).toBeCloseTo((bsPrice(type, s, 40, t, 0.05 + h, 0.3, q) - bsPrice(type, s, 40, t, 0.05 - h, 0.3, q)) / (2 * h), 5);
          }
        }
  });
  it('rejects bad inputs clearly', () => {
    expect(() => blackScholes({ type: 'call', spot: -1, strike: 40, t: 1, rate: 0, vol: 0.2 })).toThrow(/spot must be > 0/);
  });
});

describe('implied volatility', () => {
  it('recovers sigma to 1e-8 across strikes, maturities, vols and both types', () => {
    let worst = 0;
    for (const k of [70, 80, 90, 100, 110, 120, 130])
      for (const t of [0.1, 0.25, 0.5, 1, 2])
        for (const v of [0.1, 0.2, 0.4, 0.8])
          for (const type of ['call', 'put'] as OptionType[]) {
            const price = bsPrice(type, 100, k, t, 0.03, v, 0.01);
            // A time value below 1e-6 of a 100 spot carries no information about sigma at double precision.
            if (price - arbitrageBounds(type, 100, k, t, 0.03, 0.01).lower < 1e-6) continue;
            const iv = impliedVol({ type, price, spot: 100, strike: k, t, rate: 0.03, div: 0.01 });
            worst = Math.max(worst, Math.abs(iv - v));
          }
    expect(worst).toBeLessThan(1e-8);
  });
  it('errors outside the arbitrage bounds', () => {
    const b = arbitrageBounds('call', 100, 90, 1, 0.05);
    expect(() => impliedVol({ type: 'call', price: b.lower - 0.01, spot: 100, strike: 90, t: 1, rate: 0.05 })).toThrow(/outside the no-arbitrage bounds/);
    expect(() => impliedVol({ type: 'call', price: 100.5, spot: 100, strike: 90, t: 1, rate: 0.05 })).toThrow(/outside/);
    expect(() => impliedVol({ type: 'put', price: 1, spot: 100, strike: 90, t: 0, rate: 0.05 })).toThrow(/t > 0/);
  });
});

describe('NYSE calendar and expiries', () => {
  it('computes the published NYSE holidays', () => {
    expect([...nyseHolidays(2024)].sort()).toEqual(
      ['2024-01-01', '2024-01-15', '2024-02-19', '2024-03-29', '2024-05-27', '2024-06-19', '2024-07-04', '2024-09-02', '2024-11-28', '2024-12-25'].sort(),
    );
    // 2022: New Year's Day on a Saturday is not observed; Juneteenth observed Monday 20th; Christmas Monday 26th.
    expect([...nyseHolidays(2022)].sort()).toEqual(
      ['2022-01-17', '2022-02-21', '2022-04-15', '2022-05-30', '2022-06-20', '2022-07-04', '2022-09-05', '2022-11-24', '2022-12-26'].sort(),
    );
    expect(isoDate(easterSunday(2025))).toBe('2025-04-20');
    expect(isTradingDay(parseIsoDate('2021-12-31'))).toBe(true);
  });
  it('moves a Good Friday monthly expiry to Thursday', () => {
    const ex = listExpiries('2022-04-01', 30, false);
    expect(ex.map((e) => e.date)).toEqual(['2022-04-14']);
    expect(ex[0]!.monthly).toBe(true);
    const weekly = listExpiries('2024-03-20', 10, true).map((e) => e.date);
    expect(weekly).toEqual(['2024-03-22', '2024-03-28']);
  });
  it('selects by DTE', () => {
    expect(selectExpiry('2024-01-02', 30, { weeklies: false }).date).toBe('2024-01-19'); // 17 DTE beats 45
    expect(selectExpiry('2024-01-02', 40, { weeklies: false }).date).toBe('2024-02-16');
    expect(selectExpiry('2024-01-02', 7).date).toBe('2024-01-12'); // 10 DTE beats 3
    expect(selectExpiry('2024-01-02', 10).dte).toBe(10);
  });
});

describe('strikes, exits and synthetic chains', () => {
  it('selects ATM/OTM/ITM strikes for calls and puts', () => {
    const ks = strikeLadder(100, 0.2);
    expect(ks[0]).toBe(80);
    expect(selectStrike(ks, 100.4, 'call', 'ATM')).toBe(100);
    expect(selectStrike(ks, 100, 'call', 'OTM_5')).toBe(105);
    expect(selectStrike(ks, 100, 'put', 'OTM_10')).toBe(90);
    expect(selectStrike(ks, 100, 'call', 'ITM_5')).toBe(95);
    expect(selectStrike(ks, 100, 'put', 'ITM_10')).toBe(110);
    expect(selectStrike([95, 100, 105], 102.5, 'call', 'ATM')).toBe(105);
  });
  it('delta-gamma exits are close to full repricing for small moves', () => {
    const ex = optionExits({ type: 'call', spot: 100, strike: 100, t: 0.25, rate: 0.03, vol: 0.25 }, { stop: 98, target: 103 });
    expect(ex.stopLoss).toBeLessThan(ex.entry);
    expect(ex.takeProfit).toBeGreaterThan(ex.entry);
    expect(Math.abs(ex.stopLoss - ex.stopLossRepriced)).toBeLessThan(0.01);
    expect(Math.abs(ex.takeProfit - ex.takeProfitRepriced)).toBeLessThan(0.02);
    expect(deltaGammaPrice(1, 0.5, 0, -10)).toBe(0);
  });
  it('synthesises a chain and picks a contract', () => {
    const chain = syntheticChain({ underlying: 'SPY', spot: 452.3, vol: 0.18, asOf: '2024-03-20', rate: 0.05, horizonDays: 45 });
    const c = pickContract(chain, '2024-04-19', 'call', 'OTM_5');
    expect(c.strike).toBe(475);
    expect(c.symbol).toBe(occSymbol('SPY', '2024-04-19', 'call', 475));
    expect(c.symbol).toBe('SPY240419C00475000');
    expect(c.ask).toBeGreaterThan(c.bid);
    expect(chain.quotes.some((q) => q.expiry === '2024-03-28')).toBe(true);
  });
});

describe('batch kernel', () => {
  it('bsPriceBatch equals bsPrice', async () => {
    const { bsPriceBatch } = await import('./blackScholes.ts');
    const n = 2000;
    const s = Float64Array.from({ length: n }, (_, i) => 50 + (i % 97));
    const k = new Float64Array(n).fill(100);
    const t = Float64Array.from({ length: n }, (_, i) => 0.01 + (i % 13) / 5);
    const v = Float64Array.from({ length: n }, (_, i) => 0.05 + (i % 7) / 10);
    for (const type of ['call', 'put'] as OptionType[]) {
      const out = bsPriceBatch(type, s, k, t, 0.03, v, 0.01, new Float64Array(n));
      for (let i = 0; i < n; i++) expect(Math.abs(out[i]! - bsPrice(type, s[i]!, 100, t[i]!, 0.03, v[i]!, 0.01))).toBeLessThan(1e-12 * Math.max(1, out[i]!));
    }
  });
});
