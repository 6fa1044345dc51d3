/**
 * Performance metrics of a backtest. Formulas (E_t = equity at bar t's close,
 * E_{-1} = initial cash, n bars, P periods per year, default 252):
 *
 * - returns r_t = E_t / E_{t-1} - 1 for t = 0..n-1 (0 once equity is <= 0)
 * - total_return = E_{n-1} / E_{-1} - 1;  cagr = (E_{n-1} / E_{-1})^(P / n) - 1 (-1 if bust)
 * - volatility = sd(r) * sqrt(P), sd with n-1 degrees of freedom
 * - sharpe = mean(r - rf/P) / sd(r) * sqrt(P); 0 when sd = 0
 * - sortino = mean(r - rf/P) / dd * sqrt(P), dd = sqrt(mean(min(r - rf/P, 0)^2));
 *   when dd = 0: +Infinity if the mean is > 0, else 0
 * - max_drawdown = min_t (E_t / max_{s<=t} E_s - 1) (<= 0, vectorbt's sign);
 *   max_drawdown_duration = most bars spent below a previous peak
 * - calmar = cagr / |max_drawdown|; when there is no drawdown: +Infinity if cagr > 0, else 0
 * - trades counts open and closed trades; win_rate = closed winners (pnl > 0) / closed
 *   (0 with none); avg_trade_pnl = mean closed pnl (0 with none);
 *   profit_factor = gross profit / gross loss of closed trades (+Infinity with no
 *   losses and some profit, 0 with neither)
 * - exposure = share of bars with an open position
 * - turnover = traded value / mean equity / years (times per year the book turns over)
 * - var_a = -Q(r, 1 - a), historical, Q the linear-interpolation quantile (numpy's
 *   default); es_a = -mean(r_t : r_t <= Q(r, 1 - a)); both 0 with no returns
 * - psr = Phi((SR - SR*) sqrt(n - 1) / sqrt(1 - g3 SR + (g4 - 1) / 4 SR^2)), SR per period,
 *   g3 skewness, g4 (non-excess) kurtosis, SR* = 0 (Bailey & Lopez de Prado 2012)
 * - dsr = psr with SR* = sqrt(V) ((1 - gamma) Phi^-1(1 - 1/N) + gamma Phi^-1(1 - 1/(N e))),
 *   N trials, V the variance of the trials' per-period Sharpe ratios (default: the
 *   estimator variance (1 - g3 SR + (g4 - 1)/4 SR^2) / (n - 1)); N = 1 gives psr
 *   (Bailey & Lopez de Prado 2014)
 *
 * JSON output turns +Infinity into null; every other case is a finite number.
 */
import { normCdf, normQuantile } from '../core/math/normal.ts';
import type { BacktestResult } from './types.ts';

/** Options of `computeMetrics`. */
export interface MetricsOptions {
  /** Periods per year for annualising (252 trading days by default). */
  periodsPerYear?: number;
  /** Annual risk-free rate subtracted in Sharpe and Sortino (default 0). */
  riskFree?: number;
  /** Number of strategy variants tried (deflated Sharpe); default 1. */
  trials?: number;
  /** Variance of the per-period Sharpe ratios across the trials (deflated Sharpe). */
  trialSharpeVariance?: number;
}

/** All metrics of one backtest (snake_case: they are the CLI's JSON fields). */
export interface Metrics {
  total_return: number;
  cagr: number;
  volatility: number;
  sharpe: number;
  sortino: number;
  calmar: number;
  max_drawdown: number;
  max_drawdown_duration: number;
  profit_factor: number;
  win_rate: number;
  avg_trade_pnl: number;
  trades: number;
  closed_trades: number;
  exposure: number;
  turnover: number;
  var_95: number;
  var_99: number;
  es_95: number;
  es_99: number;
  psr: number;
  dsr: number;
  skew: number;
  kurtosis: number;
  final_equity: number;
  fees: number;
  bars: number;
  periods_per_year: number;
}

const EULER_GAMMA = 0.5772156649015329;

