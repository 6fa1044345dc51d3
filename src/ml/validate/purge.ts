/**
 * Purging and embargo (Lopez de Prado, AFML ch. 7): a training observation is
 * dropped when its label span [t0, t1] overlaps any test span, and the `embargo`
 * observations right after each test block are dropped too, because their
 * features were computed from data inside the test block.
 */

/** Label spans of the observations, in time order: observation i spans [t0[i], t1[i]]. */
export interface LabelSpans {
  readonly t0: ArrayLike<number>;
  readonly t1: ArrayLike<number>;
}

/**
 * Training indices left after purging against contiguous test blocks
 * `blocks` ([first, last] observation index, inclusive) and an embargo of
 * `embargo` observations after each block.
 */
export function purgedTrain(spans: LabelSpans, blocks: readonly (readonly [number, number])[], embargo: number): Int32Array {
  const n = spans.t0.length;
  const drop = new Uint8Array(n);
  for (const [a, b] of blocks) {
    let start = Infinity;
    let end = -Infinity;
    for (let i = a; i <= b; i++) {
      start = Math.min(start, spans.t0[i]!);
      end = Math.max(end, spans.t1[i]!);
    }
    for (let i = a; i <= b; i++) drop[i] = 1;
    for (let i = 0; i < n; i++) {
      // label spans overlap the test span (touching ends do not, as in AFML's PurgedKFold)
      if (spans.t0[i]! < end && spans.t1[i]! > start) drop[i] = 1;
    }
    // embargo: the first `embargo` observations that start at or after the test span's end
    let j = b + 1;
    while (j < n && spans.t0[j]! < end) j++;
    for (let e = 0; e < embargo && j + e < n; e++) drop[j + e] = 1;
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (!drop[i]) out.push(i);
  return Int32Array.from(out);
}

/** Check spans are time-ordered and well formed; returns a reason or null. */
export function spansProblem(spans: LabelSpans): string | null {
  const n = spans.t0.length;
  if (spans.t1.length !== n) return `t0 has ${n} entries but t1 has ${spans.t1.length}`;
  for (let i = 0; i < n; i++) {
    if (!(spans.t1[i]! >= spans.t0[i]!)) return `observation ${i}: label end ${spans.t1[i]} before start ${spans.t0[i]}`;
    if (i > 0 && spans.t0[i]! < spans.t0[i - 1]!) return `observation ${i}: start times are not in time order`;
  }
  return null;
}
