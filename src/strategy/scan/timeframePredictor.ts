/**
 * Stage 4 (alpha, per timeframe): a GRU over the last `window` bars (default
 * 100) of five inputs per bar (log return, log high/low range, log close/open,
 * volume z-score within the window, RSI(14)/100 - 0.5; fields a source lacks
 * are 0) predicting the next bar's log return, scaled by the training returns'
 * standard deviation. Trained walk-forward: the first 80% of windows (in time)
 * train, the last 20% validate. Confidence of a forecast is the probability
 * its direction is right under the validation error, Phi(|forecast| / RMSE).
 */
import type { BarSeries } from '../../core/bar.ts';
import { BadInputError } from '../../core/errors.ts';
import { normCdf } from '../../core/math/normal.ts';
import { Rng } from '../../core/rng.ts';
import type { Timeframe } from '../../core/time.ts';
import { rsiInto } from '../../indicators/fast.ts';
import { Adam, Gru, LastStep, Linear, Sequential, Tensor, backward, clipGradNorm, loadParams, mseLoss, noGrad, saveParams, type ParamFile } from '../../ml/nn/index.ts';
import type { TimeframePrediction, TimeframePredictor } from './models.ts';

/** Inputs per bar. */
export const PREDICTOR_INPUTS = 5;

/** Training sizes. */
export interface PredictorConfig {
  window: number;
  hidden: number;
  epochs: number;
  batch: number;
  lr: number;
  /** At most this many windows per timeframe (evenly spaced, in time order). */
  maxWindows: number;
  seed: number;
}

/** Sizes for `scan train`. */
export const FULL_PREDICTOR: Readonly<PredictorConfig> = Object.freeze({ window: 100, hidden: 16, epochs: 8, batch: 32, lr: 2e-3, maxWindows: 1200, seed: 11 });
/** Tiny sizes for tests and a first run. */
export const QUICK_PREDICTOR: Readonly<PredictorConfig> = Object.freeze({ window: 100, hidden: 8, epochs: 2, batch: 32, lr: 3e-3, maxWindows: 96, seed: 11 });

/** The stored predictor. */
export interface PredictorArtifact {
  format: 'tradepilot.scan.predictor';
  version: 1;
  timeframe: Timeframe;
  window: number;
  hidden: number;
  /** Standard deviation of one-bar log returns in training (input and target scale). */
  scale: number;
  params: ParamFile;
  metrics: { symbols: string[]; train_windows: number; valid_windows: number; valid_rmse: number; zero_rmse: number; hit_rate: number };
}

/** Per-bar inputs of a whole series (row-major n x 5), unscaled returns in columns 0-2. */
function barInputs(s: BarSeries): Float64Array {
  const n = s.close.length;
  const out = new Float64Array(n * PREDICTOR_INPUTS);
  const rsi = rsiInto(s.close, 14, new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const o = i * PREDICTOR_INPUTS;
    out[o] = i > 0 ? Math.log(s.close[i]! / s.close[i - 1]!) : 0;
    out[o + 1] = s.fields.high && s.fields.low ? Math.log(s.high[i]! / s.low[i]!) : 0;
    out[o + 2] = s.fields.open ? Math.log(s.close[i]! / s.open[i]!) : 0;
    out[o + 3] = s.fields.volume && s.volume[i]! > 0 ? Math.log(s.volume[i]!) : NaN;
    out[o + 4] = Number.isFinite(rsi[i]!) ? rsi[i]! / 100 - 0.5 : 0;
  }
  return out;
}

/** Copy window [end-window+1 .. end] of `inp` into `dst` (offset `at`), scaled, with the volume z-scored inside the window. */
function fillWindow(inp: Float64Array, end: number, window: number, scale: number, dst: Float32Array, at: number): void {
  const F = PREDICTOR_INPUTS;
  let m = 0;
  let k = 0;
  for (let t = end - window + 1; t <= end; t++) {
    const v = inp[t * F + 3]!;
    if (Number.isFinite(v)) {
      m += v;
      k++;
    }
  }
  m = k > 0 ? m / k : 0;
  let sd = 0;
  for (let t = end - window + 1; t <= end; t++) {
    const v = inp[t * F + 3]!;
    if (Number.isFinite(v)) sd += (v - m) ** 2;
  }
  sd = k > 1 ? Math.sqrt(sd / (k - 1)) || 1 : 1;
  let o = at;
  for (let t = end - window + 1; t <= end; t++) {
    const b = t * F;
    const v = inp[b + 3]!;
    dst[o++] = clip(inp[b]! / scale);
    dst[o++] = clip(inp[b + 1]! / scale);
    dst[o++] = clip(inp[b + 2]! / scale);
    dst[o++] = Number.isFinite(v) ? clip((v - m) / sd) : 0;
    dst[o++] = inp[b + 4]!;
  }
}

const clip = (x: number): number => (x > 10 ? 10 : x < -10 ? -10 : x);

function buildNet(hidden: number, seed: number): Sequential {
  const rng = new Rng(seed);
  return new Sequential([new Gru(PREDICTOR_INPUTS, hidden, { rng, dtype: 'float32' }), new LastStep(), new Linear(hidden, 1, { rng, dtype: 'float32' })]);
}

