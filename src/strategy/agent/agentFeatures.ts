import type { FeatureMatrix } from '../../features/featureSet.ts';
import { compileFeatureSet } from '../../features/featureSet.ts';
import { defaultFeatureSet } from '../../features/defaultSet.ts';
import type { AgentData } from './agentData.ts';

/** The default-set features the agent's models read (trend, momentum, volatility; all defined after ~200 bars). */
export const AGENT_BASE_FEATURES = ['ret_1', 'ret_5', 'ret_21', 'ret_63', 'vol_21', 'rsi_14', 'dist_sma_50', 'dist_sma_200', 'macd_hist', 'adx_14', 'bb_pctb', 'atr_14'] as const;

/** Columns added from the VIX: its level and its 5-bar log change. */
export const AGENT_VIX_FEATURES = ['vix_close', 'vix_ret_5'] as const;

/** Every column, in the order the models were trained on (the registry checks it). */
export const AGENT_FEATURES: readonly string[] = [...AGENT_BASE_FEATURES, ...AGENT_VIX_FEATURES];

/** Bars before the slowest feature (SMA-200) is defined. */
export const AGENT_WARMUP = 200;

/**
 * The agent's feature matrix: the chosen default-set columns on the daily bars,
 * then the as-of VIX level and its 5-bar change. Column-major like every FeatureMatrix.
 */
export function agentFeatures(d: AgentData): FeatureMatrix {
  const wanted = new Set<string>(AGENT_BASE_FEATURES);
  const base = defaultFeatureSet('1d');
  const set = { name: 'agent', version: 1, features: base.features.filter((f) => wanted.has(f.name)) };
  const m = compileFeatureSet(set, d.bars);
  const n = m.nRows;
  // Reorder to AGENT_BASE_FEATURES (the default set's order could change under us) and append the VIX columns.
  const data = new Float64Array(AGENT_FEATURES.length * n);
  AGENT_BASE_FEATURES.forEach((name, j) => {
    const k = m.columns.indexOf(name);
    if (k < 0) data.fill(NaN, j * n, (j + 1) * n);
    else data.set(m.data.subarray(k * n, (k + 1) * n), j * n);
  });
  const jv = AGENT_BASE_FEATURES.length;
  const vix = d.vixClose;
  for (let i = 0; i < n; i++) {
    data[jv * n + i] = vix[i]!;
    data[(jv + 1) * n + i] = i >= 5 && vix[i]! > 0 && vix[i - 5]! > 0 ? Math.log(vix[i]! / vix[i - 5]!) : NaN;
  }
  return { set: 'agent', hash: m.hash, timeframe: '1d', columns: [...AGENT_FEATURES], nRows: n, data, time: m.time, skipped: m.skipped };
}

/** Row `i` of a feature matrix as a name -> value record (the feature snapshot stored with a prediction). */
export function featureRow(m: FeatureMatrix, i: number): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  m.columns.forEach((c, j) => {
    const v = m.data[j * m.nRows + i]!;
    out[c] = Number.isFinite(v) ? v : null;
  });
  return out;
}
