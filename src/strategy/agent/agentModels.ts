/**
 * The agent's learned models and their rule-based fallback. Both models live in
 * one registry version under MODEL_DIR/agent/<symbol>: `classifier_vN.json`
 * (GBDT, P(bull)) and `lstm_vN.json` (regime LSTM, P(bull)), with metadata
 * naming the feature order. Each is loaded on its own: a missing or broken
 * artifact replaces only that model with FALLBACK_RULE and records a warning.
 */
import { join } from 'node:path';
import { binaryLabels } from '../../features/labels.ts';
import type { FeatureMatrix } from '../../features/featureSet.ts';
import { checkFeatureOrder, ModelRegistry, readJson, sha256, type ModelMetadata } from '../../ml/artifacts/registry.ts';
import type { Matrix } from '../../ml/data.ts';
import { gbdtFromJson, gbdtPredict, gbdtToJson, trainGbdt, type GbdtJson, type GbdtModel, type GbdtParams } from '../../ml/tree/gbdt.ts';
import { sigmoidScalar } from '../../ml/nn/ops.ts';
import { ErrorCode, TradepilotError } from '../../core/errors.ts';
import { AGENT_FEATURES, AGENT_WARMUP } from './agentFeatures.ts';
import { DEFAULT_REGIME_LSTM, RegimeLstm, trainRegimeLstm, type RegimeLstmFile, type RegimeLstmParams } from './regimeLstm.ts';

/** A model that gives P(bull) at a row of the agent's feature matrix. */
export interface BullModel {
  /** `classifier` or `lstm`: the slot in the ensemble. */
  role: 'classifier' | 'lstm';
  /** What actually answered: the trained model, or the fallback rule. */
  kind: 'gbdt' | 'regime-lstm' | 'fallback-rule';
  /** Registry version, null for the fallback. */
  version: number | null;
  /** Path of the artifact it was loaded from (null for the fallback). */
  path: string | null;
  pBull(m: FeatureMatrix, i: number): number;
}

/**
 * FALLBACK_RULE, used when a model cannot be loaded: P(bull) =
 * sigmoid(10 * dist_sma_200 + 5 * ret_21), i.e. trend (how far the close is
 * above its 200-day average) plus one-month momentum. At the average it gives
 * 0.5; 5% above the SMA-200 with a flat month gives 0.62. Missing inputs count as 0.
 */
export function fallbackPBull(m: FeatureMatrix, i: number): number {
  const v = (name: string): number => {
    const j = m.columns.indexOf(name);
    const x = j < 0 ? NaN : m.data[j * m.nRows + i]!;
    return Number.isFinite(x) ? x : 0;
  };
  return sigmoidScalar(10 * v('dist_sma_200') + 5 * v('ret_21'));
}

/** Where the agent's models for `symbol` live. */
export function agentModelDir(modelDir: string, symbol: string): string {
  return join(modelDir, 'agent', symbol.toLowerCase().replace(/[^a-z0-9._-]/g, '_'));
}

/** Horizon of the bull label: the close 21 bars (a month) later is higher. */
export const LABEL_HORIZON = 21;

/** Options of `trainAgentModels` (small, fast defaults). */
export interface AgentTrainOptions {
  gbdt?: Partial<GbdtParams>;
  lstm?: Partial<RegimeLstmParams>;
  /** Fraction of the usable rows (the latest) held out for the reported accuracy. */
  holdout?: number;
}

/** Default GBDT for the classifier. */
export const AGENT_GBDT: Partial<GbdtParams> = { objective: 'binary', rounds: 40, learningRate: 0.1, maxDepth: 3, minChildWeight: 5, subsample: 0.8, colsample: 0.8, seed: 3 };

function rowsMatrix(m: FeatureMatrix, rows: readonly number[]): Matrix {
  const F = m.columns.length;
  const data = new Float64Array(rows.length * F);
  for (let j = 0; j < F; j++) for (let k = 0; k < rows.length; k++) data[j * rows.length + k] = m.data[j * m.nRows + rows[k]!]!;
  return { data, rows: rows.length, cols: F };
}

function accuracy(p: ArrayLike<number>, y: ArrayLike<number>): number | null {
  if (p.length === 0) return null;
  let hit = 0;
  for (let i = 0; i < p.length; i++) if ((p[i]! > 0.5 ? 1 : 0) === y[i]) hit++;
  return hit / p.length;
}

/**
 * Train the classifier (GBDT) and the regime LSTM on the bull label and save
 * both as one new registry version with metadata (feature order, data hash,
 * holdout accuracy). Training rows are those after the warm-up with a known
 * label; the latest `holdout` fraction is kept out of training and scored.
 */
