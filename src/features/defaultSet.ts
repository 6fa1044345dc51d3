/** The default feature set: ~90 features over returns, trend, momentum, volatility, volume, price statistics, calendar and the scanner scores. */
import type { Timeframe } from '../core/time.ts';
import { Timeframes } from '../core/time.ts';
import type { FeatureSet, FeatureSpec, IndicatorFeature } from './featureSet.ts';

const f = (name: string, indicator: string, params: Record<string, number> = {}, more: Partial<IndicatorFeature> = {}): IndicatorFeature => ({
  name,
  indicator,
  params,
  ...more,
});

/** The base-timeframe families (89 features on OHLCV input). */
function baseFamilies(): IndicatorFeature[] {
  const out: IndicatorFeature[] = [];
  for (const h of [1, 2, 3, 5, 10, 21, 63, 126, 252]) out.push(f(`ret_${h}`, 'log_return', { n: h }));
  // vol_k: annualised sd of the last k daily log returns (close-to-close estimator over k+1 closes).
  out.push(f('vol_10', 'vol_cc', { n: 11, N: 252 }), f('vol_21', 'vol_cc', { n: 22, N: 252 }), f('vol_63', 'vol_cc', { n: 64, N: 252 }));
  out.push(f('rsi_14', 'rsi', { n: 14 }), f('rsi_7', 'rsi', { n: 7 }), f('rsi_2', 'rsi', { n: 2 }));
  // trend
  for (const n of [10, 20, 50, 100, 200]) out.push(f(`dist_sma_${n}`, 'sma', { n }, { transform: 'dist' }));
  for (const n of [12, 26, 50]) out.push(f(`dist_ema_${n}`, 'ema', { n }, { transform: 'dist' }));
  out.push(f('dist_hma_20', 'hma', { n: 20 }, { transform: 'dist' }), f('dist_zlema_20', 'zlema', { n: 20 }, { transform: 'dist' }), f('dist_tema_20', 'tema', { n: 20 }, { transform: 'dist' }));
  out.push(f('macd', 'macd', {}, { output: 'macd', transform: 'over_close' }), f('macd_signal', 'macd', {}, { output: 'signal', transform: 'over_close' }), f('macd_hist', 'macd', {}, { output: 'hist', transform: 'over_close' }));
  out.push(f('ppo', 'ppo', {}, { output: 'ppo' }), f('ppo_hist', 'ppo', {}, { output: 'hist' }));
  out.push(f('adx_14', 'adx', { n: 14 }, { output: 'adx' }), f('dip_14', 'adx', { n: 14 }, { output: 'dip' }), f('din_14', 'adx', { n: 14 }, { output: 'din' }));
  out.push(f('aroon_up', 'aroon', { n: 25 }, { output: 'up' }), f('aroon_dn', 'aroon', { n: 25 }, { output: 'dn' }), f('aroon_osc', 'aroon', { n: 25 }, { output: 'osc' }));
  out.push(f('supertrend_dir', 'supertrend', {}, { output: 'direction' }), f('dist_supertrend', 'supertrend', {}, { output: 'supertrend', transform: 'dist' }));
  out.push(f('dist_tenkan', 'ichimoku', {}, { output: 'tenkan', transform: 'dist' }), f('dist_kijun', 'ichimoku', {}, { output: 'kijun', transform: 'dist' }), f('dist_span_a', 'ichimoku', {}, { output: 'span_a', transform: 'dist' }), f('dist_span_b', 'ichimoku', {}, { output: 'span_b', transform: 'dist' }));
  out.push(f('dist_sar', 'sar', {}, { transform: 'dist' }), f('trix', 'trix', { n: 15, nSig: 9 }, { output: 'trix' }), f('kst', 'kst', {}, { output: 'kst' }));
  // momentum
  for (const n of [5, 10, 21]) out.push(f(`roc_${n}`, 'roc', { n }));
  out.push(f('stoch_k', 'stoch', {}, { output: 'fastk' }), f('stoch_d', 'stoch', {}, { output: 'fastd' }), f('stoch_slowd', 'stoch', {}, { output: 'slowd' }));
  out.push(f('wpr_14', 'wpr', { n: 14 }), f('cci_20', 'cci', { n: 20 }), f('cmo_14', 'cmo', { n: 14 }), f('ult_osc', 'ultosc'), f('dpo_20', 'dpo', { n: 20 }, { transform: 'over_close' }));
  // volatility
  out.push(f('atr_14', 'atr', { n: 14 }, { output: 'atr', transform: 'over_close' }), f('tr', 'atr', { n: 14 }, { output: 'tr', transform: 'over_close' }));
  out.push(f('bb_width', 'bbands', { n: 20, sd: 2 }, { output: 'lower', transform: 'dist' }), f('bb_pctb', 'bbands', { n: 20, sd: 2 }, { output: 'pctb' }));
  out.push(f('runsd_20', 'runsd', { n: 20 }, { transform: 'over_close' }), f('kc_pos', 'keltner', {}, { output: 'up', transform: 'dist' }), f('dc_pos', 'donchian', { n: 20 }, { output: 'low', transform: 'dist' }));
  out.push(f('chaikin_vol', 'chaikin_vol', { n: 10 }));
  for (const [name, ind] of [['vol_parkinson_21', 'vol_parkinson'], ['vol_gk_21', 'vol_gk'], ['vol_rs_21', 'vol_rs'], ['vol_yz_21', 'vol_yz']] as const) out.push(f(name, ind, { n: 21, N: 252 }));
  out.push(f('vol_ratio_10_63', 'vol_cc', { n: 11, N: 252 }, { transform: 'zscore' }));
  // volume
  out.push(f('obv_z', 'obv', {}, { transform: 'zscore' }), f('ad_z', 'ad', {}, { transform: 'zscore' }), f('mfi_14', 'mfi', { n: 14 }), f('cmf_20', 'cmf', { n: 20 }));
  out.push(f('rvol_20', 'rvol', { n: 20 }), f('volume_z_20', 'volume_z', { n: 20 }), f('dist_vwma_20', 'vwma', { n: 20 }, { transform: 'dist' }), f('clv', 'clv'));
  // price statistics
  out.push(f('dist_high_252', 'rolling_max', { n: 252 }, { transform: 'dist' }), f('dist_low_252', 'rolling_min', { n: 252 }, { transform: 'dist' }));
  out.push(f('dist_high_63', 'rolling_max', { n: 63 }, { transform: 'dist' }), f('dist_low_63', 'rolling_min', { n: 63 }, { transform: 'dist' }));
  out.push(f('zscore_20', 'zscore', { n: 20 }), f('zscore_63', 'zscore', { n: 63 }));
  out.push(f('skew_63', 'skew', { n: 63 }, { on: 'log_return' }), f('kurt_63', 'kurtosis', { n: 63 }, { on: 'log_return' }), f('skew_21', 'skew', { n: 21 }, { on: 'log_return' }), f('kurt_21', 'kurtosis', { n: 21 }, { on: 'log_return' }));
  out.push(f('dist_wma_20', 'wma', { n: 20 }, { transform: 'dist' }));
  out.push(f('ha_body', 'heikin_ashi', {}, { output: 'close', transform: 'dist' }), f('dist_pivot', 'pivots', {}, { output: 'pp', transform: 'dist' }));
  // calendar
  out.push(f('month', 'calendar', {}, { output: 'month' }), f('dow', 'calendar', {}, { output: 'dow' }));
  // momentum-scanner scores (momentumScore.ts)
  out.push(f('mom_rsi', 'momentum', {}, { output: 'rsi' }), f('mom_rvol', 'momentum', {}, { output: 'rvol' }), f('mom_pct_change', 'momentum', {}, { output: 'pct_change' }));
  out.push(f('mom_volume', 'momentum', {}, { output: 'volume' }), f('momentum_score', 'momentum', {}, { output: 'score' }));
  return out;
}

