import { describe, expect, it } from 'vitest';
import { closeOnlySeries, sliceSeries } from '../../core/bar.ts';
import { SimulatedClock, MS_PER_DAY } from '../../core/time.ts';
import type { BarRequest, DataProvider } from '../../data/provider.ts';
import { MockUniverseProvider } from './mockUniverse.ts';
import { MultiTimeframeLoader, SCAN_TIMEFRAMES } from './multiTimeframe.ts';
import { alignedReturns, riskScore, riskStage } from './riskStage.ts';
import { scanBatch, scanSeries } from './scanner.ts';
import { dailyFeatureMatrix, featureRow, scanFeatureColumns } from './symbolFeatures.ts';
import { resolveUniverse } from './universe.ts';

const ASOF = Date.UTC(2024, 5, 14, 23);
const provider = new MockUniverseProvider({ size: 12, asOf: ASOF, days: 420, intradayDays: 60 });

describe('multi-timeframe loader', () => {
  it('loads the six timeframes, caches them for the TTL and isolates failures', async () => {
    const clock = new SimulatedClock(0);
    const L = new MultiTimeframeLoader(provider, { clock, ttlMs: 1000 });
    const f = await L.load('AAPL', ASOF);
    expect([...f.frames.keys()]).toEqual([...SCAN_TIMEFRAMES]);
    for (const s of f.frames.values()) expect(s.time[s.time.length - 1]!).toBeLessThanOrEqual(ASOF);
    expect(f.frames.get('6h')!.close.length).toBeGreaterThanOrEqual(100);
    expect(L.requests).toBe(6);
    await L.load('AAPL', ASOF);
    expect(L.requests).toBe(6);
    clock.advance(1001);
    await L.load('AAPL', ASOF);
    expect(L.requests).toBe(12);
    const many = await L.loadMany(['MSFT', 'NOPE'], ASOF);
    expect(many.get('MSFT')).not.toBeInstanceOf(Error);
    expect((many.get('NOPE') as Error).message).toMatch(/unknown symbol NOPE/);
  });

  it('records intraday timeframes a daily-only provider lacks, and rate-limits requests', async () => {
    const u = await resolveUniverse('dow30');
    const f = await new MultiTimeframeLoader(u.provider).load('IBM', Date.UTC(2001, 0, 2, 23));
    expect([...f.frames.keys()]).toEqual(['1d']);
    expect(f.missing.map((m) => m.timeframe)).toEqual(['1m', '5m', '30m', '1h', '6h']);
    const seen: number[] = [];
    const clock = new SimulatedClock(0);
    const slow: DataProvider = {
      name: 'counting',
      getBars: async (r: BarRequest) => {
        seen.push(clock.now());
        return provider.getBars(r);
      },
    };
    // Two per minute, burst 2: the third request waits ~30 s of (simulated) time.
    const L = new MultiTimeframeLoader(slow, { ratePerMinute: 2, clock, timeframes: ['1d'], sleep: async (ms) => clock.advance(ms) });
    await L.loadMany(['AAPL', 'MSFT', 'NVDA'], ASOF);
    expect(seen[2]! - seen[0]!).toBeGreaterThanOrEqual(29_000);
  });
});

describe('features and risk stages', () => {
  it('builds the 117-column vector: 98 default features, the scanner score and trend, 17 cross-section columns', async () => {
    const d = await provider.getBars({ symbol: 'NVDA', timeframe: '1d', end: ASOF });
    const m = dailyFeatureMatrix(d);
    const cols = scanFeatureColumns();
    expect(cols).toHaveLength(117);
    const row = scanSeries(sliceSeries(d, d.close.length - 130))!;
    const batch = scanBatch(d);
    expect(batch.score[d.close.length - 1]!).toBeCloseTo(row.score, 2);
    const v = featureRow(m, m.nRows - 1, cols, { score: row.score, trend: 1 });
    expect(Number.isFinite(v[cols.indexOf('rsi_14')]!)).toBe(true);
    expect(v[99]).toBe(1);
    // Without a cross-section row those columns are NaN (imputed by the model); with one, they are copied by name.
    expect(Number.isNaN(v[100]!)).toBe(true);
    const xs = Float64Array.from({ length: 17 }, (_, k) => k / 10);
    const w = featureRow(m, m.nRows - 1, cols, { score: row.score, trend: 1, xs });
    expect(Array.from(w.subarray(100))).toEqual(Array.from(xs));
    expect(cols[100]).toBe('xs_r5');
  });

  it('aligns returns by date and scores risk by the documented formula', async () => {
    const t = Float64Array.from([0, 1, 2, 3, 4].map((i) => i * MS_PER_DAY));
    const a = closeOnlySeries('A', '1d', t, Float64Array.from([1, 2, 4, 8, 16]));
    const b = closeOnlySeries('B', '1d', Float64Array.from([0, 1, 3, 4].map((i) => i * MS_PER_DAY)), Float64Array.from([1, 1, 1, 2]));
    const r = alignedReturns(a, { B: b });
    expect(Array.from(r.returns)).toEqual([Math.log(2), Math.log(2)]);
    expect(Array.from(r.bench.B!)).toEqual([0, Math.log(2)]);
    expect(riskScore({ annualisedVol: 0.36, volRegime: 'normal', lowerTail: 0.1 })).toBe(6);
    expect(riskScore({ annualisedVol: 0.36, volRegime: 'high', lowerTail: 0.5 })).toBe(8);
    expect(riskScore({ annualisedVol: 0.01, volRegime: 'low', lowerTail: 0 })).toBe(1);
    const [x, spy, qqq] = await Promise.all(['MSFT', 'SPY', 'QQQ'].map((s) => provider.getBars({ symbol: s, timeframe: '1d', end: ASOF })));
    const rm = riskStage(x!, { SPY: spy!, QQQ: qqq! });
    expect(rm.observations).toBe(419);
    expect(rm.correlation.SPY).toBeGreaterThan(0.2);
    expect(rm.risk_score).toBeGreaterThanOrEqual(1);
    expect(rm.risk_score).toBeLessThanOrEqual(10);
  });
});
