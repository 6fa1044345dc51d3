import type { Store } from '../../adapters/store/store.ts';
import type { StockAlert } from '../../core/alert.ts';
import { BadInputError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import type { Logger } from '../../core/log.ts';
import type { Clock } from '../../core/time.ts';
import type { DataProvider } from '../../data/provider.ts';
import { alertId } from '../../live/alerts/alertId.ts';
import { parseAlert } from '../../live/alerts/alertSchema.ts';
import { AlertStore } from '../../live/alerts/alertStore.ts';
import type { Confirmation, ConfirmationService } from '../../live/confirm/confirmations.ts';
import { agentDataRows, loadAgentData } from './agentData.ts';
import { agentFeatures, featureRow } from './agentFeatures.ts';
import { agentModelDir, loadAgentModels } from './agentModels.ts';
import { decideSignal, type AgentSignal } from './agentSignal.ts';

/** What one agent run needs; every outside thing is passed in (tests give fakes and a simulated clock). */
export interface AgentDeps {
  store: Store;
  clock: Clock;
  provider: DataProvider;
  confirmations: ConfirmationService;
  /** MODEL_DIR; the agent's registry is MODEL_DIR/agent/<symbol>. */
  modelDir: string;
  /** SIGNAL_CONFIDENCE_THRESHOLD. */
  threshold: number;
  logger?: Logger;
}

/** Per-run choices. */
export interface AgentRunOptions {
  symbol: string;
  /** Shares per trade (default 1). */
  quantity?: number;
  /** Fire drill: force BUY or SELL through the whole loop, recorded as a drill. */
  signal?: 'BUY' | 'SELL';
  /** Calendar days of history to load (default 600: the SMA-200 plus the LSTM window). */
  historyDays?: number;
  /** Minutes the alert stays valid (default 60). */
  validMinutes?: number;
}

/** What a run did: the prediction, the alert (when confident enough) and the pending confirmation. */
export interface AgentRunResult {
  prediction_id: string;
  drill: boolean;
  prediction: AgentSignal;
  models: { classifier: ModelUse; lstm: ModelUse; registry: string; version: number | null };
  warnings: string[];
  alert: StockAlert | null;
  /** Why no alert was raised, when none was. */
  no_alert_reason: string | null;
  confirmation_id: string | null;
  confirmation: Confirmation | null;
  /** The SMS text sent, when one was. */
  text: string | null;
}

interface ModelUse {
  kind: string;
  version: number | null;
  path: string | null;
}

/**
 * One run of the agent: data (with the VIX as of each bar) -> features -> the
 * 3-vote -> a signal; when it is BUY or SELL with confidence at or above the
 * threshold (or a drill), an alert and a confirmation request (the SMS). Every
 * step is appended to the store with the prediction id as correlation id, so
 * `readPredictionTrail` can gather it all. The order itself is placed later, by
 * the confirmation service on YES, through the order gate.
 */
export async function runAgent(deps: AgentDeps, opts: AgentRunOptions): Promise<AgentRunResult> {
  const symbol = opts.symbol.trim().toUpperCase();
  if (!/^[A-Z0-9.^-]{1,15}$/.test(symbol)) throw new BadInputError(`symbol must be a ticker like TQQQ, got ${JSON.stringify(opts.symbol)}`, { field: 'symbol' });
  const quantity = opts.quantity ?? 1;
  if (!(quantity > 0) || !Number.isFinite(quantity)) throw new BadInputError(`quantity must be a positive number, got ${quantity}`, { field: 'quantity' });
  const { store, clock, logger } = deps;
  const drill = opts.signal !== undefined;
  const predictionId = uuidv7(clock.now());
  const log = (type: string, payload: unknown): Promise<unknown> => store.append({ type, subject: symbol, correlationId: predictionId, payload, time: clock.now() });

  const data = await loadAgentData(deps.provider, symbol, clock.now(), opts.historyDays ?? 600);
  await log('agent.data', { symbol, provider: data.provider, start: new Date(data.start).toISOString(), end: new Date(data.end).toISOString(), bars: agentDataRows(data) });

  const m = agentFeatures(data);
  const last = m.nRows - 1;
  await log('agent.features', { set: m.set, hash: m.hash, columns: m.columns, bar_time: new Date(m.time[last]!).toISOString(), snapshot: featureRow(m, last) });

  const registry = agentModelDir(deps.modelDir, symbol);
  const loaded = loadAgentModels(registry, { m, i: last });
  for (const w of loaded.warnings) logger?.warn({ prediction_id: predictionId, symbol }, w);
  const use = (b: typeof loaded.classifier): ModelUse => ({ kind: b.kind, version: b.version, path: b.path });
  const models = { classifier: use(loaded.classifier), lstm: use(loaded.lstm), registry, version: loaded.metadata?.version ?? null };
  await log('agent.models', { ...models, name: loaded.metadata?.name ?? null, created_at: loaded.metadata?.createdAt ?? null, feature_set_hash: loaded.metadata?.featureSetHash ?? null, warnings: loaded.warnings });

  const signal = decideSignal(symbol, m, data.bars.close, [loaded.classifier, loaded.lstm], opts.signal);
  await log('agent.prediction', { ...signal, drill, threshold: deps.threshold });
  logger?.info({ event: 'agent.prediction', prediction_id: predictionId, model_version: models.version, features: featureRow(m, last), action: signal.action, confidence: signal.confidence, drill }, signal.line);

  const result: AgentRunResult = { prediction_id: predictionId, drill, prediction: signal, models, warnings: loaded.warnings, alert: null, no_alert_reason: null, confirmation_id: null, confirmation: null, text: null };
  if (signal.action === 'HOLD') result.no_alert_reason = 'the ensemble says HOLD';
  else if (!drill && signal.confidence < deps.threshold) result.no_alert_reason = `confidence ${signal.confidence.toFixed(3)} is below SIGNAL_CONFIDENCE_THRESHOLD ${deps.threshold}`;
  if (result.no_alert_reason !== null) {
    await log('agent.no_alert', { reason: result.no_alert_reason });
    return result;
  }
  const action = signal.action as 'BUY' | 'SELL';

  const now = clock.now();
  const atrJ = m.columns.indexOf('atr_14');
  const atr = atrJ >= 0 ? m.data[atrJ * m.nRows + last]! * signal.close : NaN;
  const dir = action === 'BUY' ? 1 : -1;
  const stop = Number.isFinite(atr) && signal.close - dir * 2 * atr > 0 ? round2(signal.close - dir * 2 * atr) : null;
  const target = Number.isFinite(atr) && signal.close + dir * 3 * atr > 0 ? round2(signal.close + dir * 3 * atr) : null;
  const alert = parseAlert({
    alert_id: alertId(now),
    timestamp: new Date(now).toISOString(),
    model_id: `agent-ensemble:${symbol}@${models.version === null ? 'fallback' : `v${models.version}`}`,
    action,
    instrument: 'stock',
    ticker: symbol,
    quantity,
    confidence: signal.confidence,
    entry_price: signal.close,
    stop_loss: stop,
    take_profit: target,
    urgency: drill ? 'low' : signal.confidence >= 0.8 ? 'high' : 'normal',
    valid_until: new Date(now + (opts.validMinutes ?? 60) * 60_000).toISOString(),
  }) as StockAlert;
  await new AlertStore(store, clock).save({ alerts: [alert], decisions: [] });
  await log('agent.alert', alert);
  result.alert = alert;

  const { confirmation, text } = await deps.confirmations.request({ symbol, action, confidence: signal.confidence, quantity, predictionId, alertId: alert.alert_id, drill });
  result.confirmation = confirmation;
  result.confirmation_id = confirmation.id;
  result.text = text;
  return result;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