/** The compact family repeated on each coarser timeframe, prefixed with the timeframe (`1d_rsi_14`). */
function coarseFamily(tf: Timeframe): IndicatorFeature[] {
  const p = (x: IndicatorFeature): IndicatorFeature => ({ ...x, name: `${tf}_${x.name}`, timeframe: tf });
  return [
    f('ret_1', 'log_return', { n: 1 }),
    f('ret_5', 'log_return', { n: 5 }),
    f('ret_21', 'log_return', { n: 21 }),
    f('vol_21', 'vol_cc', { n: 22, N: 252 }),
    f('rsi_14', 'rsi', { n: 14 }),
    f('dist_sma_20', 'sma', { n: 20 }, { transform: 'dist' }),
    f('dist_sma_50', 'sma', { n: 50 }, { transform: 'dist' }),
    f('macd_hist', 'macd', {}, { output: 'hist', transform: 'over_close' }),
    f('adx_14', 'adx', { n: 14 }, { output: 'adx' }),
    f('bb_pctb', 'bbands', {}, { output: 'pctb' }),
    f('atr_14', 'atr', { n: 14 }, { output: 'atr', transform: 'over_close' }),
    f('rvol_20', 'rvol', { n: 20 }),
  ].map(p);
}

/**
 * The default set on `base` bars, plus the compact family on each coarser
 * timeframe given (joined as of the last closed coarse bar).
 */
export function defaultFeatureSet(base: Timeframe = '1d', coarser: readonly Timeframe[] = []): FeatureSet {
  const order = (t: Timeframe): number => Timeframes.indexOf(t);
  const features: FeatureSpec[] = baseFamilies();
  for (const tf of coarser) {
    if (order(tf) <= order(base)) continue;
    features.push(...coarseFamily(tf));
  }
  return { name: coarser.length > 0 ? `default+${coarser.filter((t) => order(t) > order(base)).join(',')}` : 'default', version: 1, features };
}

/** Named sets the CLI and the audit know. */
export function featureSetByName(name: string, base: Timeframe = '1d', coarser: readonly Timeframe[] = []): FeatureSet | undefined {
  return name === 'default' ? defaultFeatureSet(base, coarser) : undefined;
}
