/**
 * Gradient histograms over binned features: for each (feature, bin) the sums of
 * gradient and hessian of the rows in a node. Layout: Float64Array, slot
 * `((f * BIN_SLOTS) + b) * 2` holds the gradient sum and `+1` the hessian sum.
 */
import { BIN_SLOTS, MISSING_BIN } from './binning.ts';

/** Floats per feature in a histogram. */
export const HIST_STRIDE = BIN_SLOTS * 2;

/**
 * Build the histogram of rows `rowIdx[start, end)` for the listed features.
 * gOrd/hOrd are scratch buffers at least (end - start) long: gradients are
 * gathered once into node order so the per-feature loops read them sequentially.
 */
export function buildHistogram(
  bins: Uint8Array,
  nRows: number,
  rowIdx: Int32Array,
  start: number,
  end: number,
  g: Float64Array,
  h: Float64Array,
  features: Int32Array,
  hist: Float64Array,
  gOrd: Float64Array,
  hOrd: Float64Array,
): void {
  const m = end - start;
  for (let k = 0; k < m; k++) {
    const r = rowIdx[start + k]!;
    gOrd[k] = g[r]!;
    hOrd[k] = h[r]!;
  }
  for (let fi = 0; fi < features.length; fi++) {
    const f = features[fi]!;
    const hb = f * HIST_STRIDE;
    hist.fill(0, hb, hb + HIST_STRIDE);
    const base = f * nRows;
    let k = 0;
    // two rows per iteration: fewer loop tests in the hottest loop of training
    for (; k + 1 < m; k += 2) {
      const i0 = hb + (bins[base + rowIdx[start + k]!]! << 1);
      hist[i0] += gOrd[k]!;
      hist[i0 + 1] += hOrd[k]!;
      const i1 = hb + (bins[base + rowIdx[start + k + 1]!]! << 1);
      hist[i1] += gOrd[k + 1]!;
      hist[i1 + 1] += hOrd[k + 1]!;
    }
    if (k < m) {
      const i0 = hb + (bins[base + rowIdx[start + k]!]! << 1);
      hist[i0] += gOrd[k]!;
      hist[i0 + 1] += hOrd[k]!;
    }
  }
}

/**
 * Sibling by subtraction: `parent -= child` over the listed features (parent
 * becomes the sibling). With `nBins`, only each feature's value bins and its
 * missing bin: the other slots are zero in both (no code lands there), so the
 * result is the same, and small nodes with few bins no longer pay for 256 slots.
 */
export function subtractHistogram(parent: Float64Array, child: Float64Array, features: Int32Array, nBins?: Int32Array): void {
  const miss = MISSING_BIN * 2;
  for (let fi = 0; fi < features.length; fi++) {
    const f = features[fi]!;
    const hb = f * HIST_STRIDE;
    const end = nBins ? hb + 2 * Math.min(nBins[f]!, MISSING_BIN) : hb + HIST_STRIDE;
    for (let i = hb; i < end; i++) parent[i] -= child[i]!;
    if (nBins) {
      parent[hb + miss] -= child[hb + miss]!;
      parent[hb + miss + 1] -= child[hb + miss + 1]!;
    }
  }
}

/** True on little-endian hosts, where a Uint32 read yields four codes lowest byte first. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Row-wise histogram over row-major codes padded to a multiple of 4 columns
 * (`binsRow[row * stride + f]`, `words` the same bytes as Uint32): one cache
 * line per row instead of one per (row, feature), four codes per load, and
 * gradient/hessian interleaved in `gh` so each row costs one gather. Measured
 * here 2x faster than the column-wise kernel on scattered rows.
 */
export function buildHistogramRowwise(
  binsRow: Uint8Array,
  words: Uint32Array,
  stride: number,
  rowIdx: Int32Array,
  start: number,
  end: number,
  gh: Float64Array,
  features: Int32Array,
  nCols: number,
  hist: Float64Array,
): void {
  if (features.length === nCols && LITTLE_ENDIAN) histogramWords(words, stride >> 2, 0, stride >> 2, rowIdx, start, end, gh, hist);
  else histogramFeatures(binsRow, stride, features, rowIdx, start, end, gh, hist);
}

/** All features in word range [q0, q1) (features 4*q0 .. 4*q1-1); zeroes those histogram slots first. */
export function histogramWords(words: Uint32Array, nw: number, q0: number, q1: number, rowIdx: Int32Array, start: number, end: number, gh: Float64Array, hist: Float64Array): void {
  const S = HIST_STRIDE;
  hist.fill(0, q0 * 4 * S, q1 * 4 * S);
  const pairs = (q1 - q0) >> 1;
  const odd = (q1 - q0) & 1;
  for (let k = start; k < end; k++) {
    const r = rowIdx[k]!;
    const gv = gh[2 * r]!;
    const hv = gh[2 * r + 1]!;
    let w = r * nw + q0;
    let hb = q0 * 4 * S;
    // eight codes per iteration (two words): measured ~20% faster than four
    for (let q = 0; q < pairs; q++, hb += 8 * S) {
      const x = words[w++]!;
      const y = words[w++]!;
      let i = hb + ((x & 255) << 1);
      hist[i] += gv;
      hist[i + 1] += hv;
      i = hb + S + (((x >>> 8) & 255) << 1);
      hist[i] += gv;
      hist[i + 1] += hv;
      i = hb + 2 * S + (((x >>> 16) & 255) << 1);
      hist[i] += gv;
      hist[i + 1] += hv;
      i = hb + 3 * S + ((x >>> 24) << 1);
      hist[i] += gv;
      hist[i + 1] += hv;
      i = hb + 4 * S + ((y & 255) << 1);
      hist[i] += gv;
      hist[i + 1] += hv;
      i = hb + 5 * S + (((y >>> 8) & 255) << 1);
      hist[i] += gv;
      hist[i + 1] += hv;
      i = hb + 6 * S + (((y >>> 16) & 255) << 1);
      hist[i] += gv;
      hist[i + 1] += hv;
      i = hb + 7 * S + ((y >>> 24) << 1);
      hist[i] += gv;
      hist[i + 1] += hv;
    }
    if (odd) {
      const x = words[w]!;
      let i = hb + ((x & 255) << 1);
      hist[i] += gv;
      hist[i + 1] += hv;
      i = hb + S + (((x >>> 8) & 255) << 1);
      hist[i] += gv;
      hist[i + 1] += hv;
      i = hb + 2 * S + (((x >>> 16) & 255) << 1);
      hist[i] += gv;
      hist[i + 1] += hv;
      i = hb + 3 * S + ((x >>> 24) << 1);
      hist[i] += gv;
      hist[i + 1] += hv;
    }
  }
}

/** The listed features only (column subsampling); zeroes their histogram slots first. */
export function histogramFeatures(binsRow: Uint8Array, stride: number, features: Int32Array, rowIdx: Int32Array, start: number, end: number, gh: Float64Array, hist: Float64Array): void {
  const nf = features.length;
  for (let fi = 0; fi < nf; fi++) {
    const hb = features[fi]! * HIST_STRIDE;
    hist.fill(0, hb, hb + HIST_STRIDE);
  }
  for (let k = start; k < end; k++) {
    const r = rowIdx[k]!;
    const gv = gh[2 * r]!;
    const hv = gh[2 * r + 1]!;
    const base = r * stride;
    for (let fi = 0; fi < nf; fi++) {
      const f = features[fi]!;
      const i = f * HIST_STRIDE + (binsRow[base + f]! << 1);
      hist[i] += gv;
      hist[i + 1] += hv;
    }
  }
}