/** Per-bar simple returns of an equity curve starting from `initCash`. */
export function equityReturns(equity: Float64Array, initCash: number): Float64Array {
  const n = equity.length;
  const r = new Float64Array(n);
  let prev = initCash;
  for (let t = 0; t < n; t++) {
    const e = equity[t]!;
    r[t] = prev > 0 ? e / prev - 1 : 0;
    prev = e;
  }
  return r;
}

/** Mean of xs (0 when empty). */
export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return 0;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

/** Sample standard deviation (n - 1); 0 with fewer than two values. */
export function stdev(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < n; i++) s += (xs[i]! - m) ** 2;
  return Math.sqrt(s / (n - 1));
}

/** Skewness and (non-excess) kurtosis from population moments; 0 and 3 when the series is flat. */
export function moments(xs: ArrayLike<number>): { skew: number; kurtosis: number } {
  const n = xs.length;
  const m = mean(xs);
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i]! - m;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  if (n === 0 || m2 === 0) return { skew: 0, kurtosis: 3 };
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return { skew: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) };
}

/** Per-period Sharpe ratio mean(r - rf) / sd(r); 0 when sd = 0. */
export function periodSharpe(r: ArrayLike<number>, rfPerPeriod = 0): number {
  const sd = stdev(r);
  return sd === 0 ? 0 : (mean(r) - rfPerPeriod) / sd;
}

