/**
 * Published trainings as live alert models: each becomes a PublishedModel with
 * a `trained` rule on the traded symbol and a TrainedSignal over its stored
 * booster (the registry refuses a feature order that differs from the live one).
 */
import type { Store } from '../../adapters/store/store.ts';
import { TIMEFRAME_MINUTES } from '../../core/time.ts';
import { AlertEngine, type AlertEngineOptions } from '../../live/alerts/alertEngine.ts';
import type { BarSignal } from '../../live/alerts/barSignal.ts';
import { PublishedModelSchema, type PublishedModel } from '../../live/alerts/publishedModel.ts';
import { ModelRegistry } from '../../ml/artifacts/registry.ts';
import { gbdtFromJson, type GbdtJson } from '../../ml/tree/gbdt.ts';
import { tradedSymbol } from '../../strategy/models/modelSpec.ts';
import { featureColumns } from './features.ts';
import { publicationOf } from './publishTraining.ts';
import type { TrainingResult } from './runTraining.ts';
import { TrainedSignal } from './trainedSignal.ts';
import { publishedTrainings, type TrainingRecord } from './trainingStore.ts';

/** The alert model id of a training. */
export function trainedModelId(trainingId: string): string {
  return `training:${trainingId}`;
}

/** One published training as an alert model and its signal. */
export function liveModelOf(tr: TrainingRecord, more: Partial<PublishedModel> = {}): { model: PublishedModel; signal: TrainedSignal } {
  const pub = publicationOf(tr);
  if (tr.status !== 'published' || !pub) throw new Error(`training ${tr.id} is ${tr.status}, not published`);
  const cfg = (tr.result as TrainingResult).configs[pub.config]!;
  const spec = tr.plan.spec;
  const { json } = new ModelRegistry(tr.dir).load(featureColumns(spec), pub.version);
  const signal = new TrainedSignal({ spec, rankWindow: cfg.params.rank_window, model: gbdtFromJson(json.classifier as GbdtJson), threshold: cfg.alert_threshold });
  const model = PublishedModelSchema.parse({
    model_id: trainedModelId(tr.id),
    rule: { kind: 'trained', training_id: tr.id, threshold: cfg.alert_threshold },
    symbols: [tradedSymbol(spec)],
    instrument: spec.instrument === 'option' ? 'option' : 'stock',
    // An alert stays actionable for two of the model's bars.
    valid_minutes: 2 * (spec.timeframe === '1d' ? 24 * 60 : TIMEFRAME_MINUTES[spec.timeframe]),
    ...more,
  });
  return { model, signal };
}

/** Every published training's alert model and signal. */
export async function loadLiveModels(store: Store): Promise<{ models: PublishedModel[]; signals: Map<string, BarSignal> }> {
  const models: PublishedModel[] = [];
  const signals = new Map<string, BarSignal>();
  for (const tr of await publishedTrainings(store)) {
    const { model, signal } = liveModelOf(tr);
    models.push(model);
    signals.set(model.model_id, signal);
  }
  return { models, signals };
}

/** An alert engine over the published trainings plus any rule-based models. */
export async function liveAlertEngine(store: Store, opts: AlertEngineOptions, ruleModels: readonly PublishedModel[] = []): Promise<AlertEngine> {
  const { models, signals } = await loadLiveModels(store);
  return new AlertEngine([...ruleModels, ...models], { ...opts, signals: new Map([...(opts.signals ?? []), ...signals]) });
}
