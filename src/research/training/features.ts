/**
 * The feature matrix a trained pack model reads: the pack's named features
 * (from the default feature set), each pack indicator's raw vote, and the
 * pack's score with its trailing rank. Every column at bar t uses bars <= t
 * only, so the live alert path computes the same values on a trailing buffer.
 */
import type { BarSeries } from '../../core/bar.ts';
import { BadInputError } from '../../core/errors.ts';
import { defaultFeatureSet } from '../../features/defaultSet.ts';
import { compileFeatureSet } from '../../features/featureSet.ts';
import type { Matrix } from '../../ml/data.ts';
import { simInstrument } from '../../strategy/packs/evaluate.ts';
import { indicatorVote, packScore } from '../../strategy/packs/score.ts';
import type { ModelSpec } from '../../strategy/models/modelSpec.ts';

/** Features of every bar of a series, column-major, in `columns` order. */
export interface FeatureBlock extends Matrix {
  columns: string[];
}

/** Column names a spec's model reads, in matrix order. */
export function featureColumns(spec: ModelSpec): string[] {
  return [...spec.features, ...spec.indicators.map((i) => `vote_${i.id}`), 'pack_score', 'pack_score_rank'];
}

/** Compute the features of every bar; `rankWindow` is the configuration's score window. */
export function trainingFeatures(spec: ModelSpec, bars: BarSeries, rankWindow: number): FeatureBlock {
  const n = bars.close.length;
  const columns = featureColumns(spec);
  const data = new Float64Array(columns.length * n);
  if (spec.features.length > 0) {
    const wanted = new Set(spec.features);
    const set = defaultFeatureSet(spec.timeframe);
    const fs = { name: `${spec.pack.namespace}-features`, version: 1, features: set.features.filter((f) => wanted.has(f.name)) };
    const m = compileFeatureSet(fs, bars);
    for (const [j, name] of spec.features.entries()) {
      const k = m.columns.indexOf(name);
      if (k < 0) throw new BadInputError(`${spec.name}: feature "${name}" cannot be computed on these bars (${m.skipped.find((s) => s.name === name)?.reason ?? 'not in the default feature set'})`);
      data.set(m.data.subarray(k * n, (k + 1) * n), j * n);
    }
  }
  let j = spec.features.length;
  for (const ind of spec.indicators) data.set(indicatorVote(ind, bars), j++ * n);
  // Short stock and put models score bearish setups high, as the simulator does.
  const score = packScore(spec.indicators, bars, rankWindow, simInstrument(spec).side === -1);
  data.set(score.score, j++ * n);
  data.set(score.scoreRank, j * n);
  return { columns, data, rows: n, cols: columns.length };
}
