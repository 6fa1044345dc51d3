/**
 * Stage 3: the feature vector of one symbol at the signal time: the feature
 * module's default set (98 features on daily OHLCV, fewer on close-only data;
 * it already holds the scanner's momentum components) plus the scanner's score
 * and trend, plus the cross-sectional, market and relative columns of
 * crossSection.ts. The model side maps columns by name, so a skipped feature is NaN.
 */
import type { BarSeries } from '../../core/bar.ts';
import { compileFeatureSet, type FeatureMatrix } from '../../features/featureSet.ts';
import { defaultFeatureSet } from '../../features/defaultSet.ts';
import { CROSS_SECTION_COLUMNS } from './crossSection.ts';
import { TREND_LABELS, type ScanRow } from './scanner.ts';

/** Columns the scan adds after the feature set's. */
export const SCAN_EXTRA_COLUMNS = ['scan_score', 'scan_trend'] as const;

/** Every column name of the scan feature vector, in order (the default set's full list first, then the scan's, then the cross-section's). */
export function scanFeatureColumns(): string[] {
  return [...defaultFeatureSet('1d').features.map((f) => f.name), ...SCAN_EXTRA_COLUMNS, ...CROSS_SECTION_COLUMNS];
}

const XS_INDEX = new Map(CROSS_SECTION_COLUMNS.map((c, k) => [c, k]));

/** The scanner's values and the cross-section row (CROSS_SECTION_COLUMNS order; absent = NaN) of one bar. */
export interface ScanExtras {
  score: number;
  trend: number;
  xs?: ArrayLike<number>;
}

/** Trend label as a number: +2 strong up ... -2 strong down. */
export function trendCode(t: ScanRow['trend']): number {
  return 2 - TREND_LABELS.indexOf(t);
}

/** The daily feature matrix of a series (every row; row i sees bars <= i only). */
export function dailyFeatureMatrix(daily: BarSeries): FeatureMatrix {
  return compileFeatureSet(defaultFeatureSet('1d'), daily);
}

/**
 * Row `i` of a feature matrix laid out in `columns` order (NaN for a column the
 * matrix lacks), with the scanner's score and trend code and the cross-section in the extra columns.
 */
export function featureRow(m: FeatureMatrix, i: number, columns: readonly string[], scan: ScanExtras, out = new Float64Array(columns.length)): Float64Array {
  const at = new Map(m.columns.map((c, j) => [c, j]));
  for (let k = 0; k < columns.length; k++) {
    const name = columns[k]!;
    if (name === 'scan_score') out[k] = scan.score;
    else if (name === 'scan_trend') out[k] = scan.trend;
    else if (XS_INDEX.has(name)) out[k] = scan.xs ? scan.xs[XS_INDEX.get(name)!]! : NaN;
    else {
      const j = at.get(name);
      out[k] = j === undefined ? NaN : m.data[j * m.nRows + i]!;
    }
  }
  return out;
}
