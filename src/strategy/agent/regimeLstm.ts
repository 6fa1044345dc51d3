import { Rng } from '../../core/rng.ts';
import type { FeatureMatrix } from '../../features/featureSet.ts';
import { Adam, LastStep, Linear, Lstm, Sequential, Tensor, backward, bceWithLogits, clipGradNorm, loadParams, noGrad, saveParams, type ParamFile } from '../../ml/nn/index.ts';
import { sigmoidScalar } from '../../ml/nn/ops.ts';

/** Size and training knobs of the regime LSTM (small defaults: trains in seconds on a few years of daily bars). */
export interface RegimeLstmParams {
  /** Bars per input sequence. */
  window: number;
  hidden: number;
  epochs: number;
  batch: number;
  lr: number;
  seed: number;
}

/** Defaults for `agent train`. */
export const DEFAULT_REGIME_LSTM: RegimeLstmParams = { window: 20, hidden: 8, epochs: 4, batch: 64, lr: 0.01, seed: 7 };

/** The stored artifact: architecture, the per-feature standardisation and the weights. */
export interface RegimeLstmFile {
  kind: 'regime-lstm';
  window: number;
  hidden: number;
  features: string[];
  mean: number[];
  sd: number[];
  params: ParamFile;
}

function net(nFeatures: number, hidden: number, seed: number): Sequential {
  const rng = new Rng(seed);
  return new Sequential([new Lstm(nFeatures, hidden, { rng, dtype: 'float32' }), new LastStep(), new Linear(hidden, 1, { rng, dtype: 'float32' })]);
}

/** Fill a [window, F] block (row-major, time then feature) ending at row `end`, standardised; missing values become 0 (the mean). */
function windowInto(m: FeatureMatrix, end: number, window: number, mean: readonly number[], sd: readonly number[], out: Float32Array, offset: number): void {
  const F = m.columns.length;
  for (let t = 0; t < window; t++) {
    const i = end - window + 1 + t;
    for (let j = 0; j < F; j++) {
      const v = i >= 0 ? m.data[j * m.nRows + i]! : NaN;
      out[offset + t * F + j] = Number.isFinite(v) ? (v - mean[j]!) / sd[j]! : 0;
    }
  }
}

/**
 * Train the regime model: an LSTM over the last `window` bars of standardised
 * features, a linear head, and binary cross-entropy against the bull label
 * (`y[i]` in {0, 1}, NaN = unknown) at the window's last bar.
 */
export function trainRegimeLstm(m: FeatureMatrix, y: Float64Array, rows: readonly number[], p: RegimeLstmParams = DEFAULT_REGIME_LSTM): RegimeLstmFile {
  const F = m.columns.length;
  const mean: number[] = [];
  const sd: number[] = [];
  for (let j = 0; j < F; j++) {
    let s = 0;
    let s2 = 0;
    let n = 0;
    for (const i of rows) {
      const v = m.data[j * m.nRows + i]!;
      if (!Number.isFinite(v)) continue;
      s += v;
      s2 += v * v;
      n++;
    }
    const mu = n > 0 ? s / n : 0;
    mean.push(mu);
    sd.push(n > 1 ? Math.sqrt(Math.max(s2 / n - mu * mu, 0)) || 1 : 1);
  }
  const model = net(F, p.hidden, p.seed);
  const opt = new Adam(model.parameters(), { lr: p.lr });
  const rng = new Rng(p.seed + 1);
  const order = rows.filter((i) => i >= p.window - 1 && (y[i] === 0 || y[i] === 1));
  const xb = new Float32Array(p.batch * p.window * F);
  const yb = new Float32Array(p.batch);
  for (let e = 0; e < p.epochs; e++) {
    rng.shuffle(order);
    for (let b = 0; b + p.batch <= order.length; b += p.batch) {
      for (let k = 0; k < p.batch; k++) {
        const i = order[b + k]!;
        windowInto(m, i, p.window, mean, sd, xb, k * p.window * F);
        yb[k] = y[i]!;
      }
      opt.zeroGrad();
      const logits = model.forward(new Tensor(xb, [p.batch, p.window, F]));
      const loss = bceWithLogits(logits, new Tensor(yb, [p.batch, 1]));
      backward(loss);
      clipGradNorm(model.parameters(), 1);
      opt.step();
    }
  }
  return { kind: 'regime-lstm', window: p.window, hidden: p.hidden, features: [...m.columns], mean, sd, params: saveParams(model, { name: 'regime-lstm' }) };
}

/** A loaded regime model: P(bull) at a row of a feature matrix with the trained columns. */
export class RegimeLstm {
  private readonly model: Sequential;

  /** Rebuilds the net and loads its weights; throws MODEL_INVALID naming `source` on a bad file. */
  constructor(
    readonly file: RegimeLstmFile,
    source: string,
  ) {
    this.model = net(file.features.length, file.hidden, 0);
    loadParams(this.model, file.params, source);
  }

  /** P(bull) for the window ending at row `i`. */
  pBull(m: FeatureMatrix, i: number): number {
    const F = m.columns.length;
    const x = new Float32Array(this.file.window * F);
    windowInto(m, i, this.file.window, this.file.mean, this.file.sd, x, 0);
    const logit = noGrad(() => this.model.forward(new Tensor(x, [1, this.file.window, F])));
    return sigmoidScalar(logit.data[0]!);
  }
}
