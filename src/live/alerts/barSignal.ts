/** A model that turns a symbol's bars into entry signals (a published training's booster, for instance). */
import type { Bar } from '../../core/bar.ts';
import type { Action } from '../../core/signal.ts';

/** Fed every bar of the symbols its model watches, in time order; returns a signal on the bars that should alert. */
export interface BarSignal {
  onBar(symbol: string, bar: Bar): { action: Action; confidence: number } | null;
}
