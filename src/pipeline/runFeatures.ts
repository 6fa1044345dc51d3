/**
 * Stage 3 (features): the pack's feature list (names from the default feature
 * set) plus the pack's own indicators as columns, compiled with
 * src/features over one symbol's bars. Features the input cannot support
 * (high/low indicators on close-only data) are left out and listed.
 */
import type { BarSeries } from '../core/bar.ts';
import type { Timeframe } from '../core/time.ts';
import { defaultFeatureSet } from '../features/defaultSet.ts';
import { compileFeatureSet, type FeatureMatrix, type FeatureSet, type IndicatorFeature } from '../features/featureSet.ts';
import { resample } from '../data/resample.ts';
import type { ModelSpec } from '../strategy/models/modelSpec.ts';

/** The feature set of a pack's model: its named default-set features, then its indicators (ids not already taken). */
export function packFeatureSet(spec: ModelSpec): FeatureSet {
  const base = defaultFeatureSet(spec.timeframe);
  const wanted = new Set(spec.features);
  const features: IndicatorFeature[] = base.features.filter((f): f is IndicatorFeature => wanted.has(f.name) && 'indicator' in f);
  const taken = new Set(features.map((f) => f.name));
  for (const ind of spec.indicators) {
    if (taken.has(ind.id)) continue;
    taken.add(ind.id);
    // price_relative votes with (close - v) / close; close / v - 1 orders rows the same way, which is all a tree sees.
    features.push({ name: ind.id, indicator: ind.name, params: ind.params, output: ind.output, transform: ind.transform === 'price_relative' ? 'dist' : 'raw', timeframe: ind.timeframe });
  }
  return { name: `pack:${spec.pack.namespace}@${spec.pack.version}`, version: 1, features };
}

/** Compile the pack's features over `bars` (coarser indicator timeframes are resampled and joined as of their close). */
export function runFeatures(spec: ModelSpec, bars: BarSeries): FeatureMatrix {
  const set = packFeatureSet(spec);
  const frames = new Map<Timeframe, BarSeries>([[bars.timeframe, bars]]);
  for (const f of set.features) {
    const tf = f.timeframe ?? bars.timeframe;
    if (!frames.has(tf)) frames.set(tf, resample(bars, tf));
  }
  return compileFeatureSet(set, frames, bars.timeframe);
}

/** First row from which every column is a finite number (the end of the warm-up); nRows when none. */
export function firstCompleteRow(m: FeatureMatrix): number {
  const n = m.nRows;
  const p = m.columns.length;
  let start = 0;
  for (let j = 0; j < p; j++) {
    const col = m.data.subarray(j * n, (j + 1) * n);
    let i = start;
    while (i < n && !Number.isFinite(col[i]!)) i++;
    // A gap after the warm-up (rare) is left to the trees' missing-value branch.
    start = Math.max(start, i);
  }
  return start;
}
