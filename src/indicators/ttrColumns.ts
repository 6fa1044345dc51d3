/**
 * The columns of R's TTR reference table (test/fixtures/ttr_ttrc.csv), each as
 * an indicator, its parameters and the output it reads. Used by the
 * `indicators` command and the fixture test, so both name columns as TTR does.
 */
import { canCompute, getIndicator, resolveParams } from './registry.ts';
import type { Columns, IndicatorDef, Params } from './types.ts';

/** One reference column. `params` may depend on the whole input (TTR's SAR start gap does). */
export interface TtrColumn {
  column: string;
  indicator: string;
  params: Record<string, number> | ((cols: Columns) => Record<string, number>);
  output: string;
}

/** TTR's initial SAR gap: the sample sd of high - low over the whole input (TTR R/SAR.R). */
export function ttrSarGap(cols: Columns): number {
  const h = cols.high ?? cols.close;
  const l = cols.low ?? cols.close;
  const n = h.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += (h[i]! - l[i]! - mean) / (i + 1);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = h[i]! - l[i]! - mean;
    ss += d * d;
  }
  return n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
}

const col = (column: string, indicator: string, output: string, params: TtrColumn['params'] = {}): TtrColumn => ({ column, indicator, params, output });

/** In the order of the fixture's header. */
export const TTR_COLUMNS: readonly TtrColumn[] = [
  col('sma_20', 'sma', 'sma', { n: 20 }),
  col('ema_20', 'ema', 'ema', { n: 20 }),
  col('wma_20', 'wma', 'wma', { n: 20 }),
  col('dema_20', 'dema', 'dema', { n: 20 }),
  col('zlema_20', 'zlema', 'zlema', { n: 20 }),
  col('hma_20', 'hma', 'hma', { n: 20 }),
  col('alma_9', 'alma', 'alma', { n: 9 }),
  col('rsi_14', 'rsi', 'rsi', { n: 14 }),
  col('macd', 'macd', 'macd'),
  col('macd_signal', 'macd', 'signal'),
  col('bb_lower', 'bbands', 'lower'),
  col('bb_mid', 'bbands', 'mid'),
  col('bb_upper', 'bbands', 'upper'),
  col('bb_pctb', 'bbands', 'pctb'),
  col('roc_10', 'roc', 'roc', { n: 10 }),
  col('mom_10', 'mom', 'mom', { n: 10 }),
  // TTR's TRIX smooths its signal with n, not nSig.
  col('trix_15', 'trix', 'trix', { n: 15, nSig: 15 }),
  col('trix_signal', 'trix', 'signal', { n: 15, nSig: 15 }),
  col('cmo_14', 'cmo', 'cmo', { n: 14 }),
  col('dpo_20', 'dpo', 'dpo', { n: 20 }),
  col('runsd_20', 'runsd', 'sd', { n: 20, sample: 1 }),
  col('kst', 'kst', 'kst'),
  col('tr', 'atr', 'tr', { n: 14 }),
  col('atr_14', 'atr', 'atr', { n: 14 }),
  col('dip_14', 'adx', 'dip', { n: 14 }),
  col('din_14', 'adx', 'din', { n: 14 }),
  col('dx_14', 'adx', 'dx', { n: 14 }),
  col('adx_14', 'adx', 'adx', { n: 14 }),
  col('fastk', 'stoch', 'fastk'),
  col('fastd', 'stoch', 'fastd'),
  col('slowd', 'stoch', 'slowd'),
  col('wpr_14', 'wpr', 'wpr', { n: 14 }),
  col('cci_20', 'cci', 'cci', { n: 20 }),
  col('obv', 'obv', 'obv'),
  col('mfi_14', 'mfi', 'mfi', { n: 14 }),
  col('cmf_20', 'cmf', 'cmf', { n: 20 }),
  col('aroon_up', 'aroon', 'up', { n: 20 }),
  col('aroon_dn', 'aroon', 'dn', { n: 20 }),
  col('aroon_osc', 'aroon', 'osc', { n: 20 }),
  col('sar', 'sar', 'sar', (cols) => ({ accel: 0.02, maxAccel: 0.2, gap: ttrSarGap(cols) })),
  col('dc_high', 'donchian', 'high', { n: 20 }),
  col('dc_mid', 'donchian', 'mid', { n: 20 }),
  col('dc_low', 'donchian', 'low', { n: 20 }),
  col('kc_low', 'keltner', 'low', { n: 20, atr: 2 }),
  col('kc_mid', 'keltner', 'mid', { n: 20, atr: 2 }),
  col('kc_up', 'keltner', 'up', { n: 20, atr: 2 }),
  col('ult_osc', 'ultosc', 'ultosc'),
  col('clv', 'clv', 'clv'),
  col('wad', 'wad', 'wad'),
  col('vwap_20', 'vwma', 'vwma', { n: 20 }),
  col('chaikin_vol_10', 'chaikin_vol', 'chaikin_vol', { n: 10 }),
  col('vol_cc_10', 'vol_cc', 'vol_cc', { n: 10, N: 260 }),
  col('vol_gk_10', 'vol_gk', 'vol_gk', { n: 10, N: 260 }),
];

/** A computed reference column. */
export interface TtrResult {
  column: string;
  values: Float64Array;
}

/**
 * Compute every TTR column the input's fields allow (close-only input gives the
 * close-only columns). Indicators shared by several columns run once.
 */
export function computeTtrColumns(cols: Columns, fields: Readonly<Record<'open' | 'high' | 'low' | 'volume', boolean>>): TtrResult[] {
  const cache = new Map<string, Float64Array[]>();
  const out: TtrResult[] = [];
  for (const c of TTR_COLUMNS) {
    const def: IndicatorDef = getIndicator(c.indicator);
    if (!canCompute(def, fields)) continue;
    const params: Params = resolveParams(def, typeof c.params === 'function' ? c.params(cols) : c.params);
    const key = `${def.name}:${JSON.stringify(params)}`;
    let res = cache.get(key);
    if (!res) {
      res = def.batch(cols, params);
      cache.set(key, res);
    }
    out.push({ column: c.column, values: res[def.outputs.indexOf(c.output)]! });
  }
  return out;
}
