/**
 * Best split of a node from its histogram, XGBoost's regularised gain:
 * gain = 1/2 [T(GL)^2/(HL+l2) + T(GR)^2/(HR+l2) - T(G)^2/(H+l2)] - gamma,
 * T = soft-thresholding by the L1 penalty. Missing values are tried on both
 * sides and the better side becomes the learned default direction.
 */
import { MISSING_BIN } from './binning.ts';
import { HIST_STRIDE } from './histogram.ts';

/** Regularisation and constraints for one split decision. */
export interface SplitParams {
  readonly lambda: number;
  readonly alpha: number;
  readonly gamma: number;
  readonly minChildWeight: number;
}

/** A chosen split (mutable record reused by the grower). */
export interface SplitInfo {
  gain: number;
  feature: number;
  bin: number;
  defaultLeft: boolean;
  gl: number;
  hl: number;
  gr: number;
  hr: number;
}

/** An empty split record. */
export function noSplit(): SplitInfo {
  return { gain: 0, feature: -1, bin: -1, defaultLeft: false, gl: 0, hl: 0, gr: 0, hr: 0 };
}

/** L1 soft-threshold of a gradient sum. */
export function thresholdL1(g: number, alpha: number): number {
  if (alpha === 0) return g;
  if (g > alpha) return g - alpha;
  if (g < -alpha) return g + alpha;
  return 0;
}

/** Optimal leaf weight -T(G)/(H+lambda). */
export function leafWeight(g: number, h: number, p: SplitParams): number {
  return -thresholdL1(g, p.alpha) / (h + p.lambda);
}

/** Structure score T(G)^2/(H+lambda). */
function score(g: number, h: number, lambda: number, alpha: number): number {
  const t = alpha === 0 ? g : thresholdL1(g, alpha);
  return (t * t) / (h + lambda);
}

/**
 * Scan the histogram of every listed feature and write the best split into `out`
 * (out.feature = -1 when none beats gamma). G and H are the node totals.
 */
export function findBestSplit(
  hist: Float64Array,
  features: Int32Array,
  nBins: Int32Array,
  G: number,
  H: number,
  p: SplitParams,
  out: SplitInfo,
): void {
  const { lambda, alpha, minChildWeight: mcw } = p;
  const parent = score(G, H, lambda, alpha);
  let best = 1e-10; // a split must improve the loss by more than rounding noise
  out.feature = -1;
  out.gain = 0;
  for (let fi = 0; fi < features.length; fi++) {
    const f = features[fi]!;
    const hb = f * HIST_STRIDE;
    const gm = hist[hb + MISSING_BIN * 2]!;
    const hm = hist[hb + MISSING_BIN * 2 + 1]!;
    const hasMissing = hm > 0;
    const last = nBins[f]! - 1; // a split after the last value bin is no split
    let gl = 0;
    let hl = 0;
    for (let b = 0; b < last; b++) {
      const hb2 = hist[hb + b * 2 + 1]!;
      // an empty bin moves no rows: its split equals the previous one, already scored
      if (hb2 === 0 && hist[hb + b * 2] === 0) continue;
      gl += hist[hb + b * 2]!;
      hl += hb2;
      // missing to the right
      const gr = G - gl;
      const hr = H - hl;
      if (hl >= mcw && hr >= mcw) {
        const gain = score(gl, hl, lambda, alpha) + score(gr, hr, lambda, alpha) - parent;
        if (gain > best) {
          best = gain;
          setSplit(out, gain, f, b, false, gl, hl, gr, hr);
        }
      }
      if (hasMissing) {
        const gl2 = gl + gm;
        const hl2 = hl + hm;
        const gr2 = G - gl2;
        const hr2 = H - hl2;
        if (hl2 >= mcw && hr2 >= mcw) {
          const gain = score(gl2, hl2, lambda, alpha) + score(gr2, hr2, lambda, alpha) - parent;
          if (gain > best) {
            best = gain;
            setSplit(out, gain, f, b, true, gl2, hl2, gr2, hr2);
          }
        }
      }
    }
  }
  if (out.feature >= 0) {
    out.gain = 0.5 * out.gain - p.gamma;
    if (out.gain <= 0) out.feature = -1;
  }
}

function setSplit(out: SplitInfo, gain: number, f: number, b: number, dl: boolean, gl: number, hl: number, gr: number, hr: number): void {
  out.gain = gain;
  out.feature = f;
  out.bin = b;
  out.defaultLeft = dl;
  out.gl = gl;
  out.hl = hl;
  out.gr = gr;
  out.hr = hr;
}
