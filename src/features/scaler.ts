/** Column scalers (standard, robust) fitted on training rows only, then applied to any rows. */
import { BadInputError } from '../core/errors.ts';
import type { FeatureMatrix } from './featureSet.ts';

/** Fitted per-column centre and scale; serialisable as JSON next to a model. */
export interface ScalerParams {
  kind: 'standard' | 'robust';
  columns: string[];
  center: number[];
  scale: number[];
}

function trainValues(m: FeatureMatrix, j: number, rows: Int32Array | readonly number[]): Float64Array {
  const col = m.data.subarray(j * m.nRows, (j + 1) * m.nRows);
  const v = new Float64Array(rows.length);
  let k = 0;
  for (let r = 0; r < rows.length; r++) {
    const x = col[rows[r]!]!;
    if (Number.isFinite(x)) v[k++] = x;
  }
  return v.subarray(0, k);
}

function quantileSorted(s: Float64Array, q: number): number {
  if (s.length === 0) return NaN;
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

/**
 * Fit a scaler on the given training rows only (NaN ignored): standard = mean and
 * population sd; robust = median and interquartile range. A zero scale becomes 1.
 */
export function fitScaler(m: FeatureMatrix, trainRows: Int32Array | readonly number[], kind: 'standard' | 'robust' = 'standard'): ScalerParams {
  for (let r = 0; r < trainRows.length; r++) {
    const i = trainRows[r]!;
    if (!Number.isInteger(i) || i < 0 || i >= m.nRows) throw new BadInputError(`training row ${i} is outside 0..${m.nRows - 1}`);
  }
  const center: number[] = [];
  const scale: number[] = [];
  for (let j = 0; j < m.columns.length; j++) {
    const v = trainValues(m, j, trainRows);
    let c: number;
    let s: number;
    if (kind === 'standard') {
      let mean = 0;
      for (let i = 0; i < v.length; i++) mean += (v[i]! - mean) / (i + 1);
      let ss = 0;
      for (let i = 0; i < v.length; i++) ss += (v[i]! - mean) * (v[i]! - mean);
      c = v.length > 0 ? mean : NaN;
      s = v.length > 0 ? Math.sqrt(ss / v.length) : NaN;
    } else {
      const sorted = Float64Array.from(v).sort();
      c = quantileSorted(sorted, 0.5);
      s = quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25);
    }
    center.push(c);
    scale.push(s === 0 || !Number.isFinite(s) ? 1 : s);
  }
  return { kind, columns: m.columns.slice(), center, scale };
}

/** Apply fitted parameters: (x - centre) / scale, column by column, into a new matrix. */
export function applyScaler(m: FeatureMatrix, p: ScalerParams): FeatureMatrix {
  if (p.columns.length !== m.columns.length || p.columns.some((c, j) => c !== m.columns[j])) {
    throw new BadInputError('scaler columns differ from the matrix columns (refit the scaler on this feature set)');
  }
  const data = new Float64Array(m.data.length);
  const n = m.nRows;
  for (let j = 0; j < m.columns.length; j++) {
    const c = p.center[j]!;
    const inv = 1 / p.scale[j]!;
    for (let i = j * n; i < (j + 1) * n; i++) data[i] = (m.data[i]! - c) * inv;
  }
  return { ...m, data };
}
