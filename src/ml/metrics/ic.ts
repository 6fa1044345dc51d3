/**
 * Information coefficient: correlation between predicted scores and realised
 * returns; Pearson (IC) and Spearman on average ranks (rank IC).
 */
import { BadInputError } from '../../core/errors.ts';

/** Pearson correlation; NaN pairs are skipped; NaN when a side is constant. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new BadInputError(`correlation: lengths differ (${a.length} vs ${b.length})`);
  let n = 0;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== a[i] || b[i] !== b[i]) continue;
    n++;
    ma += (a[i]! - ma) / n;
    mb += (b[i]! - mb) / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== a[i] || b[i] !== b[i]) continue;
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/** Average ranks (1-based; ties share the mean rank); NaN stays NaN. */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const idx = Array.from({ length: n }, (_, i) => i).filter((i) => x[i] === x[i]);
  idx.sort((p, q) => x[p]! - x[q]!);
  const r = new Float64Array(n).fill(NaN);
  let i = 0;
  while (i < idx.length) {
    let j = i + 1;
    while (j < idx.length && x[idx[j]!] === x[idx[i]!]) j++;
    for (let k = i; k < j; k++) r[idx[k]!] = (i + 1 + j) / 2;
    i = j;
  }
  return r;
}

/** IC: Pearson correlation of scores with forward returns. */
export function informationCoefficient(score: ArrayLike<number>, fwdReturn: ArrayLike<number>): number {
  return pearson(score, fwdReturn);
}

/** Rank IC: Spearman correlation (Pearson on average ranks of the complete pairs). */
export function rankIC(score: ArrayLike<number>, fwdReturn: ArrayLike<number>): number {
  const keep: number[] = [];
  for (let i = 0; i < score.length; i++) if (score[i] === score[i] && fwdReturn[i] === fwdReturn[i]) keep.push(i);
  const a = averageRanks(keep.map((i) => score[i]!));
  const b = averageRanks(keep.map((i) => fwdReturn[i]!));
  return pearson(a, b);
}
