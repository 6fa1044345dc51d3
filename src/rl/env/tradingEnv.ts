/**
 * The trading environment: `reset()` / `step(action)` over one instrument's bars. The agent
 * decides at bar t's close from an observation built from bars <= t; the trade fills at
 * close[t] (the price given to the account), and the reward is the change in portfolio value
 * to close[t+1] after brokerage, minus a risk term (drawdown increase or squared return,
 * settable) and a penalty for refused actions. Observation and step result are buffers
 * reused every step (copy them to keep them): a step allocates nothing.
 */
import { BadInputError } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';
import { TradingAccount, type AccountOptions } from './account.ts';
import { Action, TradeStatus } from './actions.ts';
import { FEATURE_WARMUP, NUM_FEATURES, featureMatrix, type OhlcvColumns } from './features.ts';

/** Bars in the default observation window: the LSTM carries longer memory, so a short window keeps the input small. */
export const DEFAULT_WINDOW = 4;

/** Account features appended to every observation: position side, unrealised P&L, capital. */
export const NUM_ACCOUNT_FEATURES = 3;

/** Which risk term is subtracted from the reward. */
export type RiskPenalty = 'drawdown' | 'volatility' | 'none';

/** Settings of a `TradingEnv`. */
export interface TradingEnvOptions extends AccountOptions {
  /** Bars in the observation window (default DEFAULT_WINDOW = 4). */
  window?: number;
  /** First bar an episode may start at (clamped to the feature warm-up); default 0. */
  start?: number;
  /** One past the last bar an episode may reach; default the series length. */
  end?: number;
  /** Steps per episode; default: from the start to `end`. */
  episodeLength?: number;
  /** Draws each episode's start uniformly in [start, end - episodeLength] when given. */
  rng?: Rng;
  /** With `rng`: draw starts from these bars only (e.g. one regime's bars); invalid ones are dropped. */
  startBars?: Int32Array;
  /** Fraction of equity committed on entry (default 0.95). */
  positionFraction?: number;
  /** Risk term in the reward (default drawdown). */
  riskPenalty?: RiskPenalty;
  /** Weight of the risk term (default 0.1). */
  riskCoef?: number;
  /** Reward subtracted for a refused action (default 0.02, about one entry fee on the default capital). */
  invalidPenalty?: number;
  /** Reward units per 1% change of the initial capital (default 1). */
  rewardScale?: number;
  /** Close any open position at the episode's last price, paying the exit fee (default true). */
  closeAtEnd?: boolean;
  /** Z-score window: 0 = expanding (default). */
  zWindow?: number;
  /** A precomputed feature matrix for these bars (shared between env copies). */
  features?: Float32Array;
}

/** What `step` reports besides observation and reward (reused object). */
export interface StepInfo {
  /** Bar index after the step. */
  t: number;
  price: number;
  equity: number;
  position: number;
  unrealisedPnl: number;
  realisedPnl: number;
  status: TradeStatus;
  fee: number;
  /** Net P&L of a trade closed in this step (0 otherwise). */
  closedPnl: number;
}

/** The result of `step` (reused object). */
export interface StepResult {
  observation: Float32Array;
  reward: number;
  done: boolean;
  info: StepInfo;
}

/** Single-instrument trading environment with a precomputed feature matrix. */
export class TradingEnv {
  readonly account: TradingAccount;
  readonly window: number;
  readonly obsDim: number;
  readonly features: Float32Array;
  readonly close: Float64Array;
  readonly start: number;
  readonly end: number;
  readonly episodeLength: number;
  private readonly rng: Rng | undefined;
  private readonly startBars: Int32Array | undefined;
  private readonly fraction: number;
  private readonly risk: 0 | 1 | 2;
  private readonly riskCoef: number;
  private readonly invalidPenalty: number;
  private readonly scale: number;
  private readonly closeAtEnd: boolean;
  private readonly obs: Float32Array;
  private readonly result: StepResult;
  private t = 0;
  private stop = 0;
  private prevEquity = 0;
  private peak = 0;
  private prevDd = 0;

