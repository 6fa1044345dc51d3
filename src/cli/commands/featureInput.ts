/** Shared input handling of the indicators, features and audit commands: read a CSV, infer its timeframe, build coarser frames. */
import type { BarSeries } from '../../core/bar.ts';
import { BadInputError } from '../../core/errors.ts';
import { isTimeframe, TIMEFRAME_MINUTES, Timeframes, MS_PER_MINUTE, type Timeframe } from '../../core/time.ts';
import { resample, type SessionMode } from '../../data/resample.ts';
import type { FrameBuilder } from '../../features/lookaheadAudit.ts';
import { readBarsCsv } from '../../features/readBarsCsv.ts';

/** The timeframe whose bar length is closest to the median spacing of the timestamps (daily when unclear). */
export function inferTimeframe(time: Float64Array): Timeframe {
  if (time.length < 2) return '1d';
  const d: number[] = [];
  for (let i = 1; i < Math.min(time.length, 2001); i++) d.push(time[i]! - time[i - 1]!);
  d.sort((a, b) => a - b);
  const med = d[d.length >> 1]! / MS_PER_MINUTE;
  if (med >= 720) return '1d';
  let best: Timeframe = '1m';
  for (const tf of Timeframes) if (Math.abs(Math.log(TIMEFRAME_MINUTES[tf] / med)) < Math.abs(Math.log(TIMEFRAME_MINUTES[best] / med))) best = tf;
  return best;
}

/** Read the file's series with their timeframe inferred from the timestamps. */
export function readSeries(path: string): BarSeries[] {
  const first = readBarsCsv(path, '1d');
  const tf = inferTimeframe(first[0]!.time);
  return tf === '1d' ? first : first.map((s) => ({ ...s, timeframe: tf }));
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
