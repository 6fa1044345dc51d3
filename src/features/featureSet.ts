/**
 * Declarative feature sets: each feature names an indicator (or a built-in
 * feature source), its parameters, which output, a transform, and the timeframe
 * it is computed on. `compileFeatureSet` turns a set plus bar series into a
 * column-major matrix with a recorded column order and a content hash.
 */
import { createHash } from 'node:crypto';
import type { BarSeries } from '../core/bar.ts';
import { BadInputError } from '../core/errors.ts';
import { MS_PER_DAY, type Timeframe } from '../core/time.ts';
import { getIndicator, resolveParams, INDICATORS } from '../indicators/registry.ts';
import type { Columns, InputField, Params, SharedSeries } from '../indicators/types.ts';
import { SeriesCache } from '../indicators/sharedSeries.ts';
import { FEATURE_SOURCES } from './sources.ts';

/** How a source value becomes a feature: as is, close's distance to it, its ratio to close, its log, or its rolling 20-bar z-score. */
export type Transform = 'raw' | 'dist' | 'over_close' | 'log' | 'zscore';

/** A feature computed by an indicator of the registry or a built-in source (`calendar`, `momentum`). */
export interface IndicatorFeature {
  name: string;
  indicator: string;
  params?: Record<string, number>;
  /** Which output (default: the first). */
  output?: string;
  transform?: Transform;
  /** Timeframe of the bars it is computed on (default: the base timeframe). */
  timeframe?: Timeframe;
  /** Feed the indicator one-bar log returns instead of prices (close-only indicators). */
  on?: 'close' | 'log_return';
}

/** A user-written feature: any function of the bars (the lookahead audit exists to check these). */
export interface CustomFeature {
  name: string;
  custom: (s: BarSeries) => Float64Array;
  inputs?: InputField[];
  timeframe?: Timeframe;
}

export type FeatureSpec = IndicatorFeature | CustomFeature;

/** A named, versioned list of features; the column order is the list order. */
export interface FeatureSet {
  name: string;
  version: number;
  features: readonly FeatureSpec[];
}

/** A compiled feature matrix: column j occupies data[j*nRows .. (j+1)*nRows). */
export interface FeatureMatrix {
  set: string;
  hash: string;
  timeframe: Timeframe;
  columns: string[];
  nRows: number;
  data: Float64Array;
  time: Float64Array;
  /** Features left out because the input lacks a field (e.g. close-only data) or a timeframe. */
  skipped: { name: string; reason: string }[];
}

/** File name of the feature metadata saved next to every model. */
export const FEATURE_COLS_FILE = 'feature_cols.json';

/** The metadata a model stores in FEATURE_COLS_FILE: enough to rebuild and verify its inputs. */
export function featureColsMeta(m: FeatureMatrix): { set: string; hash: string; timeframe: Timeframe; columns: string[]; skipped: FeatureMatrix['skipped'] } {
  return { set: m.set, hash: m.hash, timeframe: m.timeframe, columns: m.columns.slice(), skipped: m.skipped.map((s) => ({ ...s })) };
}

/** Column j of the matrix as a view. */
export function featureColumn(m: FeatureMatrix, j: number | string): Float64Array {
  const k = typeof j === 'number' ? j : m.columns.indexOf(j);
  if (k < 0 || k >= m.columns.length) throw new BadInputError(`no feature column ${String(j)}`);
  return m.data.subarray(k * m.nRows, (k + 1) * m.nRows);
}

function isCustom(f: FeatureSpec): f is CustomFeature {
  return 'custom' in f;
}

interface Source {
  inputs: readonly InputField[];
  outputs: readonly string[];
  resolve(given: Record<string, number> | undefined): Params;
  compute(cols: Columns, p: Params, shared?: SharedSeries): Float64Array[];
}

function sourceOf(name: string): Source {
  const s = FEATURE_SOURCES.get(name);
  if (s) return s;
  const d = INDICATORS.get(name) ?? getIndicator(name);
  return { inputs: d.inputs, outputs: d.outputs, resolve: (g) => resolveParams(d, g), compute: (c, p, sh) => d.batch(c, p, sh) };
}

function hasFields(s: BarSeries, inputs: readonly InputField[]): InputField | null {
  for (const f of inputs) if (f !== 'close' && !s.fields[f]) return f;
  return null;
}

/**
 * Bar close time. Bars are stamped at their close, except daily bars stamped at
 * their date (midnight UTC), which close only at the end of that day.
 */
function closeTime(tf: Timeframe, t: number): number {
  return tf === '1d' && t % MS_PER_DAY === 0 ? t + MS_PER_DAY : t;
}

/**
 * For each base bar, the index of the last coarse bar closed at or before the
 * base bar's close (-1 if none): the as-of rule that keeps coarse features causal.
 */
export function asOfIndex(baseTf: Timeframe, baseTime: Float64Array, tf: Timeframe, coarseTime: Float64Array): Int32Array {
  const out = new Int32Array(baseTime.length);
  let j = -1;
  for (let i = 0; i < baseTime.length; i++) {
    const t = closeTime(baseTf, baseTime[i]!);
    while (j + 1 < coarseTime.length && closeTime(tf, coarseTime[j + 1]!) <= t) j++;
    out[i] = j;
  }
  return out;
}

/** Apply transform `t` to x into `y` (a matrix column or scratch; never x itself, which the result cache shares). */
function transformInto(x: Float64Array, t: Transform, close: Float64Array, y: Float64Array): void {
  const n = x.length;
  if (t === 'raw') y.set(x);
  else if (t === 'zscore') y.set(getIndicator('zscore').batch({ close: x }, { n: 20 })[0]!);
  else if (t === 'dist') for (let i = 0; i < n; i++) y[i] = close[i]! / x[i]! - 1;
  else if (t === 'over_close') for (let i = 0; i < n; i++) y[i] = x[i]! / close[i]!;
  else for (let i = 0; i < n; i++) y[i] = Math.log(x[i]!);
}

