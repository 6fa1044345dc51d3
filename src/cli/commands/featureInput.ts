/** Shared input handling of the indicators, features and audit commands: read a CSV through the data layer, build coarser frames. */
import type { BarSeries } from '../../core/bar.ts';
import { BadInputError } from '../../core/errors.ts';
import { isTimeframe, TIMEFRAME_MINUTES, Timeframes, type Timeframe } from '../../core/time.ts';
import { resample, type SessionMode } from '../../data/resample.ts';
import type { FrameBuilder } from '../../features/lookaheadAudit.ts';
import { loadCsvSeries } from '../../data/loadCsv.ts';

/** Read the file's series through the data layer (parsed, validated; timeframe inferred from the timestamps). */
export function readSeries(path: string): BarSeries[] {
  return loadCsvSeries(path, { symbol: 'CSV' });
}

/** Parse `--timeframes 1m,5m,1h`; every entry must be a known timeframe. */
export function parseTimeframes(raw: string | undefined): Timeframe[] {
  if (!raw) return [];
  const out: Timeframe[] = [];
  for (const t of raw.split(',').map((x) => x.trim()).filter(Boolean)) {
    if (!isTimeframe(t)) throw new BadInputError(`--timeframes: unknown timeframe "${t}" (known: ${Timeframes.join(', ')})`);
    out.push(t);
  }
  return out;
}

/** Frames for the base series plus every coarser timeframe asked for, resampled from the base bars. */
export function frameBuilder(timeframes: readonly Timeframe[], session: SessionMode): FrameBuilder {
  return (base: BarSeries) => {
    const m = new Map<Timeframe, BarSeries>([[base.timeframe, base]]);
    for (const tf of timeframes) {
      if (TIMEFRAME_MINUTES[tf] <= TIMEFRAME_MINUTES[base.timeframe]) continue;
      m.set(tf, resample(base, tf, { session }));
    }
    return m;
  };
}

/** Coarser timeframes of the list, relative to the base. */
export function coarserThan(base: Timeframe, timeframes: readonly Timeframe[]): Timeframe[] {
  return timeframes.filter((t) => TIMEFRAME_MINUTES[t] > TIMEFRAME_MINUTES[base]);
}
