/**
 * Every stored prediction is later compared with what happened: once the
 * label horizon has passed, the close `horizon` daily bars after the signal
 * bar is read and a `scan.outcome` event records the realised return and
 * whether the decision was right (BUY up, SELL down; HOLD is not scored).
 */
import type { Store } from '../../adapters/store/store.ts';
import { MS_PER_DAY } from '../../core/time.ts';
import type { DataProvider } from '../../data/provider.ts';
import { upperBound } from '../../data/range.ts';
import type { ScanSignal } from './pipeline.ts';

/** One recorded comparison. */
export interface ScanOutcome {
  prediction_id: string;
  symbol: string;
  decision: ScanSignal['decision'];
  probability: number;
  expected_return: number;
  signal_time: string;
  exit_time: string;
  realized_return: number;
  /** null for HOLD. */
  hit: boolean | null;
}

/** Summary of one pass. */
export interface OutcomeReport {
  checked: number;
  recorded: ScanOutcome[];
  pending: number;
  failed: { prediction_id: string; error: string }[];
  /** Hit rate of BUY/SELL outcomes recorded so far (all passes), null when none. */
  hit_rate: number | null;
}

/** Record outcomes of predictions whose horizon (daily bars) has passed by `now`. */
export async function recordOutcomes(store: Store, provider: DataProvider, now: number, horizon = 5): Promise<OutcomeReport> {
  const preds = await store.events({ type: 'scan.prediction' });
  const done = await store.events({ type: 'scan.outcome' });
  const seen = new Set(done.map((e) => e.correlationId));
  const recorded: ScanOutcome[] = [];
  const failed: OutcomeReport['failed'] = [];
  let pending = 0;
  for (const e of preds) {
    const s = e.payload as ScanSignal;
    if (seen.has(s.prediction_id)) continue;
    const t = Date.parse(s.signal_time);
    try {
      const bars = await provider.getBars({ symbol: s.symbol, timeframe: '1d', start: t - 10 * MS_PER_DAY, end: now });
      // The signal bar is the last daily bar stamped at or before the signal time.
      const i = upperBound(bars.time, t) - 1;
      const j = i + horizon;
      if (i < 0 || j >= bars.close.length) {
        pending++;
        continue;
      }
      const realized = bars.close[j]! / bars.close[i]! - 1;
      const hit = s.decision === 'HOLD' ? null : s.decision === 'BUY' ? realized > 0 : realized < 0;
      recorded.push({
        prediction_id: s.prediction_id,
        symbol: s.symbol,
        decision: s.decision,
        probability: s.probability,
        expected_return: s.expected_return,
        signal_time: s.signal_time,
        exit_time: new Date(bars.time[j]!).toISOString(),
        realized_return: realized,
        hit,
      });
    } catch (err) {
      failed.push({ prediction_id: s.prediction_id, error: err instanceof Error ? err.message : String(err) });
    }
  }
  if (recorded.length > 0) await store.append(recorded.map((o) => ({ type: 'scan.outcome', subject: o.symbol, correlationId: o.prediction_id, payload: o })));
  const all = [...done.map((e) => e.payload as ScanOutcome), ...recorded].filter((o) => o.hit !== null);
  return { checked: preds.length, recorded, pending, failed, hit_rate: all.length === 0 ? null : all.filter((o) => o.hit).length / all.length };
}
