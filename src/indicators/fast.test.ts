import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FAST_BATCH } from './fast.ts';
import { getIndicator, resolveParams } from './registry.ts';
import { SeriesCache } from './sharedSeries.ts';
import type { Columns, Params } from './types.ts';

const lines = readFileSync('data/sample/ttrc.csv', 'utf8').trim().split('\n').slice(1);
const col = (k: number): Float64Array => Float64Array.from(lines, (l) => Number(l.split(',')[k]));
const time = Float64Array.from(lines, (l) => Date.parse(`${l.split(',')[0]}T00:00:00Z`));
const ttrc: Columns = { open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5), time };
const n = ttrc.close.length;

const add = (x: Float64Array, k: number): Float64Array => x.map((v) => v + k);
/** ttrc moved to a price level of 65,000 (cancellation would show here). */
const high: Columns = { open: add(ttrc.open!, 65_000), high: add(ttrc.high!, 65_000), low: add(ttrc.low!, 65_000), close: add(ttrc.close, 65_000), volume: ttrc.volume!, time };
/** Log returns: a leading NaN, values around 0 (the feature compiler's `on: log_return` input). */
const lr = new Float64Array(n).fill(NaN);
for (let i = 1; i < n; i++) lr[i] = Math.log(ttrc.close[i]! / ttrc.close[i - 1]!);
const returns: Columns = { close: lr, time };
/** A long random walk, so the windowed-variance re-computation (every 4096 updates) happens several times. */
const walk = new Float64Array(30_000);
{
  let p = 100;
  let s = 12345;
  for (let i = 0; i < walk.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    p *= Math.exp(0.02 * (s / 2147483648 - 0.5));
    walk[i] = p;
  }
}
const long: Columns = { close: walk, high: walk.map((x) => x * 1.01), low: walk.map((x) => x * 0.99), open: walk, volume: walk.map((x) => 1e6 / x) };

/** Kernel path: the streaming form fed bar by bar. */
function viaKernel(name: string, cols: Columns, p: Params): Float64Array[] {
  const def = getIndicator(name);
  const s = def.stream(p);
  const m = cols.close.length;
  const outs = def.outputs.map(() => new Float64Array(m));
  for (let i = 0; i < m; i++) {
    s.update({ open: cols.open?.[i] ?? cols.close[i]!, high: cols.high?.[i] ?? cols.close[i]!, low: cols.low?.[i] ?? cols.close[i]!, close: cols.close[i]!, volume: cols.volume?.[i] ?? NaN });
    for (let j = 0; j < outs.length; j++) outs[j]![i] = s.values[j]!;
  }
  return outs;
}

function worst(a: Float64Array, b: Float64Array): number {
  let w = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return Infinity;
      continue;
    }
    w = Math.max(w, Math.abs(x - y) / Math.max(1, Math.abs(y)));
  }
  return w;
}

const PARAMS: Record<string, Record<string, number>[]> = {
  sma: [{ n: 1 }, { n: 20 }, { n: 200 }, { n: 1500 }],
  ema: [{ n: 2 }, { n: 50 }],
  wma: [{ n: 3 }, { n: 20 }],
  dema: [{ n: 10, v: 0.7 }],
  tema: [{ n: 5 }],
  zlema: [{ n: 20 }, { n: 9 }],
  hma: [{ n: 20 }, { n: 9 }],
  rsi: [{ n: 2 }, { n: 14 }],
  macd: [{}, { fast: 5, slow: 35, signal: 5 }],
  ppo: [{}],
  bbands: [{ n: 20, sd: 2 }, { n: 5, sd: 1 }],
  roc: [{ n: 1 }, { n: 21 }],
  mom: [{ n: 10 }],
  trix: [{ n: 15, nSig: 9 }],
  cmo: [{ n: 14 }, { n: 3 }],
  dpo: [{ n: 20 }],
  runsd: [{ n: 20, sample: 1 }, { n: 10, sample: 0 }],
  kst: [{ nSig: 9 }],
  atr: [{ n: 14 }],
  adx: [{ n: 14 }],
  stoch: [{}, { nFastK: 5, nFastD: 2, nSlowD: 4 }],
  wpr: [{ n: 14 }],
  donchian: [{ n: 20 }, { n: 1 }],
  vol_cc: [{ n: 11, N: 252 }, { n: 64, N: 252 }],
  zscore: [{ n: 20 }, { n: 63 }],
  volume_z: [{ n: 20 }],
  skew: [{ n: 21 }, { n: 63 }],
  kurtosis: [{ n: 21 }, { n: 63 }],
  rolling_max: [{ n: 252 }, { n: 3 }],
  rolling_min: [{ n: 252 }, { n: 3 }],
  log_return: [{ n: 1 }, { n: 252 }],
  rvol: [{ n: 20 }],
};