export function trainAgentModels(registryDir: string, symbol: string, m: FeatureMatrix, close: Float64Array, opts: AgentTrainOptions = {}): ModelMetadata {
  const labels = binaryLabels(close, m.time, LABEL_HORIZON);
  const y = labels.values;
  const usable: number[] = [];
  for (let i = AGENT_WARMUP; i < m.nRows; i++) if (y[i] === 0 || y[i] === 1) usable.push(i);
  if (usable.length < 100) throw new TradepilotError(ErrorCode.DATA_UNAVAILABLE, `${symbol}: only ${usable.length} labelled rows after the ${AGENT_WARMUP}-bar warm-up; need at least 100 (ask for more history)`);
  const cut = Math.floor(usable.length * (1 - (opts.holdout ?? 0.2)));
  // Purge the label horizon between train and holdout so no training label peeks into the holdout.
  const train = usable.slice(0, Math.max(cut - LABEL_HORIZON, 1));
  const test = usable.slice(cut);
  const t0 = Date.now();
  const ytrain = Float64Array.from(train, (i) => y[i]!);
  const gbdt = trainGbdt(rowsMatrix(m, train), ytrain, { ...AGENT_GBDT, ...opts.gbdt });
  const lstmParams = { ...DEFAULT_REGIME_LSTM, ...opts.lstm };
  const lstmFile = trainRegimeLstm(m, y, train, lstmParams);
  const lstm = new RegimeLstm(lstmFile, 'trained regime LSTM');
  const ytest = Float64Array.from(test, (i) => y[i]!);
  const gbdtAcc = accuracy(gbdtPredict(gbdt, rowsMatrix(m, test)), ytest);
  const lstmAcc = accuracy(test.map((i) => lstm.pBull(m, i)), ytest);
  const baseRate = test.length > 0 ? ytest.reduce((a, b) => a + b, 0) / test.length : null;
  const registry = new ModelRegistry(registryDir);
  return registry.save(
    {
      name: `agent-${symbol}`,
      kind: 'agent-ensemble',
      trainingSeconds: (Date.now() - t0) / 1000,
      dataHash: sha256(new Uint8Array(close.buffer, close.byteOffset, close.byteLength)),
      features: [...m.columns],
      label: `close[t+${LABEL_HORIZON}] > close[t]`,
      thresholds: { bull: 0.5 },
      metrics: { classifier_holdout_accuracy: gbdtAcc, lstm_holdout_accuracy: lstmAcc, holdout_base_rate: baseRate, train_rows: train.length, holdout_rows: test.length },
      params: { gbdt: { ...AGENT_GBDT, ...opts.gbdt }, lstm: lstmParams, symbol },
      source: `${symbol} daily bars ${new Date(m.time[0]!).toISOString().slice(0, 10)}..${new Date(m.time[m.nRows - 1]!).toISOString().slice(0, 10)}`,
    },
    { classifier: { json: gbdtToJson(gbdt) }, lstm: { json: lstmFile } },
  );
}

/** The loaded pair plus why anything fell back. */
export interface LoadedAgentModels {
  classifier: BullModel;
  lstm: BullModel;
  metadata: ModelMetadata | null;
  warnings: string[];
}

function fallback(role: BullModel['role']): BullModel {
  return { role, kind: 'fallback-rule', version: null, path: null, pBull: fallbackPBull };
}

function loadGbdt(j: unknown): GbdtModel {
  const g = j as Partial<GbdtJson> | null;
  if (!g || g.kind !== 'gbdt' || g.objective !== 'binary' || !Array.isArray(g.trees) || g.nFeatures !== AGENT_FEATURES.length) {
    throw new TradepilotError(ErrorCode.MODEL_INVALID, `not a binary GBDT over the ${AGENT_FEATURES.length} agent features`);
  }
  return gbdtFromJson(g as GbdtJson);
}

function loadLstm(j: unknown, path: string): RegimeLstm {
  const f = j as Partial<RegimeLstmFile> | null;
  if (!f || f.kind !== 'regime-lstm' || !Array.isArray(f.features) || !Array.isArray(f.mean) || !Array.isArray(f.sd) || !(Number(f.window) >= 1) || !(Number(f.hidden) >= 1)) {
    throw new TradepilotError(ErrorCode.MODEL_INVALID, 'not a regime-LSTM file');
  }
  checkFeatureOrder({ name: 'regime-lstm', version: 0, features: f.features }, AGENT_FEATURES);
  return new RegimeLstm(f as RegimeLstmFile, path);
}

/**
 * Load the latest version for the agent's features. Any failure (no models, bad
 * metadata, feature-order mismatch, unreadable or malformed artifact, a model
 * that answers NaN) falls back to FALLBACK_RULE for that model, with a warning.
 */
export function loadAgentModels(registryDir: string, probe?: { m: FeatureMatrix; i: number }): LoadedAgentModels {
  const warnings: string[] = [];
  const registry = new ModelRegistry(registryDir);
  let meta: ModelMetadata;
  try {
    meta = registry.metadata();
    checkFeatureOrder(meta, AGENT_FEATURES);
  } catch (err) {
    warnings.push(`no usable agent models in ${registryDir} (${(err as Error).message}); both models fall back to the rule (run \`tradepilot agent train\`)`);
    return { classifier: fallback('classifier'), lstm: fallback('lstm'), metadata: null, warnings };
  }
  const attempt = (role: BullModel['role'], build: (json: unknown, path: string) => (m: FeatureMatrix, i: number) => number, kind: BullModel['kind']): BullModel => {
    let path = '';
    try {
      path = registry.artifactPath(meta, role);
      const pBull = build(readJson(path), path);
      if (probe) {
        const p = pBull(probe.m, probe.i);
        if (!(p >= 0 && p <= 1)) throw new TradepilotError(ErrorCode.MODEL_INVALID, `answered ${p}, not a probability`);
      }
      return { role, kind, version: meta.version, path, pBull };
    } catch (err) {
      warnings.push(`${role} model ${path || role} v${meta.version} could not be used (${(err as Error).message}); falling back to the rule`);
      return fallback(role);
    }
  };
  const classifier = attempt(
    'classifier',
    (j) => {
      const g = loadGbdt(j);
      return (m, i) => gbdtPredict(g, rowsMatrix(m, [i]))[0]!;
    },
    'gbdt',
  );
  const lstm = attempt(
    'lstm',
    (j, path) => {
      const r = loadLstm(j, path);
      return (m, i) => r.pBull(m, i);
    },
    'regime-lstm',
  );
  return { classifier, lstm, metadata: meta, warnings };
}
