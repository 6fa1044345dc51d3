import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/core/time.ts';
import { mockDailyFull } from '../../src/data/mock.ts';
import { createProvider, loadSampleReturns } from '../../src/data/providers/index.ts';
import { eustockDayToTime, loadUniverse } from '../../src/data/universe.ts';
import { runCli } from './cliHarness.ts';

describe('sample provider', () => {
  it('lists TTRC, the 30 Dow stocks and the four European indices', () => {
    const u = loadUniverse();
    expect(u).toHaveLength(1 + 30 + 4);
    expect(u.filter((e) => e.group === 'dow30').map((e) => e.symbol)).toContain('C');
  });

  it('serves real bars; EuStockMarkets days map to business dates', async () => {
    const p = createProvider('sample');
    const t = await p.getBars({ symbol: 'ttrc', timeframe: '1d' });
    expect(t.time.length).toBe(5550);
    expect(t.fields.volume).toBe(true);
    const dax = await p.getBars({ symbol: 'DAX', timeframe: '1d', start: Date.UTC(1991, 6, 1), end: Date.UTC(1991, 6, 5) });
    expect(Array.from(dax.close)).toEqual([1628.75, 1613.63, 1606.51, 1621.04, 1618.16]);
    expect(new Date(eustockDayToTime(6)).toISOString().slice(0, 10)).toBe('1991-07-08');
    expect(new Date(eustockDayToTime(1860)).toISOString().slice(0, 10)).toBe('1998-08-14');
    await expect(p.getBars({ symbol: 'NOPE', timeframe: '1d' })).rejects.toThrow(/unknown symbol NOPE/);
    await expect(p.getBars({ symbol: 'AA', timeframe: '5m' })).rejects.toThrow(/--provider mock/);
    expect(loadSampleReturns()).toHaveLength(1974);
  });
});

describe('mock provider', () => {
  const clock = new SimulatedClock(Date.UTC(2024, 2, 12, 15, 0)); // Tuesday 11:00 New York

  it('is reproducible from a seed and independent of the requested range', async () => {
    const a = await createProvider('mock', { seed: 7, clock }).getBars({ symbol: 'SPY', timeframe: '1d' });
    const b = await createProvider('mock', { seed: 7, clock }).getBars({ symbol: 'SPY', timeframe: '1d', start: Date.UTC(2023, 0, 1) });
    const c = await createProvider('mock', { seed: 8, clock }).getBars({ symbol: 'SPY', timeframe: '1d' });
    const i = Array.from(a.time).indexOf(b.time[0]!);
    expect(Array.from(a.close.subarray(i))).toEqual(Array.from(b.close));
    expect(Array.from(a.close)).not.toEqual(Array.from(c.close));
    // The forming day (before 16:00) is not served.
    expect(new Date(a.time[a.time.length - 1]!).toISOString().slice(0, 10)).toBe('2024-03-11');
  });

  it('daily bars have consistent OHLC, positive volume, several regimes and fat tails', () => {
    const { series: s, regime } = mockDailyFull('QQQ', 1, Date.UTC(2020, 0, 1));
    let maxAbs = 0;
    let sum2 = 0;
    for (let i = 0; i < s.time.length; i++) {
      expect(s.high[i]).toBeGreaterThanOrEqual(Math.max(s.open[i]!, s.close[i]!));
      expect(s.low[i]).toBeLessThanOrEqual(Math.min(s.open[i]!, s.close[i]!));
      expect(s.low[i]).toBeGreaterThan(0);
      expect(s.volume[i]).toBeGreaterThan(0);
      if (i > 0) {
        const r = Math.log(s.close[i]! / s.close[i - 1]!);
        maxAbs = Math.max(maxAbs, Math.abs(r));
        sum2 += r * r;
      }
    }
    expect(new Set(regime).size).toBe(3);
    const sd = Math.sqrt(sum2 / (s.time.length - 1));
    expect(maxAbs / sd).toBeGreaterThan(5); // jumps and t shocks: moves far beyond a normal's range
  });

  it('1-minute bars lie in the US session, never after now; 5m bars resample them without a forming bar', async () => {
    const p = createProvider('mock', { seed: 3, clock });
    const m = await p.getBars({ symbol: 'AAPL', timeframe: '1m', start: Date.UTC(2024, 2, 8) });
    // Friday 03-08 (EST) full session, Monday 03-11 (EDT) full session, Tuesday up to 11:00 EDT.
    expect(m.time.length).toBe(390 + 390 + 90);
    expect(new Date(m.time[0]!).toISOString()).toBe('2024-03-08T14:31:00.000Z');
    expect(new Date(m.time[390]!).toISOString()).toBe('2024-03-11T13:31:00.000Z');
    expect(m.time[m.time.length - 1]).toBe(clock.now());
    const f = await p.getBars({ symbol: 'AAPL', timeframe: '5m', start: Date.UTC(2024, 2, 8) });
    expect(f.time.length).toBe(78 + 78 + 18);
  });

  it('data show --provider mock works through the CLI', async () => {
    const r = await runCli(['data', 'show', '--provider', 'mock', '--symbol', 'SPY', '--timeframe', '1d', '--end', '2024-01-31', '--tail', '3', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { tail: unknown[]; last: string };
    expect(doc.tail).toHaveLength(3);
    expect(doc.last).toBe('2024-01-30');
  });
});