  constructor(
    readonly bars: OhlcvColumns,
    opts: TradingEnvOptions = {},
  ) {
    const n = bars.close.length;
    this.window = opts.window ?? DEFAULT_WINDOW;
    if (!(this.window >= 1)) throw new BadInputError(`window must be >= 1, got ${this.window}`);
    this.features = opts.features ?? featureMatrix(bars, opts.zWindow ?? 0);
    if (this.features.length !== n * NUM_FEATURES) throw new BadInputError(`features must be [${n}, ${NUM_FEATURES}], got ${this.features.length} values`);
    this.close = bars.close;
    this.start = Math.max(opts.start ?? 0, FEATURE_WARMUP + this.window);
    this.end = Math.min(opts.end ?? n, n);
    this.episodeLength = opts.episodeLength ?? this.end - 1 - this.start;
    if (!(this.episodeLength >= 1) || this.start + this.episodeLength > this.end - 1) {
      throw new BadInputError(`episode of ${this.episodeLength} steps does not fit bars [${this.start}, ${this.end}) (series of ${n} bars, warm-up ${FEATURE_WARMUP + this.window})`);
    }
    this.rng = opts.rng;
    if (opts.startBars) {
      const last = this.end - 1 - this.episodeLength;
      this.startBars = opts.startBars.filter((b) => b >= this.start && b <= last);
      if (this.startBars.length === 0) throw new BadInputError(`none of the ${opts.startBars.length} start bars lies in [${this.start}, ${last}]`);
    }
    this.fraction = opts.positionFraction ?? 0.95;
    this.risk = opts.riskPenalty === 'none' ? 0 : opts.riskPenalty === 'volatility' ? 2 : 1;
    this.riskCoef = opts.riskCoef ?? 0.1;
    this.invalidPenalty = opts.invalidPenalty ?? 0.02;
    this.scale = 100 * (opts.rewardScale ?? 1);
    this.closeAtEnd = opts.closeAtEnd ?? true;
    this.account = new TradingAccount(opts);
    this.obsDim = this.window * NUM_FEATURES + NUM_ACCOUNT_FEATURES;
    this.obs = new Float32Array(this.obsDim);
    this.result = {
      observation: this.obs,
      reward: 0,
      done: false,
      info: { t: 0, price: 0, equity: 0, position: 0, unrealisedPnl: 0, realisedPnl: 0, status: TradeStatus.OK, fee: 0, closedPnl: 0 },
    };
  }

  /** Current bar index. */
  get currentBar(): number {
    return this.t;
  }

  /** Starts an episode (at `at`, or a random start, or `start`); returns the first observation. */
  reset(at?: number): Float32Array {
    const last = this.end - 1 - this.episodeLength;
    const sb = this.startBars;
    const t0 = at ?? (this.rng ? (sb ? sb[this.rng.int(sb.length)]! : this.start + this.rng.int(last - this.start + 1)) : this.start);
    if (!(t0 >= this.start && t0 <= last)) throw new BadInputError(`reset(${t0}): start must be in [${this.start}, ${last}]`);
    this.t = t0;
    this.stop = t0 + this.episodeLength;
    this.account.reset();
    this.prevEquity = this.account.initialCapital;
    this.peak = this.prevEquity;
    this.prevDd = 0;
    this.writeObs();
    return this.obs;
  }

  /** Applies `action` at close[t], moves to t+1 and returns the (reused) step result. */
  step(action: number): StepResult {
    const acc = this.account;
    const price = this.close[this.t]!;
    const opening = action === Action.BUY_LONG || action === Action.SELL_SHORT;
    const qty = opening ? Math.floor((this.fraction * acc.equity(price)) / price) : 0;
    const status = acc.executeTrade(action as Action, price, qty, this.t);
    let fee = acc.lastFee;
    let closed = acc.lastClosedPnl;
    this.t++;
    const now = this.close[this.t]!;
    const done = this.t >= this.stop;
    if (done && this.closeAtEnd && acc.position !== 0) {
      acc.executeTrade(acc.position > 0 ? Action.CLOSE_LONG : Action.CLOSE_SHORT, now, 0, this.t);
      fee += acc.lastFee;
      closed = acc.lastClosedPnl;
    }
    const eq = acc.equity(now);
    const ret = (eq - this.prevEquity) / this.prevEquity;
    let reward = ((eq - this.prevEquity) / acc.initialCapital) * this.scale;
    if (this.risk === 1) {
      if (eq > this.peak) this.peak = eq;
      const dd = (this.peak - eq) / this.peak;
      if (dd > this.prevDd) reward -= this.riskCoef * (dd - this.prevDd) * this.scale;
      this.prevDd = dd;
    } else if (this.risk === 2) {
      reward -= this.riskCoef * ret * ret * this.scale * 100;
    }
    if (status !== TradeStatus.OK) reward -= this.invalidPenalty;
    this.prevEquity = eq;
    this.writeObs();
    const r = this.result;
    r.reward = reward;
    r.done = done;
    const info = r.info;
    info.t = this.t;
    info.price = now;
    info.equity = eq;
    info.position = acc.position;
    info.unrealisedPnl = acc.unrealisedPnl(now);
    info.realisedPnl = acc.realisedPnl;
    info.status = status;
    info.fee = fee;
    info.closedPnl = closed;
    return r;
  }

  /** The observation at the current bar: window rows t-W+1..t, then the account features. */
  private writeObs(): void {
    const F = NUM_FEATURES;
    const W = this.window;
    const o = this.obs;
    const from = (this.t - W + 1) * F;
    const feats = this.features;
    for (let k = 0; k < W * F; k++) o[k] = feats[from + k]!;
    const acc = this.account;
    const price = this.close[this.t]!;
    const eq = acc.equity(price);
    o[W * F] = acc.position > 0 ? 1 : acc.position < 0 ? -1 : 0;
    o[W * F + 1] = (10 * acc.unrealisedPnl(price)) / eq;
    o[W * F + 2] = acc.capital / acc.initialCapital - 1;
  }
}