/** Linear-interpolation quantile (numpy default / R type 7) of unsorted xs. */
export function quantile(xs: ArrayLike<number>, q: number): number {
  const s = Float64Array.from(xs).sort();
  const n = s.length;
  if (n === 0) return 0;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

/** Historical value at risk at `level` (0.95, 0.99) as a positive loss fraction. */
export function historicalVar(r: ArrayLike<number>, level: number): number {
  if (r.length === 0) return 0;
  return 0 - quantile(r, 1 - level); // 0 - x, not -x: no negative zero in reports
}

/** Historical expected shortfall: minus the mean of the returns at or below the (1 - level) quantile. */
export function expectedShortfall(r: ArrayLike<number>, level: number): number {
  if (r.length === 0) return 0;
  const q = quantile(r, 1 - level);
  let s = 0;
  let k = 0;
  for (let i = 0; i < r.length; i++) {
    if (r[i]! <= q) {
      s += r[i]!;
      k++;
    }
  }
  return k === 0 ? 0 - q : 0 - s / k;
}

/** Probabilistic Sharpe ratio P(true SR > srStar) given a per-period SR estimated on n returns. */
export function probabilisticSharpe(sr: number, n: number, skew: number, kurtosis: number, srStar = 0): number {
  if (n < 2) return 0.5;
  const v = 1 - skew * sr + ((kurtosis - 1) / 4) * sr * sr;
  if (!(v > 0)) return sr > srStar ? 1 : sr < srStar ? 0 : 0.5;
  return normCdf(((sr - srStar) * Math.sqrt(n - 1)) / Math.sqrt(v));
}

/** The expected maximum per-period Sharpe ratio of N unskilled trials with SR variance `variance`. */
export function expectedMaxSharpe(trials: number, variance: number): number {
  if (trials <= 1 || !(variance > 0)) return 0;
  return Math.sqrt(variance) * ((1 - EULER_GAMMA) * normQuantile(1 - 1 / trials) + EULER_GAMMA * normQuantile(1 - 1 / (trials * Math.E)));
}

/** Deflated Sharpe ratio: PSR against the best Sharpe ratio expected from `trials` unskilled tries. */
export function deflatedSharpe(sr: number, n: number, skew: number, kurtosis: number, trials: number, variance?: number): number {
  const v = variance ?? (n > 1 ? Math.max(0, 1 - skew * sr + ((kurtosis - 1) / 4) * sr * sr) / (n - 1) : 0);
  return probabilisticSharpe(sr, n, skew, kurtosis, expectedMaxSharpe(trials, v));
}

/** Max drawdown (<= 0) and its longest duration in bars. */
export function drawdown(equity: Float64Array): { max: number; duration: number } {
  let peak = -Infinity;
  let max = 0;
  let since = 0;
  let longest = 0;
  for (let t = 0; t < equity.length; t++) {
    const e = equity[t]!;
    if (e >= peak) {
      peak = e;
      since = t;
    } else {
      const dd = peak > 0 ? e / peak - 1 : 0;
      if (dd < max) max = dd;
      if (t - since > longest) longest = t - since;
    }
  }
  return { max, duration: longest };
}

/** Every metric of a backtest result. */
export function computeMetrics(res: BacktestResult, opts: MetricsOptions = {}): Metrics {
  const P = opts.periodsPerYear ?? 252;
  if (!(P > 0)) throw new RangeError(`periodsPerYear must be > 0, got ${P}`);
  const rfp = (opts.riskFree ?? 0) / P;
  const eq = res.equity;
  const n = eq.length;
  const r = equityReturns(eq, res.initCash);
  const final = n > 0 ? eq[n - 1]! : res.initCash;
  const growth = final / res.initCash;
  const total = growth - 1;
  const cagr = n === 0 ? 0 : growth <= 0 ? -1 : growth ** (P / n) - 1;
  const sd = stdev(r);
  const m = mean(r) - rfp;
  const sharpe = sd === 0 ? 0 : (m / sd) * Math.sqrt(P);
  let down = 0;
  for (let t = 0; t < n; t++) {
    const x = Math.min(r[t]! - rfp, 0);
    down += x * x;
  }
  down = n > 0 ? Math.sqrt(down / n) : 0;
  const sortino = down === 0 ? (m > 0 ? Infinity : 0) : (m / down) * Math.sqrt(P);
  const dd = drawdown(eq);
  const calmar = dd.max === 0 ? (cagr > 0 ? Infinity : 0) : cagr / -dd.max;

  let closed = 0;
  let wins = 0;
  let gp = 0;
  let gl = 0;
  let pnlSum = 0;
  for (const tr of res.trades) {
    if (tr.exitBar < 0) continue;
    closed++;
    pnlSum += tr.pnl;
    if (tr.pnl > 0) {
      wins++;
      gp += tr.pnl;
    } else gl -= tr.pnl;
  }
  const profitFactor = gl === 0 ? (gp > 0 ? Infinity : 0) : gp / gl;
  let inMarket = 0;
  let eqSum = 0;
  for (let t = 0; t < n; t++) {
    if (res.exposure[t]! !== 0) inMarket++;
    eqSum += eq[t]!;
  }
  const meanEq = n > 0 ? eqSum / n : res.initCash;
  const years = n / P;
  const turnover = n === 0 || !(meanEq > 0) ? 0 : res.tradedValue / meanEq / years;
  const srp = periodSharpe(r, rfp);
  const { skew, kurtosis } = moments(r);
  return {
    total_return: total,
    cagr,
    volatility: sd * Math.sqrt(P),
    sharpe,
    sortino,
    calmar,
    max_drawdown: dd.max,
    max_drawdown_duration: dd.duration,
    profit_factor: profitFactor,
    win_rate: closed === 0 ? 0 : wins / closed,
    avg_trade_pnl: closed === 0 ? 0 : pnlSum / closed,
    trades: res.trades.length,
    closed_trades: closed,
    exposure: n === 0 ? 0 : inMarket / n,
    turnover,
    var_95: historicalVar(r, 0.95),
    var_99: historicalVar(r, 0.99),
    es_95: expectedShortfall(r, 0.95),
    es_99: expectedShortfall(r, 0.99),
    psr: probabilisticSharpe(srp, n, skew, kurtosis, 0),
    dsr: deflatedSharpe(srp, n, skew, kurtosis, opts.trials ?? 1, opts.trialSharpeVariance),
    skew,
    kurtosis,
    final_equity: final,
    fees: res.fees,
    bars: n,
    periods_per_year: P,
  };
}
