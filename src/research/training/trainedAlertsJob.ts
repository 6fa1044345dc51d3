/**
 * The live side of a published training: on each run (the scheduler's
 * `alerts.trained` job, after the close) every published training's symbol is
 * fetched, its trailing bars replayed through the alert engine (so the model's
 * crossing state is rebuilt from data, not from memory; the model scores only
 * the last two bars), and an alert on the latest bar is stored and returned. A bar alerts once: the last alerted bar
 * time per model is kept in the store.
 */
import type { Store } from '../../adapters/store/store.ts';
import type { Alert } from '../../core/alert.ts';
import { barAt } from '../../core/bar.ts';
import type { Clock } from '../../core/time.ts';
import { MS_PER_DAY, TIMEFRAME_MINUTES } from '../../core/time.ts';
import type { DataProvider } from '../../data/provider.ts';
import { AlertEngine } from '../../live/alerts/alertEngine.ts';
import { AlertStore } from '../../live/alerts/alertStore.ts';
import type { ConflictPolicy } from '../../live/alerts/conflicts.ts';
import { tradedSymbol } from '../../strategy/models/modelSpec.ts';
import { liveModelOf } from './liveModels.ts';
import { publishedTrainings } from './trainingStore.ts';

/** What the job needs. */
export interface TrainedAlertsDeps {
  store: Store;
  provider: DataProvider;
  clock: Clock;
  policy?: ConflictPolicy;
}

const lastKey = (modelId: string): string => `alerts.trained.last:${modelId}`;

/** Run once: the alerts stored for the latest bars of the published trainings. */
export async function runTrainedAlerts(d: TrainedAlertsDeps): Promise<Alert[]> {
  const out: Alert[] = [];
  for (const tr of await publishedTrainings(d.store)) {
    const { model, signal } = liveModelOf(tr);
    const spec = tr.plan.spec;
    // One engine per training: each replays its own symbol's history on its own timeframe.
    const engine = new AlertEngine([model], { policy: d.policy ?? 'highest-confidence', signals: new Map([[model.model_id, signal]]) });
    const now = d.clock.now();
    const barsNeeded = signal.bufferBars;
    const days = spec.timeframe === '1d' ? Math.ceil(barsNeeded * 1.5) + 10 : Math.ceil((barsNeeded * TIMEFRAME_MINUTES[spec.timeframe]) / 390 * 1.5) + 10;
    const bars = await d.provider.getBars({ symbol: tradedSymbol(spec), timeframe: spec.timeframe, start: now - days * MS_PER_DAY, end: now });
    const n = bars.time.length;
    if (n === 0) continue;
    const from = Math.max(0, n - barsNeeded);
    // The engine sees every bar (its ATR needs them); the model scores only the last two.
    signal.replay(() => {
      for (let t = from; t < n - 1; t++) engine.onBar(bars.symbol, barAt(bars, t));
    });
    const latest = engine.onBar(bars.symbol, barAt(bars, n - 1)).alerts;
    const lastTime = bars.time[n - 1]!;
    const seen = await d.store.getValue<number>(lastKey(model.model_id));
    if (latest.length === 0 || seen === lastTime) continue;
    await new AlertStore(d.store, d.clock).save({ alerts: latest, decisions: [] });
    await d.store.setValue(lastKey(model.model_id), lastTime);
    out.push(...latest);
  }
  return out;
}
