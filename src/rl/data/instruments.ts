/**
 * Splits a concatenated `data/final` table back into one series per (instrument, timeframe),
 * rows ordered by date, so environments and MAML tasks can be built from it.
 */
import { BadInputError } from '../../core/errors.ts';
import { parseTimestamp } from '../../core/time.ts';
import type { FinalTable } from './finalData.ts';
import type { InstrumentSeries } from './sampleDatasets.ts';

/** One series per (instrument, timeframe) of the table; needs a `close` column. */
export function instrumentsFromFinal(t: FinalTable): InstrumentSeries[] {
  const close = t.numeric.get('close');
  if (!close) throw new BadInputError(`data/final: no numeric close column (columns: ${t.columns.join(', ')})`);
  const txt = (c: string): string[] | undefined => t.text.get(c);
  const inst = txt('instrument') ?? txt('symbol');
  const type = txt('instrument_type') ?? txt('type');
  const tf = txt('timeframe');
  const date = txt('date') ?? txt('time') ?? txt('timestamp');
  const groups = new Map<string, number[]>();
  for (let i = 0; i < t.rows; i++) {
    if (!(close[i]! > 0)) continue;
    const key = `${inst?.[i] ?? 'SERIES'}\u0000${tf?.[i] || '1d'}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  }
  const out: InstrumentSeries[] = [];
  for (const [key, idx] of groups) {
    const [name, timeframe] = key.split('\u0000') as [string, string];
    const times = idx.map((i) => (date ? parseTimestamp(date[i]!) : i));
    const order = idx.map((_, k) => k).sort((a, b) => times[a]! - times[b]!);
    const col = (c: string, fallback: Float64Array | null): Float64Array => {
      const src = t.numeric.get(c) ?? fallback;
      return Float64Array.from(order, (k) => (src ? src[idx[k]!]! : NaN));
    };
    const cl = col('close', null);
    const fill = (a: Float64Array): Float64Array => a.map((v, i) => (v > 0 ? v : cl[i]!));
    out.push({
      instrument: name, type: type?.[idx[0]!] || 'unknown', timeframe,
      time: Float64Array.from(order, (k) => times[k]!), open: fill(col('open', cl)), high: fill(col('high', cl)), low: fill(col('low', cl)), close: cl, volume: col('volume', null),
    });
  }
  return out;
}
