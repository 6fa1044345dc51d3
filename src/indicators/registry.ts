/**
 * The indicator registry: one entry per indicator with its parameters and
 * defaults, the price fields it needs, its outputs, its warm-up length, and its
 * batch and streaming forms. Batch forms run the same kernel as the streams
 * (see kernel.ts) unless a hand-fused loop is registered in `fast.ts`, which
 * tests hold equal to the kernel.
 */
import { BadInputError } from '../core/errors.ts';
import { runKernel, KernelStream, type Kernel } from './kernel.ts';
import { AlmaKernel, DemaKernel, EmaKernel, HmaKernel, SessionVwapKernel, SmaKernel, TemaKernel, VwmaKernel, WmaKernel, ZlemaKernel } from './movingAverages.ts';
import {
  AroonKernel,
  CciKernel,
  CmoKernel,
  DpoKernel,
  KstKernel,
  MacdKernel,
  MomentumKernel,
  RocKernel,
  RsiKernel,
  StochKernel,
  TrixKernel,
  UltOscKernel,
  WprKernel,
} from './momentum.ts';
import { AtrKernel, BbandsKernel, ChaikinVolKernel, DonchianKernel, KeltnerKernel, RealizedVolKernel, RunSdKernel, type VolCalc } from './volatility.ts';
import { AdxKernel, IchimokuKernel, SarKernel, SupertrendKernel } from './trend.ts';
import { AdKernel, ClvKernel, CmfKernel, MfiKernel, ObvKernel, RvolKernel, VolumeZKernel, WadKernel } from './volume.ts';
import { HurstKernel, KurtosisKernel, LogReturnKernel, RollingMaxKernel, RollingMinKernel, SkewKernel, ZscoreKernel } from './statistics.ts';
import { HeikinAshiKernel, PivotKernel } from './candles.ts';
import { FAST_BATCH } from './fast.ts';
import type { Columns, IndicatorDef, InputField, ParamSpec, Params, SharedSeries } from './types.ts';

type P = [name: string, def: number, min: number, doc: string, integer?: boolean];

interface Spec {
  name: string;
  doc: string;
  params: P[];
  inputs: InputField[];
  outputs: string[];
  warmup: (p: Params) => number;
  kernel: (p: Params) => Kernel;
}

function define(s: Spec): IndicatorDef {
  const params: ParamSpec[] = s.params.map(([name, d, min, doc, integer = true]) => ({ name, default: d, min, integer, doc }));
  const nOut = s.outputs.length;
  const fast = FAST_BATCH[s.name];
  return {
    name: s.name,
    doc: s.doc,
    params,
    inputs: s.inputs,
    outputs: s.outputs,
    warmup: s.warmup,
    batch: fast ? (cols: Columns, p: Params, shared?: SharedSeries) => fast(cols, p, shared) : (cols: Columns, p: Params) => runKernel(s.kernel(p), cols, nOut, cols.time),
    stream: (p: Params) => new KernelStream(s.kernel(p), nOut, s.warmup(p)),
  };
}

const C: InputField[] = ['close'];
const HLC: InputField[] = ['high', 'low', 'close'];
const HL: InputField[] = ['high', 'low'];
const OHLC: InputField[] = ['open', 'high', 'low', 'close'];
const n = (d: number, doc = 'lookback in bars'): P => ['n', d, 1, doc];

function vol(name: string, calc: VolCalc, doc: string, inputs: InputField[]): Spec {
  return {
    name,
    doc,
    params: [n(10), ['N', 260, 1, 'periods a year for annualising', false]],
    inputs,
    outputs: [name],
    warmup: (p) => (calc === 'yang.zhang' ? p.n! : p.n! - 1),
    kernel: (p) => new RealizedVolKernel(calc, p.n!, p.N!),
  };
}

