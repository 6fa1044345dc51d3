import { describe, expect, it } from 'vitest';
import { sliceSeries, type BarSeries } from '../core/bar.ts';
import { MS_PER_HOUR } from '../core/time.ts';
import { loadCsvSeries } from '../data/loadCsv.ts';
import { compileFeatureSet, featureColumn, featureColsMeta, asOfIndex, type FeatureSet } from './featureSet.ts';
import { defaultFeatureSet } from './defaultSet.ts';
import { fitScaler, applyScaler } from './scaler.ts';
import { binaryLabels, forwardReturns, threeClassLabels, tripleBarrierLabels } from './labels.ts';
import { auditLookahead } from './lookaheadAudit.ts';
import { momentumScore, rsiComponent, rvolComponent } from './momentumScore.ts';

const ttrc = loadCsvSeries('data/sample/ttrc.csv', { timeframe: '1d', symbol: 'TTRC' })[0]!;
const dow = loadCsvSeries('data/sample/dowjones30.csv', { timeframe: '1d' });

describe('feature sets', () => {
  it('the default set has 80-100 features and compiles on OHLCV with none skipped', () => {
    const set = defaultFeatureSet();
    expect(set.features.length).toBeGreaterThanOrEqual(80);
    expect(set.features.length).toBeLessThanOrEqual(100);
    const m = compileFeatureSet(set, ttrc);
    expect(m.skipped).toEqual([]);
    expect(m.columns).toEqual(set.features.map((f) => f.name));
    expect(m.data.length).toBe(m.columns.length * m.nRows);
    const rsi = featureColumn(m, 'rsi_14');
    expect(rsi[m.nRows - 1]).toBeGreaterThan(0);
    // Column-major: column j is contiguous.
    expect(featureColumn(m, 1)[300]).toBe(m.data[m.nRows + 300]);
  });

  it('close-only input skips the OHLCV features and records why', () => {
    const m = compileFeatureSet(defaultFeatureSet(), dow[0]!);
    expect(m.skipped.length).toBeGreaterThan(10);
    expect(m.skipped.find((s) => s.name === 'atr_14')?.reason).toBe('needs high');
    expect(m.skipped.find((s) => s.name === 'mfi_14')).toBeDefined();
    expect(m.columns).toContain('rsi_14');
    expect(featureColsMeta(m).skipped).toEqual(m.skipped);
  });

  it('the content hash is stable and changes with the definition', () => {
    const a = compileFeatureSet(defaultFeatureSet(), ttrc).hash;
    const b = compileFeatureSet(defaultFeatureSet(), ttrc).hash;
    const changed: FeatureSet = { ...defaultFeatureSet(), features: defaultFeatureSet().features.map((f) => (f.name === 'rsi_14' ? { ...f, params: { n: 15 } } : f)) };
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(compileFeatureSet(changed, ttrc).hash).not.toBe(a);
  });

  it('joins coarse bars as of the last closed coarse bar', () => {
    // hourly base bars at 01:00..23:00 of day 0 and 1; daily bars stamped at midnight close at the next midnight.
    const base = Float64Array.from({ length: 48 }, (_, i) => (i + 1) * MS_PER_HOUR);
    const daily = Float64Array.from([0, 86_400_000]);
    const idx = asOfIndex('1h', base, '1d', daily);
    expect(idx[0]).toBe(-1); // 01:00 day 0: day 0 not closed yet
    expect(idx[22]).toBe(-1); // 23:00 day 0
    expect(idx[23]).toBe(0); // 24:00 = day 0 closed
    expect(idx[47]).toBe(1);
    // 1h coarse on 5m base: the 10:00 bar (stamped at its close) is visible from 10:00 on.
    const fine = Float64Array.from([9.5, 9.75, 10, 10.25].map((h) => h * MS_PER_HOUR));
    expect(Array.from(asOfIndex('5m', fine, '1h', Float64Array.from([9, 10].map((h) => h * MS_PER_HOUR))))).toEqual([0, 0, 1, 1]);
  });

  it('compiles a multi-timeframe set from a frame map', () => {
    const n = 24 * 60;
    const t = Float64Array.from({ length: n }, (_, i) => (i + 1) * MS_PER_HOUR);
    const c = Float64Array.from({ length: n }, (_, i) => 100 + Math.sin(i / 9) * 3 + i * 0.01);
    const hourly: BarSeries = { symbol: 'X', timeframe: '1h', time: t, open: c, high: c, low: c, close: c, volume: new Float64Array(n).fill(NaN), fields: { open: false, high: false, low: false, volume: false } };
    const dn = 60;
    const dt = Float64Array.from({ length: dn }, (_, i) => i * 86_400_000);
    const dc = Float64Array.from({ length: dn }, (_, i) => c[i * 24 + 23]!);
    const daily: BarSeries = { ...hourly, timeframe: '1d', time: dt, open: dc, high: dc, low: dc, close: dc, volume: new Float64Array(dn).fill(NaN) };
    const set = defaultFeatureSet('1h', ['1d']);
    const m = compileFeatureSet(set, new Map([['1h', hourly], ['1d', daily]]), '1h');
    const r = featureColumn(m, '1d_ret_1');
    // Hour 24*k + 23 (00:00 of day k+1) sees daily bar k: ret_1 of day k.
    const k = 30;
    expect(r[24 * k + 23]).toBeCloseTo(Math.log(dc[k]! / dc[k - 1]!), 12);
    expect(r[24 * k + 22]).toBeCloseTo(Math.log(dc[k - 1]! / dc[k - 2]!), 12);
  });
});

