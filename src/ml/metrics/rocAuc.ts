/**
 * Area under the ROC curve via the rank-sum (Mann-Whitney) identity, with tied
 * scores given their average rank, so ties count one half as in scikit-learn.
 */
import { BadInputError } from '../../core/errors.ts';

/** ROC AUC of scores against 0/1 labels; NaN when only one class is present. */
export function rocAuc(y: ArrayLike<number>, score: ArrayLike<number>): number {
  const n = y.length;
  if (score.length !== n) throw new BadInputError(`rocAuc: ${n} labels but ${score.length} scores`);
  const idx = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a]! - score[b]!);
  let rankSumPos = 0;
  let nPos = 0;
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && score[idx[j]!] === score[idx[i]!]) j++;
    const avgRank = (i + 1 + j) / 2; // ranks i+1..j
    for (let k = i; k < j; k++) {
      if (y[idx[k]!] === 1) {
        rankSumPos += avgRank;
        nPos++;
      }
    }
    i = j;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}
