/**
 * Combinatorial purged cross-validation (Lopez de Prado, AFML 12.4): the
 * observations are cut into N contiguous groups; every choice of k groups is a
 * test set (C(N,k) splits), trained on the rest after purging and embargo.
 * Each group is tested in C(N-1,k-1) splits, which assemble into
 * phi = k/N * C(N,k) complete backtest paths.
 */
import { BadInputError } from '../../core/errors.ts';
import { range, type Fold } from './fold.ts';
import { purgedTrain, spansProblem, type LabelSpans } from './purge.ts';

/** One CPCV split: its test groups and the purged train/test rows. */
export interface CpcvSplit extends Fold {
  readonly testGroups: readonly number[];
}

/** A backtest path: for each group, which split's predictions cover it. */
export interface CpcvPath {
  /** splitOfGroup[g] = index into splits whose test set supplies group g on this path. */
  readonly splitOfGroup: readonly number[];
}

/** CPCV splits, the group boundaries and the backtest paths. */
export interface Cpcv {
  readonly splits: CpcvSplit[];
  readonly groups: readonly (readonly [number, number])[];
  readonly paths: CpcvPath[];
}

/** Options for cpcv. */
export interface CpcvOptions {
  nGroups: number;
  nTestGroups: number;
  embargoPct?: number;
}

/** All k-subsets of 0..n-1 in lexicographic order. */
export function combinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const cur: number[] = [];
  const rec = (start: number): void => {
    if (cur.length === k) {
      out.push(cur.slice());
      return;
    }
    for (let i = start; i <= n - (k - cur.length); i++) {
      cur.push(i);
      rec(i + 1);
      cur.pop();
    }
  };
  rec(0);
  return out;
}

/** Build the CPCV splits and paths. */
export function cpcv(spans: LabelSpans, o: CpcvOptions): Cpcv {
  const n = spans.t0.length;
  const bad = spansProblem(spans);
  if (bad) throw new BadInputError(`cpcv: ${bad}`);
  const N = o.nGroups;
  const k = o.nTestGroups;
  if (!(Number.isInteger(N) && N >= 2 && N <= n)) throw new BadInputError(`cpcv: nGroups must be an integer in 2..${n} (got ${N})`);
  if (!(Number.isInteger(k) && k >= 1 && k < N)) throw new BadInputError(`cpcv: nTestGroups must be an integer in 1..${N - 1} (got ${k})`);
  const embargo = Math.ceil(n * (o.embargoPct ?? 0));
  const groups: [number, number][] = [];
  for (let g = 0; g < N; g++) groups.push([Math.floor((g * n) / N), Math.floor(((g + 1) * n) / N) - 1]);
  const splits: CpcvSplit[] = combinations(N, k).map((testGroups) => {
    const test: number[] = [];
    for (const g of testGroups) for (const i of range(groups[g]![0], groups[g]![1] + 1)) test.push(i);
    return { testGroups, test: Int32Array.from(test), train: purgedTrain(spans, testGroups.map((g) => groups[g]!), embargo) };
  });
  // path p takes, for each group, the p-th split (in order) that tests that group
  const nPaths = (k * splits.length) / N;
  const byGroup: number[][] = Array.from({ length: N }, () => []);
  splits.forEach((s, si) => s.testGroups.forEach((g) => byGroup[g]!.push(si)));
  const paths: CpcvPath[] = [];
  for (let p = 0; p < nPaths; p++) paths.push({ splitOfGroup: byGroup.map((l) => l[p]!) });
  return { splits, groups, paths };
}