/** Train one timeframe's predictor on the given series (each a symbol's bars on that timeframe). */
export function trainPredictor(timeframe: Timeframe, series: readonly BarSeries[], c: PredictorConfig = FULL_PREDICTOR): PredictorArtifact {
  const W = c.window;
  const F = PREDICTOR_INPUTS;
  const inputs = series.filter((s) => s.close.length > W + 1).map((s) => ({ s, inp: barInputs(s) }));
  if (inputs.length === 0) throw new BadInputError(`predictor ${timeframe}: no series longer than ${W + 1} bars`);
  // Window ends in time order across symbols, thinned evenly to maxWindows.
  const ends: { k: number; t: number; time: number }[] = [];
  inputs.forEach(({ s }, k) => {
    for (let t = W; t + 1 < s.close.length; t++) ends.push({ k, t, time: s.time[t]! });
  });
  ends.sort((a, b) => a.time - b.time || a.k - b.k);
  const stride = Math.max(1, Math.ceil(ends.length / c.maxWindows));
  const use = ends.filter((_, i) => i % stride === 0);
  const nTrain = Math.floor(use.length * 0.8);
  if (nTrain < 8 || use.length - nTrain < 2) throw new BadInputError(`predictor ${timeframe}: ${use.length} windows; need at least 10`);
  let ss = 0;
  let cnt = 0;
  for (const e of use.slice(0, nTrain)) {
    const r = inputs[e.k]!.inp[(e.t + 1) * F]!;
    ss += r * r;
    cnt++;
  }
  const scale = Math.sqrt(ss / cnt) || 1e-3;
  const X = new Float32Array(use.length * W * F);
  const Y = new Float32Array(use.length);
  use.forEach((e, i) => {
    const { inp } = inputs[e.k]!;
    fillWindow(inp, e.t, W, scale, X, i * W * F);
    Y[i] = clip(inp[(e.t + 1) * F]! / scale);
  });
  const net = buildNet(c.hidden, c.seed);
  const opt = new Adam(net.parameters(), { lr: c.lr });
  const rng = new Rng(c.seed + 1);
  const order = Int32Array.from({ length: nTrain }, (_, i) => i);
  for (let ep = 0; ep < c.epochs; ep++) {
    rng.shuffle(order);
    for (let b = 0; b < nTrain; b += c.batch) {
      const m = Math.min(c.batch, nTrain - b);
      const xb = new Float32Array(m * W * F);
      const yb = new Float32Array(m);
      for (let j = 0; j < m; j++) {
        const i = order[b + j]!;
        xb.set(X.subarray(i * W * F, (i + 1) * W * F), j * W * F);
        yb[j] = Y[i]!;
      }
      opt.zeroGrad();
      const loss = mseLoss(net.forward(new Tensor(xb, [m, W, F])), new Tensor(yb, [m, 1]));
      backward(loss);
      clipGradNorm(net.parameters(), 1);
      opt.step();
    }
  }
  const nv = use.length - nTrain;
  const pred = noGrad(() => net.forward(new Tensor(X.slice(nTrain * W * F), [nv, W, F]))).data;
  let se = 0;
  let z = 0;
  let hit = 0;
  for (let j = 0; j < nv; j++) {
    const y = Y[nTrain + j]!;
    se += (pred[j]! - y) ** 2;
    z += y * y;
    hit += Math.sign(pred[j]!) === Math.sign(y) ? 1 : 0;
  }
  return {
    format: 'tradepilot.scan.predictor',
    version: 1,
    timeframe,
    window: W,
    hidden: c.hidden,
    scale,
    params: saveParams(net, { name: `scan-gru-${timeframe}`, version: 1 }),
    metrics: { symbols: inputs.map((x) => x.s.symbol), train_windows: nTrain, valid_windows: nv, valid_rmse: Math.sqrt(se / nv) * scale, zero_rmse: Math.sqrt(z / nv) * scale, hit_rate: hit / nv },
  };
}

/** A trained predictor ready for the pipeline. */
export class GruPredictor implements TimeframePredictor {
  readonly timeframe: Timeframe;
  readonly window: number;
  private readonly net: Sequential;
  private readonly buf: Float32Array;

  constructor(readonly artifact: PredictorArtifact) {
    if (artifact.format !== 'tradepilot.scan.predictor') throw new BadInputError(`not a scan predictor artifact (format ${String(artifact.format)})`);
    this.timeframe = artifact.timeframe;
    this.window = artifact.window;
    this.net = buildNet(artifact.hidden, 0);
    loadParams(this.net, artifact.params, `predictor ${artifact.timeframe}`);
    this.buf = new Float32Array(this.window * PREDICTOR_INPUTS);
  }

  predict(s: BarSeries): TimeframePrediction | null {
    const n = s.close.length;
    if (n < this.window + 1) return null;
    // Only the bars of the window (plus RSI warm-up) are turned into inputs.
    const from = Math.max(0, n - this.window - 150);
    const sub = { ...s, time: s.time.subarray(from), open: s.open.subarray(from), high: s.high.subarray(from), low: s.low.subarray(from), close: s.close.subarray(from), volume: s.volume.subarray(from) };
    const inp = barInputs(sub);
    fillWindow(inp, sub.close.length - 1, this.window, this.artifact.scale, this.buf, 0);
    const out = noGrad(() => this.net.forward(new Tensor(this.buf, [1, this.window, PREDICTOR_INPUTS]))).data[0]!;
    const r = out * this.artifact.scale;
    const last = s.close[n - 1]!;
    const rmse = this.artifact.metrics.valid_rmse;
    return {
      predicted_price: last * Math.exp(r),
      confidence: rmse > 0 ? normCdf(Math.abs(r) / rmse) : 0.5,
      expected_return: Math.exp(r) - 1,
      last_close: last,
      as_of: new Date(s.time[n - 1]!).toISOString(),
    };
  }
}