// Content hashes by set object and base timeframe: a FeatureSet is a constant once declared.
const HASHES = new WeakMap<FeatureSet, Map<Timeframe, string>>();

function cachedHash(set: FeatureSet, base: Timeframe): string {
  let m = HASHES.get(set);
  if (!m) HASHES.set(set, (m = new Map()));
  let h = m.get(base);
  if (h === undefined) m.set(base, (h = featureSetHash(set, base)));
  return h;
}

/** Canonical description of a set (resolved parameters, column order) and its SHA-256: the content hash. */
export function featureSetHash(set: FeatureSet, base: Timeframe): string {
  const desc = set.features.map((f) =>
    isCustom(f)
      ? { name: f.name, custom: f.custom.toString(), timeframe: f.timeframe ?? base }
      : {
          name: f.name,
          indicator: f.indicator,
          params: sourceOf(f.indicator).resolve(f.params),
          output: f.output ?? sourceOf(f.indicator).outputs[0],
          transform: f.transform ?? 'raw',
          timeframe: f.timeframe ?? base,
          on: f.on ?? 'close',
        },
  );
  return createHash('sha256').update(JSON.stringify({ set: set.name, version: set.version, base, features: desc })).digest('hex');
}

/**
 * Compile a feature set over the base series and any coarser frames. Features on
 * another timeframe are computed on that frame's bars and joined to each base
 * bar as of the last closed coarse bar. Indicator results are computed once and shared.
 */
export function compileFeatureSet(set: FeatureSet, frames: BarSeries | ReadonlyMap<Timeframe, BarSeries>, baseTf?: Timeframe): FeatureMatrix {
  const map: ReadonlyMap<Timeframe, BarSeries> = 'close' in frames ? new Map([[(frames as BarSeries).timeframe, frames as BarSeries]]) : (frames as ReadonlyMap<Timeframe, BarSeries>);
  const base = baseTf ?? ('close' in frames ? (frames as BarSeries).timeframe : [...map.keys()][0]!);
  const bs = map.get(base);
  if (!bs) throw new BadInputError(`no bars for the base timeframe ${base}`);
  const nRows = bs.close.length;
  const names = new Set<string>();
  for (const f of set.features) {
    if (names.has(f.name)) throw new BadInputError(`feature set ${set.name}: duplicate feature name "${f.name}"`);
    names.add(f.name);
  }
  const cache = new Map<string, Float64Array[]>();
  const joins = new Map<Timeframe, Int32Array>();
  const shares = new Map<Timeframe, SeriesCache>();
  const skipped: FeatureMatrix['skipped'] = [];
  // Pass 1: which features this input allows (the matrix is allocated once, at its final size).
  const kept: FeatureSpec[] = [];
  for (const f of set.features) {
    const tf = f.timeframe ?? base;
    const s = map.get(tf);
    const missing = s ? hasFields(s, isCustom(f) ? (f.inputs ?? []) : sourceOf(f.indicator).inputs) : null;
    if (!s) skipped.push({ name: f.name, reason: `no ${tf} bars` });
    else if (missing) skipped.push({ name: f.name, reason: `needs ${missing}` });
    else kept.push(f);
  }
  const columns = kept.map((f) => f.name);
  const data = new Float64Array(columns.length * nRows);
  // Pass 2: each feature is written straight into its column (through scratch only when joined from a coarser frame).
  for (let j = 0; j < kept.length; j++) {
    const f = kept[j]!;
    const tf = f.timeframe ?? base;
    const s = map.get(tf)!;
    const col = data.subarray(j * nRows, (j + 1) * nRows);
    const dst = tf === base ? col : new Float64Array(s.close.length);
    if (isCustom(f)) dst.set(f.custom(s));
    else {
      const src = sourceOf(f.indicator);
      const p = src.resolve(f.params);
      const on = f.on ?? 'close';
      const key = `${tf}|${f.indicator}|${on}|${JSON.stringify(p)}`;
      let res = cache.get(key);
      if (!res) {
        // One SeriesCache per timeframe: intermediate series (log prices, log returns) are computed once and shared.
        let shared = shares.get(tf);
        if (!shared) {
          shared = new SeriesCache({ open: s.open, high: s.high, low: s.low, close: s.close, volume: s.volume, time: s.time });
          shares.set(tf, shared);
        }
        res = on === 'log_return' ? src.compute({ close: shared.logReturns(), time: s.time }, p) : src.compute(shared.cols, p, shared);
        cache.set(key, res);
      }
      const k = f.output === undefined ? 0 : src.outputs.indexOf(f.output);
      if (k < 0) throw new BadInputError(`feature ${f.name}: ${f.indicator} has no output "${f.output}" (outputs: ${src.outputs.join(', ')})`);
      transformInto(res[k]!, f.transform ?? 'raw', s.close, dst);
    }
    if (tf !== base) {
      let idx = joins.get(tf);
      if (!idx) {
        idx = asOfIndex(base, bs.time, tf, s.time);
        joins.set(tf, idx);
      }
      for (let i = 0; i < nRows; i++) col[i] = idx[i]! >= 0 ? dst[idx[i]!]! : NaN;
    }
  }
  return { set: set.name, hash: cachedHash(set, base), timeframe: base, columns, nRows, data, time: bs.time, skipped };
}
