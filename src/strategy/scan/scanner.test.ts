import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allocSeries, closeOnlySeries } from '../../core/bar.ts';
import { MS_PER_DAY } from '../../core/time.ts';
import { getIndicator } from '../../indicators/registry.ts';
import { momentumScore } from '../../features/momentumScore.ts';
import { MockUniverseProvider, mockUniverseSymbols } from './mockUniverse.ts';
import { runScanner } from './runScanner.ts';
import { rankRows, scanSeries, trendLabel } from './scanner.ts';
import { resolveUniverse } from './universe.ts';

const ASOF = Date.UTC(2024, 5, 14, 21);

function series(n: number, f: (i: number) => number, vol: (i: number) => number) {
  const s = allocSeries('X', '1d', n);
  for (let i = 0; i < n; i++) {
    s.time[i] = Date.UTC(2024, 0, 1) + i * MS_PER_DAY;
    s.close[i] = f(i);
    s.open[i] = s.high[i] = s.low[i] = s.close[i]!;
    s.volume[i] = vol(i);
  }
  return s;
}

describe('momentum scanner', () => {
  it('scores with the documented formula: 50 + momentumScore / 2 when every component is present', () => {
    const s = series(120, (i) => 100 + 10 * Math.sin(i / 7) + i * 0.1, (i) => 1e6 * (1 + (i % 5) / 10));
    const row = scanSeries(s)!;
    const rsi = getIndicator('rsi').batch({ close: s.close }, { n: 14 })[0]!;
    expect(row.rsi).toBeCloseTo(rsi[119]!, 10);
    let m = 0;
    for (let i = 99; i < 119; i++) m += s.volume[i]!;
    expect(row.rvol).toBeCloseTo(s.volume[119]! / (m / 20), 12);
    const change = s.close[119]! / s.close[118]! - 1;
    expect(row.score).toBeCloseTo(50 + momentumScore(row.rsi, row.rvol!, change, s.volume[119]!) / 2, 10);
    expect(row.score).toBeGreaterThanOrEqual(0);
    expect(row.score).toBeLessThanOrEqual(100);
  });

  it('renormalises over RSI and change for close-only data', () => {
    const c = new Float64Array(80).map((_, i) => 50 + i);
    const t = new Float64Array(80).map((_, i) => i * MS_PER_DAY);
    const row = scanSeries(closeOnlySeries('UP', '1d', t, c))!;
    expect(row.rvol).toBeNull();
    expect(row.rsi).toBe(100);
    const cp = Math.tanh((129 / 128 - 1) / 0.05);
    expect(row.score).toBeCloseTo(50 + (50 * (0.3 * 1 + 0.25 * cp)) / 0.55, 10);
    expect(row.trend).toBe('strong_uptrend');
  });

  it('labels trends and refuses short series', () => {
    expect(trendLabel(10, 9, 8, 55)).toBe('uptrend');
    expect(trendLabel(7, 8, 9, 30)).toBe('strong_downtrend');
    expect(trendLabel(9.5, 8, 9, 50)).toBe('sideways');
    expect(scanSeries(series(40, (i) => 10 + i, () => 1))).toBeNull();
    const rows = [{ symbol: 'B', score: 60 }, { symbol: 'A', score: 60 }, { symbol: 'C', score: 90 }] as never[];
    expect(rankRows(rows, 2).map((r: { symbol: string }) => r.symbol)).toEqual(['C', 'A']);
  });

  it('scans the bundled Dow 30 into a ranked top list', async () => {
    const u = await resolveUniverse('dow30');
    const r = await runScanner(u, { top: 10 });
    expect(r.scanned).toBe(30);
    expect(r.results).toHaveLength(10);
    for (let i = 1; i < r.results.length; i++) expect(r.results[i - 1]!.score).toBeGreaterThanOrEqual(r.results[i]!.score);
    expect(r.results[0]!.time).toBe(Date.UTC(2001, 0, 2));
  });

  it('reads a folder of CSV files as a universe', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scan-'));
    for (const [sym, slope] of [['UPP', 1], ['DWN', -1]] as const) {
      const lines = ['date,open,high,low,close,volume'];
      for (let i = 0; i < 70; i++) {
        const c = 100 + slope * i * 0.5 + (i % 3);
        lines.push(`${new Date(Date.UTC(2023, 0, 2) + i * MS_PER_DAY).toISOString().slice(0, 10)},${c},${c + 1},${c - 1},${c},${1000 + i}`);
      }
      writeFileSync(join(dir, `${sym.toLowerCase()}.csv`), lines.join('\n'));
    }
    const r = await runScanner(await resolveUniverse(dir), { top: 5 });
    expect(r.results.map((x) => x.symbol)).toEqual(['UPP', 'DWN']);
    await expect(resolveUniverse(join(dir, 'nope'))).rejects.toThrow(/not a readable directory/);
  });

  it('mock universe: names, and bars that never depend on how far the request reaches', async () => {
    expect(mockUniverseSymbols(12).slice(0, 3)).toEqual(['SPY', 'QQQ', 'AAPL']);
    expect(mockUniverseSymbols(12)[11]).toBe('M0002');
    const p = new MockUniverseProvider({ size: 20, asOf: ASOF, days: 300, intradayDays: 5 });
    const full = await p.getBars({ symbol: 'M0003', timeframe: '1d' });
    const cut = await p.getBars({ symbol: 'M0003', timeframe: '1d', end: ASOF - 10 * MS_PER_DAY });
    expect(Array.from(cut.close)).toEqual(Array.from(full.close.subarray(0, cut.close.length)));
    const m = await p.getBars({ symbol: 'M0003', timeframe: '1m', start: ASOF - 2 * MS_PER_DAY, end: ASOF });
    // Minutes bridge each day's open to its close.
    expect(m.close[m.close.length - 1]!).toBeCloseTo(full.close[full.close.length - 1]!, 8);
    const r = await runScanner({ name: 'mock:20', symbols: [...p.symbols], provider: p, benchmarks: ['SPY', 'QQQ'] }, { asOf: ASOF, top: 30 });
    expect(r.scanned).toBe(18);
    expect(r.results).toHaveLength(18);
  });
});
