/** What the pipeline needs from trained models: the ensemble decider and one predictor per timeframe. */
import type { BarSeries } from '../../core/bar.ts';
import type { Timeframe } from '../../core/time.ts';
import type { CrossSectionSpec } from './crossSection.ts';

/** A calibrated classifier of "a trade entered now is profitable", over named feature columns. */
export interface EnsembleDecider {
  readonly columns: readonly string[];
  /** F1-optimised probability cut for BUY. */
  readonly threshold: number;
  /** Holding period of the training trades, in daily bars. */
  readonly horizonDays: number;
  /** Mean net return of the winning and of the losing training trades (for expected return). */
  readonly avgWin: number;
  readonly avgLoss: number;
  /** Members and market the cross-section columns are computed against (undefined: those columns are NaN). */
  readonly crossSection?: CrossSectionSpec;
  /** Calibrated P(profitable) for each row of a column-major matrix with `columns`. */
  predictProba(data: Float64Array, rows: number): Float64Array;
}

/** One timeframe's next-close forecast. */
export interface TimeframePrediction {
  predicted_price: number;
  /** P(the direction of the forecast is right), from the validation error of the model. */
  confidence: number;
  /** predicted_price / last close - 1. */
  expected_return: number;
  last_close: number;
  /** Time of the last bar the forecast used (ISO). */
  as_of: string;
}

/** A sequence model for one timeframe. */
export interface TimeframePredictor {
  readonly timeframe: Timeframe;
  /** Bars per input window. */
  readonly window: number;
  /** Forecast from the last `window` bars of `s`; null when `s` is too short. */
  predict(s: BarSeries): TimeframePrediction | null;
}

/** The trained set the scan runs with. */
export interface ScanModels {
  version: string;
  ensemble: EnsembleDecider;
  predictors: Partial<Record<Timeframe, TimeframePredictor>>;
}
