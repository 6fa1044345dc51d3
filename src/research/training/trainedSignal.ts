/**
 * A published training's booster as a live signal: each bar is appended to the
 * symbol's trailing buffer, the model's features are computed on the buffer
 * (the same code as training, so bar t sees bars <= t only) and the last row is
 * scored. It signals when the win probability crosses the configuration's
 * threshold from below (once per crossing, like the sweep's `cross` entries).
 */
import type { Bar } from '../../core/bar.ts';
import { seriesFromBars } from '../../core/bar.ts';
import type { Action } from '../../core/signal.ts';
import type { BarSignal } from '../../live/alerts/barSignal.ts';
import { gbdtPredict, type GbdtModel } from '../../ml/tree/gbdt.ts';
import type { ModelSpec } from '../../strategy/models/modelSpec.ts';
import { simInstrument, warmupBars } from '../../strategy/packs/evaluate.ts';
import { trainingFeatures } from './features.ts';

/** Options of a trained signal. */
export interface TrainedSignalOptions {
  spec: ModelSpec;
  /** Score window of the trained configuration. */
  rankWindow: number;
  model: GbdtModel;
  threshold: number;
  /** Bars kept per symbol (default: the model's warm-up plus 500, enough for averages to forget their start). */
  maxBars?: number;
}

interface SymbolBuffer {
  bars: Bar[];
  prev: number;
}

/** Win probability of the model's side on each bar, as BUY (long, calls) or SELL (short, puts) signals. */
export class TrainedSignal implements BarSignal {
  private readonly buffers = new Map<string, SymbolBuffer>();
  private readonly maxBars: number;
  private readonly action: Action;
  private quiet = false;

  /** Bars kept per symbol (what a replay needs to rebuild the state). */
  get bufferBars(): number {
    return this.maxBars;
  }

  constructor(private readonly o: TrainedSignalOptions) {
    this.maxBars = o.maxBars ?? warmupBars({ ...o.spec, params: { ...o.spec.params, rank_window: o.rankWindow } }) + 500;
    this.action = simInstrument(o.spec).side === 1 ? 'BUY' : 'SELL';
  }

  /** The model's probability for the latest bar of `symbol` after adding `bar` (NaN during warm-up). */
  probability(symbol: string, bar: Bar): number {
    return this.score(symbol, this.push(symbol, bar));
  }

  /**
   * Feed bars without scoring each (a replay that rebuilds the history), then
   * score each symbol's last bar once as the crossing reference. Features are
   * causal, so this equals scoring every bar as it came.
   */
  replay(run: () => void): void {
    this.quiet = true;
    try {
      run();
    } finally {
      this.quiet = false;
    }
    for (const [symbol, b] of this.buffers) b.prev = this.score(symbol, b);
  }

  private push(symbol: string, bar: Bar): SymbolBuffer {
    let b = this.buffers.get(symbol);
    if (!b) this.buffers.set(symbol, (b = { bars: [], prev: NaN }));
    b.bars.push(bar);
    if (b.bars.length > this.maxBars) b.bars.splice(0, b.bars.length - this.maxBars);
    return b;
  }

  private score(symbol: string, b: SymbolBuffer): number {
    const s = seriesFromBars(symbol, this.o.spec.timeframe, b.bars);
    const f = trainingFeatures(this.o.spec, s, this.o.rankWindow);
    const last = f.rows - 1;
    // The pack score is NaN until every indicator votes: no probability before the model's inputs exist.
    const scoreCol = f.columns.indexOf('pack_score');
    if (!(f.data[scoreCol * f.rows + last]! === f.data[scoreCol * f.rows + last]!)) return NaN;
    const row = new Float64Array(f.cols);
    for (let j = 0; j < f.cols; j++) row[j] = f.data[j * f.rows + last]!;
    return gbdtPredict(this.o.model, { data: row, rows: 1, cols: f.cols })[0]!;
  }

  onBar(symbol: string, bar: Bar): { action: Action; confidence: number } | null {
    const b = this.push(symbol, bar);
    if (this.quiet) return null;
    const p = this.score(symbol, b);
    const crossed = p >= this.o.threshold && !(b.prev >= this.o.threshold);
    b.prev = p;
    return crossed ? { action: this.action, confidence: p } : null;
  }
}
