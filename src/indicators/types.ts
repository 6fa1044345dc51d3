/** Shared shapes of the indicator layer: streams, parameters, registry entries. */

/** One bar as the streaming forms see it (a `Bar` without its time is enough). */
export interface BarLike {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** Price fields an indicator may need. */
export type InputField = 'open' | 'high' | 'low' | 'close' | 'volume';

/** Column inputs of a batch computation (fields the indicator does not need may be absent). */
export type Columns = Partial<Record<InputField, Float64Array>> & { close: Float64Array; time?: Float64Array };

/**
 * The common streaming interface: feed bars one at a time; `values` holds the
 * latest value of every output (NaN during warm-up), in registry output order.
 */
export interface IndicatorStream {
  /** Consume one bar; returns the first output's value. */
  update(bar: BarLike): number;
  /** True once every output has left its warm-up. */
  readonly isStable: boolean;
  /** Latest values, one per output. */
  readonly values: Float64Array;
}

/** One numeric parameter with its default and bounds. */
export interface ParamSpec {
  name: string;
  default: number;
  min: number;
  max?: number;
  integer: boolean;
  doc: string;
}

/** Resolved parameter values keyed by name. */
export type Params = Readonly<Record<string, number>>;

/** A registry entry: everything a caller needs to run, list or audit one indicator. */
export interface IndicatorDef {
  name: string;
  doc: string;
  params: readonly ParamSpec[];
  inputs: readonly InputField[];
  outputs: readonly string[];
  /** Index of the first bar at which every output has a value (bars of warm-up). */
  warmup(p: Params): number;
  /**
   * Batch form: columns in, one Float64Array per output (NaN during warm-up).
   * `shared` (optional) supplies intermediate series of these same columns
   * computed once for several indicators (e.g. one-bar log returns).
   */
  batch(cols: Columns, p: Params, shared?: SharedSeries): Float64Array[];
  /** Streaming form giving the same numbers as `batch`. */
  stream(p: Params): IndicatorStream;
}

/** Intermediate series of one set of columns, computed on first use and reused by every indicator of a batch run. */
export interface SharedSeries {
  /** Natural log of close. */
  logPrices(): Float64Array;
  /** One-bar log returns of close, log(c[t]) - log(c[t-1]) (NaN on the first bar). */
  logReturns(): Float64Array;
}