describe('scalers', () => {
  it('fit on training rows only', () => {
    const m = compileFeatureSet(defaultFeatureSet(), ttrc);
    const train = Int32Array.from({ length: 2000 }, (_, i) => i + 300);
    const p = fitScaler(m, train, 'standard');
    const s = applyScaler(m, p);
    const j = m.columns.indexOf('rsi_14');
    let sum = 0;
    for (const i of train) sum += featureColumn(s, j)[i]!;
    expect(Math.abs(sum / train.length)).toBeLessThan(1e-9);
    // Test rows do not influence the fit.
    const m2 = { ...m, data: Float64Array.from(m.data) };
    for (let i = 4000; i < m.nRows; i++) m2.data[j * m.nRows + i] = 1e6;
    expect(fitScaler(m2, train, 'standard').center[j]).toBe(p.center[j]);
    const r = fitScaler(m, train, 'robust');
    expect(r.scale[j]).toBeGreaterThan(0);
    expect(() => fitScaler(m, [m.nRows], 'robust')).toThrow(/outside/);
  });
});

describe('labels', () => {
  const c = Float64Array.from([100, 101, 99, 102, 104, 103]);
  const t = Float64Array.from(c, (_, i) => i * 1000);
  it('forward, binary and three-class with spans', () => {
    const f = forwardReturns(c, t, 2);
    expect(f.values[0]).toBeCloseTo(-0.01, 12);
    expect([f.t0[0], f.t1[0], f.t1Time[0]]).toEqual([0, 2, 2000]);
    expect(Number.isNaN(f.values[4]!)).toBe(true);
    expect(f.t1[4]).toBe(-1);
    expect(Array.from(binaryLabels(c, t, 1).values.subarray(0, 5))).toEqual([1, 0, 1, 1, 0]);
    expect(Array.from(threeClassLabels(c, t, 1, 0.015, 0.015).values.subarray(0, 5))).toEqual([0, -1, 1, 1, 0]);
  });
  it('triple barrier: first touch wins, vertical barrier otherwise, t1 at the touch', () => {
    const n = 200;
    const close = Float64Array.from({ length: n }, (_, i) => 100 * Math.exp(0.01 * Math.sin(i * 1.7)));
    close[150] = close[149]! * 1.2;
    const tb = tripleBarrierLabels(close, Float64Array.from(close, (_, i) => i), { horizon: 5, ptMult: 2, slMult: 2, volWindow: 20 });
    expect(tb.values[149]).toBe(1);
    expect(tb.t1[149]).toBe(150);
    expect(Number.isNaN(tb.values[5]!)).toBe(true);
    const flat = tripleBarrierLabels(close, Float64Array.from(close, (_, i) => i), { horizon: 1, ptMult: 50, slMult: 50, volWindow: 20 });
    expect(flat.values[30]).toBe(0);
    expect(flat.t1[30]).toBe(31);
  });
});

describe('momentum score', () => {
  it('combines documented components', () => {
    expect(rsiComponent(75)).toBe(0.5);
    expect(rvolComponent(4)).toBe(1);
    expect(momentumScore(50, 1, 0, 1e5)).toBe(0);
    expect(momentumScore(100, 100, 1, 1e9)).toBeCloseTo(100, 1);
  });
});

describe('lookahead audit', () => {
  it('catches a planted leaking feature and passes the honest ones', () => {
    const s = sliceSeries(ttrc, 0, 800);
    const set: FeatureSet = {
      name: 'planted',
      version: 1,
      features: [
        { name: 'rsi_14', indicator: 'rsi', params: { n: 14 } },
        { name: 'ema_50', indicator: 'ema', params: { n: 50 }, transform: 'dist' },
        { name: 'tomorrow', custom: (b) => Float64Array.from(b.close, (_, i) => (i + 1 < b.close.length ? b.close[i + 1]! / b.close[i]! : NaN)) },
        { name: 'centred_mean', custom: (b) => Float64Array.from(b.close, (_, i) => (b.close[Math.max(0, i - 2)]! + b.close[Math.min(b.close.length - 1, i + 2)]!) / 2) },
      ],
    };
    const r = auditLookahead(s, set);
    expect(r.leaks).toEqual(['tomorrow', 'centred_mean']);
    const ema = r.features.find((f) => f.name === 'ema_50')!;
    expect(ema.leak).toBe(false);
    expect(ema.warmupBars).toBeGreaterThan(50);
    expect(r.features.find((f) => f.name === 'rsi_14')!.warmupBars).toBeGreaterThan(14);
  });

  it('the default set on the 30 Dow stocks has no leak', () => {
    expect(dow.length).toBe(30);
    const set = defaultFeatureSet();
    for (const s of dow) {
      const r = auditLookahead(s, set, { cuts: 4 });
      expect(r.leaks, s.symbol).toEqual([]);
    }
  });
});