/** Fast paths that reorder arithmetic for speed, and how far from the kernel they may be. */
const TOLERANCE: Record<string, number> = { rsi: 1e-13 };

describe('fast batch paths equal the kernel path', () => {
  it('every fast path has parameter cases here', () => {
    expect(Object.keys(FAST_BATCH).sort()).toEqual(Object.keys(PARAMS).sort());
  });
  for (const [name, cases] of Object.entries(PARAMS)) {
    it(`${name}: bit for bit on ttrc, at 65,000, on a 30k-bar walk, and on log returns with a leading NaN`, () => {
      const def = getIndicator(name);
      const inputs: [string, Columns][] = [
        ['ttrc', ttrc],
        ['65000', high],
        ['walk', long],
      ];
      if (def.inputs.every((f) => f === 'close')) inputs.push(['returns', returns]);
      const bad: string[] = [];
      for (const given of cases) {
        const p = resolveParams(def, given);
        for (const [label, cols] of inputs) {
          const fast = def.batch(cols, p, new SeriesCache(cols));
          const plain = def.batch(cols, p);
          const ref = viaKernel(name, cols, p);
          for (let j = 0; j < ref.length; j++) {
            const w = Math.max(worst(fast[j]!, ref[j]!), worst(plain[j]!, ref[j]!));
            // Same arithmetic in the same order: equal to the last bit (0), well inside the 1e-12 contract;
            // RSI's batch form steps two bars at a time (a few ulps apart, still far inside it).
            if (w > (TOLERANCE[name] ?? 0)) bad.push(`${label} ${JSON.stringify(given)} ${def.outputs[j]}: ${w}`);
          }
        }
      }
      expect(bad).toEqual([]);
    });
  }
});

describe('rolling sums stay exact at a price level of 65,000', () => {
  it('SMA(20) of 65,000 + tiny moves is within 2 ulps of the exact window mean over 200k bars', () => {
    const m = 200_000;
    const x = new Float64Array(m);
    for (let i = 0; i < m; i++) x[i] = 65_000 + Math.sin(i) * 0.001 + (i % 7) * 1e-4;
    const out = FAST_BATCH.sma!({ close: x }, { n: 20 })[0]!;
    const ulp = 2 ** -36; // spacing of doubles in [32768, 65536)
    let worstUlps = 0;
    for (let i = 19; i < m; i += 97) {
      let s = 0;
      for (let k = i - 19; k <= i; k++) s += x[k]! - 65_000; // exact: Sterbenz, then small sums
      worstUlps = Math.max(worstUlps, Math.abs(out[i]! - (65_000 + s / 20)) / ulp);
    }
    expect(worstUlps).toBeLessThanOrEqual(2);
  });
  it('a trending series from 1 to 65,000 keeps the rolling mean within 1e-13 relative', () => {
    const m = 100_000;
    const x = Float64Array.from({ length: m }, (_, i) => 1 + (65_000 * i) / m + Math.cos(i));
    const out = FAST_BATCH.sma!({ close: x }, { n: 50 })[0]!;
    let w = 0;
    for (let i = 49; i < m; i += 13) {
      let s = 0;
      for (let k = i - 49; k <= i; k++) s += x[k]!;
      w = Math.max(w, Math.abs(out[i]! - s / 50) / (s / 50));
    }
    expect(w).toBeLessThan(1e-13);
  });
});