const SPECS: Spec[] = [
  { name: 'sma', doc: 'simple moving average (TTR SMA)', params: [n(20)], inputs: C, outputs: ['sma'], warmup: (p) => p.n! - 1, kernel: (p) => new SmaKernel(p.n!) },
  { name: 'ema', doc: 'exponential moving average seeded with an SMA (TTR EMA)', params: [n(20)], inputs: C, outputs: ['ema'], warmup: (p) => p.n! - 1, kernel: (p) => new EmaKernel(p.n!) },
  { name: 'wma', doc: 'linearly weighted moving average (TTR WMA)', params: [n(20)], inputs: C, outputs: ['wma'], warmup: (p) => p.n! - 1, kernel: (p) => new WmaKernel(p.n!) },
  { name: 'dema', doc: 'double EMA (TTR DEMA, v=1)', params: [n(20), ['v', 1, 0, 'volume factor', false]], inputs: C, outputs: ['dema'], warmup: (p) => 2 * p.n! - 2, kernel: (p) => new DemaKernel(p.n!, p.v!) },
  { name: 'tema', doc: 'triple EMA: 3e1 - 3e2 + e3', params: [n(20)], inputs: C, outputs: ['tema'], warmup: (p) => 3 * p.n! - 3, kernel: (p) => new TemaKernel(p.n!) },
  { name: 'zlema', doc: 'zero-lag EMA (TTR ZLEMA)', params: [n(20)], inputs: C, outputs: ['zlema'], warmup: (p) => p.n! - 1, kernel: (p) => new ZlemaKernel(p.n!) },
  { name: 'hma', doc: 'Hull moving average (TTR HMA)', params: [n(20)], inputs: C, outputs: ['hma'], warmup: (p) => p.n! - 2 + Math.max(1, Math.trunc(Math.sqrt(p.n!))), kernel: (p) => new HmaKernel(p.n!) },
  {
    name: 'alma',
    doc: 'Arnaud Legoux moving average (TTR ALMA)',
    params: [n(9), ['offset', 0.85, 0, 'centre of the Gaussian weights (0..1)', false], ['sigma', 6, 0.0001, 'width divisor', false]],
    inputs: C,
    outputs: ['alma'],
    warmup: (p) => p.n! - 1,
    kernel: (p) => new AlmaKernel(p.n!, p.offset!, p.sigma!),
  },
  { name: 'vwma', doc: 'rolling volume-weighted average price (TTR VWAP(price, volume, n))', params: [n(20)], inputs: ['close', 'volume'], outputs: ['vwma'], warmup: (p) => p.n! - 1, kernel: (p) => new VwmaKernel(p.n!) },
  {
    name: 'vwap',
    doc: 'session VWAP of the typical price, reset each UTC day (or every `anchor` bars when anchor > 0)',
    params: [['anchor', 0, 0, 'bars per session; 0 = reset on the UTC date']],
    inputs: ['high', 'low', 'close', 'volume'],
    outputs: ['vwap'],
    warmup: () => 0,
    kernel: (p) => new SessionVwapKernel(p.anchor!),
  },
  { name: 'rsi', doc: 'relative strength index, Wilder smoothing (TTR RSI)', params: [n(14)], inputs: C, outputs: ['rsi'], warmup: (p) => p.n!, kernel: (p) => new RsiKernel(p.n!) },
  {
    name: 'macd',
    doc: 'MACD line, EMA signal and histogram (TTR MACD, percent=FALSE)',
    params: [['fast', 12, 1, 'fast EMA'], ['slow', 26, 1, 'slow EMA'], ['signal', 9, 1, 'signal EMA']],
    inputs: C,
    outputs: ['macd', 'signal', 'hist'],
    warmup: (p) => Math.max(p.fast!, p.slow!) + p.signal! - 2,
    kernel: (p) => new MacdKernel(p.fast!, p.slow!, p.signal!),
  },
  {
    name: 'ppo',
    doc: 'percentage price oscillator: 100*(EMA fast/EMA slow - 1) and its signal (TTR MACD percent=TRUE)',
    params: [['fast', 12, 1, 'fast EMA'], ['slow', 26, 1, 'slow EMA'], ['signal', 9, 1, 'signal EMA']],
    inputs: C,
    outputs: ['ppo', 'signal', 'hist'],
    warmup: (p) => Math.max(p.fast!, p.slow!) + p.signal! - 2,
    kernel: (p) => new MacdKernel(p.fast!, p.slow!, p.signal!, true),
  },
  {
    name: 'bbands',
    doc: 'Bollinger bands with population sd (TTR BBands)',
    params: [n(20), ['sd', 2, 0, 'band width in sd', false]],
    inputs: C,
    outputs: ['lower', 'mid', 'upper', 'pctb'],
    warmup: (p) => p.n! - 1,
    kernel: (p) => new BbandsKernel(p.n!, p.sd!),
  },
  { name: 'roc', doc: 'discrete rate of change x/x[t-n] - 1 (TTR ROC type=discrete)', params: [n(10)], inputs: C, outputs: ['roc'], warmup: (p) => p.n!, kernel: (p) => new RocKernel(p.n!) },
  { name: 'mom', doc: 'momentum x - x[t-n] (TTR momentum)', params: [n(10)], inputs: C, outputs: ['mom'], warmup: (p) => p.n!, kernel: (p) => new MomentumKernel(p.n!) },
  {
    name: 'trix',
    doc: 'TRIX: 100 * 1-bar ROC of a triple EMA, with an EMA signal (TTR TRIX; note TTR smooths the signal with n, so pass nSig=n to match it)',
    params: [n(20), ['nSig', 9, 1, 'signal EMA']],
    inputs: C,
    outputs: ['trix', 'signal'],
    warmup: (p) => 3 * (p.n! - 1) + p.nSig!,
    kernel: (p) => new TrixKernel(p.n!, p.nSig!),
  },
  { name: 'cmo', doc: 'Chande momentum oscillator (TTR CMO)', params: [n(14)], inputs: C, outputs: ['cmo'], warmup: (p) => p.n!, kernel: (p) => new CmoKernel(p.n!) },
  { name: 'dpo', doc: 'detrended price: close - SMA(n), unshifted (TTR DPO shift=0)', params: [n(20)], inputs: C, outputs: ['dpo'], warmup: (p) => p.n! - 1, kernel: (p) => new DpoKernel(p.n!) },
  {
    name: 'runsd',
    doc: 'rolling standard deviation (TTR runSD)',
    params: [n(20), ['sample', 1, 0, '1 = sample (n-1), 0 = population']],
    inputs: C,
    outputs: ['sd'],
    warmup: (p) => p.n! - 1,
    kernel: (p) => new RunSdKernel(p.n!, p.sample! !== 0),
  },
  {
    name: 'kst',
    doc: "Pring's Know Sure Thing, daily (TTR KST: SMA(10,10,10,15) of log-ROC(10,15,20,30), weights 1..4, SMA(9) signal)",
    params: [['nSig', 9, 1, 'signal SMA']],
    inputs: C,
    outputs: ['kst', 'signal'],
    warmup: (p) => 44 + p.nSig! - 1,
    kernel: (p) => new KstKernel([10, 10, 10, 15], [10, 15, 20, 30], p.nSig!, [1, 2, 3, 4]),
  },
  { name: 'atr', doc: 'true range and average true range, Wilder (TTR ATR)', params: [n(14)], inputs: HLC, outputs: ['tr', 'atr'], warmup: (p) => p.n!, kernel: (p) => new AtrKernel(p.n!) },
  { name: 'adx', doc: 'directional movement: +DI, -DI, DX, ADX (TTR ADX)', params: [n(14)], inputs: HLC, outputs: ['dip', 'din', 'dx', 'adx'], warmup: (p) => 2 * p.n! - 1, kernel: (p) => new AdxKernel(p.n!) },
  {
    name: 'stoch',
    doc: 'stochastic oscillator fast %K, fast %D, slow %D as fractions (TTR stoch)',
    params: [['nFastK', 14, 1, '%K window'], ['nFastD', 3, 1, 'fast %D SMA'], ['nSlowD', 3, 1, 'slow %D SMA']],
    inputs: HLC,
    outputs: ['fastk', 'fastd', 'slowd'],
    warmup: (p) => p.nFastK! + p.nFastD! + p.nSlowD! - 3,
    kernel: (p) => new StochKernel(p.nFastK!, p.nFastD!, p.nSlowD!),
  },
  { name: 'wpr', doc: "Williams %R as a fraction (TTR WPR)", params: [n(14)], inputs: HLC, outputs: ['wpr'], warmup: (p) => p.n! - 1, kernel: (p) => new WprKernel(p.n!) },
  {
    name: 'cci',
    doc: 'commodity channel index (TTR CCI)',
    params: [n(20), ['c', 0.015, 0.000001, 'scaling constant', false]],
    inputs: HLC,
    outputs: ['cci'],
    warmup: (p) => p.n! - 1,
    kernel: (p) => new CciKernel(p.n!, p.c!),
  },
  { name: 'obv', doc: 'on-balance volume (TTR OBV)', params: [], inputs: ['close', 'volume'], outputs: ['obv'], warmup: () => 0, kernel: () => new ObvKernel() },
  { name: 'mfi', doc: 'money flow index (TTR MFI)', params: [n(14)], inputs: ['high', 'low', 'close', 'volume'], outputs: ['mfi'], warmup: (p) => p.n!, kernel: (p) => new MfiKernel(p.n!) },
  { name: 'cmf', doc: 'Chaikin money flow (TTR CMF)', params: [n(20)], inputs: ['high', 'low', 'close', 'volume'], outputs: ['cmf'], warmup: (p) => p.n! - 1, kernel: (p) => new CmfKernel(p.n!) },
  { name: 'ad', doc: 'Chaikin accumulation/distribution line (TTR chaikinAD)', params: [], inputs: ['high', 'low', 'close', 'volume'], outputs: ['ad'], warmup: () => 0, kernel: () => new AdKernel() },
  { name: 'aroon', doc: 'Aroon up, down and oscillator (TTR aroon)', params: [n(20)], inputs: HL, outputs: ['up', 'dn', 'osc'], warmup: (p) => p.n! - 1, kernel: (p) => new AroonKernel(p.n!) },
  {
    name: 'sar',
    doc: 'parabolic stop-and-reverse (TTR SAR), first SAR = low - gap',
    params: [['accel', 0.02, 0, 'acceleration step', false], ['maxAccel', 0.2, 0, 'maximum acceleration', false], ['gap', 0, 0, 'initial gap below the first low (TTR uses sd(high-low) of the whole input)', false]],
    inputs: HL,
    outputs: ['sar'],
    warmup: () => 0,
    kernel: (p) => new SarKernel(p.accel!, p.maxAccel!, p.gap!),
  },
  { name: 'donchian', doc: 'Donchian channel high, mid, low (TTR DonchianChannel)', params: [n(20)], inputs: HL, outputs: ['high', 'mid', 'low'], warmup: (p) => p.n! - 1, kernel: (p) => new DonchianKernel(p.n!) },
  {
    name: 'keltner',
    doc: 'Keltner channels: EMA of typical price +- k ATR (TTR keltnerChannels)',
    params: [n(20), ['atr', 2, 0, 'ATR multiple', false]],
    inputs: HLC,
    outputs: ['low', 'mid', 'up'],
    warmup: (p) => p.n!,
    kernel: (p) => new KeltnerKernel(p.n!, p.atr!),
  },
  {
    name: 'ultosc',
    doc: 'ultimate oscillator (TTR ultimateOscillator, windows 7/14/28, weights 4/2/1)',
    params: [['n1', 7, 1, 'short window'], ['n2', 14, 1, 'middle window'], ['n3', 28, 1, 'long window']],
    inputs: HLC,
    outputs: ['ultosc'],
    warmup: (p) => Math.max(p.n1!, p.n2!, p.n3!),
    kernel: (p) => new UltOscKernel([p.n1!, p.n2!, p.n3!], [4, 2, 1]),
  },
  { name: 'clv', doc: 'close location value (TTR CLV)', params: [], inputs: HLC, outputs: ['clv'], warmup: () => 0, kernel: () => new ClvKernel() },
  { name: 'wad', doc: 'Williams accumulation/distribution (TTR williamsAD)', params: [], inputs: HLC, outputs: ['wad'], warmup: () => 1, kernel: () => new WadKernel() },
  { name: 'chaikin_vol', doc: 'Chaikin volatility: ROC(n) of EMA(n) of high-low (TTR chaikinVolatility)', params: [n(10)], inputs: HL, outputs: ['chaikin_vol'], warmup: (p) => 2 * p.n! - 1, kernel: (p) => new ChaikinVolKernel(p.n!) },
  vol('vol_cc', 'close', 'close-to-close volatility, annualised (TTR volatility calc="close")', C),
  vol('vol_parkinson', 'parkinson', 'Parkinson high-low volatility (TTR calc="parkinson")', HL),
  vol('vol_gk', 'garman.klass', 'Garman-Klass volatility (TTR calc="garman.klass")', OHLC),
  vol('vol_rs', 'rogers.satchell', 'Rogers-Satchell volatility (TTR calc="rogers.satchell")', OHLC),
  vol('vol_yz', 'yang.zhang', 'Yang-Zhang volatility, alpha 1.34 (TTR calc="yang.zhang")', OHLC),
  {
    name: 'ichimoku',
    doc: 'Ichimoku tenkan, kijun, and leading spans A/B as known at bar t',
    params: [['tenkan', 9, 1, 'conversion window'], ['kijun', 26, 1, 'base window'], ['senkou', 52, 1, 'span B window'], ['displacement', 26, 0, 'forward shift of the spans']],
    inputs: HL,
    outputs: ['tenkan', 'kijun', 'span_a', 'span_b'],
    warmup: (p) => Math.max(p.tenkan!, p.kijun!, p.senkou!) - 1 + p.displacement!,
    kernel: (p) => new IchimokuKernel(p.tenkan!, p.kijun!, p.senkou!, p.displacement!),
  },
  {
    name: 'supertrend',
    doc: 'Supertrend band and direction (+1/-1) from (H+L)/2 +- k ATR',
    params: [n(10), ['mult', 3, 0, 'ATR multiple', false]],
    inputs: HLC,
    outputs: ['supertrend', 'direction'],
    warmup: (p) => p.n!,
    kernel: (p) => new SupertrendKernel(p.n!, p.mult!),
  },
  { name: 'heikin_ashi', doc: 'Heikin-Ashi open, high, low, close', params: [], inputs: OHLC, outputs: ['open', 'high', 'low', 'close'], warmup: () => 0, kernel: () => new HeikinAshiKernel() },
  { name: 'pivots', doc: 'classic floor pivots from the previous bar: PP, R1, S1, R2, S2', params: [], inputs: HLC, outputs: ['pp', 'r1', 's1', 'r2', 's2'], warmup: () => 1, kernel: () => new PivotKernel() },
  { name: 'zscore', doc: 'z-score of close against its n-bar mean and population sd', params: [n(20)], inputs: C, outputs: ['zscore'], warmup: (p) => p.n! - 1, kernel: (p) => new ZscoreKernel(p.n!) },
  { name: 'skew', doc: 'rolling skewness m3/m2^1.5 of close', params: [n(20)], inputs: C, outputs: ['skew'], warmup: (p) => p.n! - 1, kernel: (p) => new SkewKernel(p.n!) },
  { name: 'kurtosis', doc: 'rolling excess kurtosis m4/m2^2 - 3 of close', params: [n(20)], inputs: C, outputs: ['kurtosis'], warmup: (p) => p.n! - 1, kernel: (p) => new KurtosisKernel(p.n!) },
  { name: 'hurst', doc: 'Hurst exponent by rescaled range of the last n log returns', params: [['n', 100, 16, 'window of returns']], inputs: C, outputs: ['hurst'], warmup: (p) => p.n!, kernel: (p) => new HurstKernel(p.n!) },
  { name: 'rvol', doc: 'relative volume: volume / mean volume of the previous n bars', params: [n(20)], inputs: ['volume'], outputs: ['rvol'], warmup: (p) => p.n!, kernel: (p) => new RvolKernel(p.n!) },
  { name: 'volume_z', doc: 'volume z-score over n bars', params: [n(20)], inputs: ['volume'], outputs: ['volume_z'], warmup: (p) => p.n! - 1, kernel: (p) => new VolumeZKernel(p.n!) },
  { name: 'rolling_max', doc: 'highest close of the last n bars', params: [n(252)], inputs: C, outputs: ['max'], warmup: (p) => p.n! - 1, kernel: (p) => new RollingMaxKernel(p.n!) },
  { name: 'rolling_min', doc: 'lowest close of the last n bars', params: [n(252)], inputs: C, outputs: ['min'], warmup: (p) => p.n! - 1, kernel: (p) => new RollingMinKernel(p.n!) },
  { name: 'log_return', doc: 'log return over n bars', params: [n(1)], inputs: C, outputs: ['log_return'], warmup: (p) => p.n!, kernel: (p) => new LogReturnKernel(p.n!) },
];

/** Every indicator by name. */
export const INDICATORS: ReadonlyMap<string, IndicatorDef> = new Map(SPECS.map((s) => [s.name, define(s)]));

/** The registry entry of `name`; a clear error when unknown. */
export function getIndicator(name: string): IndicatorDef {
  const d = INDICATORS.get(name);
  if (!d) throw new BadInputError(`unknown indicator "${name}"; known: ${[...INDICATORS.keys()].join(', ')}`);
  return d;
}

/** Defaults overlaid with `given`, each checked against its spec (integer, bounds, unknown names). */
export function resolveParams(def: IndicatorDef, given: Readonly<Record<string, number>> = {}): Params {
  const out: Record<string, number> = {};
  for (const k of Object.keys(given)) {
    if (!def.params.some((p) => p.name === k)) throw new BadInputError(`${def.name}: unknown parameter "${k}"`);
  }
  for (const p of def.params) {
    const v = given[p.name] ?? p.default;
    if (!Number.isFinite(v) || v < p.min || (p.max !== undefined && v > p.max) || (p.integer && !Number.isInteger(v))) {
      throw new BadInputError(`${def.name}: parameter ${p.name}=${v} must be ${p.integer ? 'an integer ' : ''}>= ${p.min}`);
    }
    out[p.name] = v;
  }
  return out;
}

/** True when a series with these fields can feed the indicator (close is always present). */
export function canCompute(def: IndicatorDef, fields: Readonly<Record<'open' | 'high' | 'low' | 'volume', boolean>>): boolean {
  return def.inputs.every((f) => f === 'close' || fields[f]);
}
