/**
 * Voting ensembles: majority vote over class labels with a minimum agreement
 * (the agent's 3-vote: act only when at least 2 of 3 models agree, else HOLD),
 * and weighted soft voting over probabilities.
 */
import { BadInputError } from '../../core/errors.ts';

/** Options for majorityVote. */
export interface MajorityOptions {
  /** Votes the winning label needs (default: more than half of the voters). */
  minAgree?: number;
  /** Label returned without enough agreement (e.g. HOLD). */
  fallback: number;
  /** Per-voter weights (default 1 each); minAgree then counts weight. */
  weights?: readonly number[];
}

/** Row-wise majority vote over the voters' label arrays. */
export function majorityVote(votes: readonly ArrayLike<number>[], o: MajorityOptions): Float64Array {
  if (votes.length === 0) throw new BadInputError('majorityVote: no voters');
  const n = votes[0]!.length;
  for (const v of votes) if (v.length !== n) throw new BadInputError('majorityVote: voters disagree on the number of rows');
  const w = o.weights ?? votes.map(() => 1);
  if (w.length !== votes.length) throw new BadInputError(`majorityVote: ${w.length} weights for ${votes.length} voters`);
  const total = w.reduce((a, b) => a + b, 0);
  const need = o.minAgree ?? Math.floor(total / 2) + 1;
  const out = new Float64Array(n);
  const tally = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    tally.clear();
    for (let k = 0; k < votes.length; k++) {
      const lab = votes[k]![i]!;
      if (lab !== lab) continue; // a model without an opinion abstains
      tally.set(lab, (tally.get(lab) ?? 0) + w[k]!);
    }
    let best = o.fallback;
    let bestW = -Infinity;
    let tie = false;
    for (const [lab, s] of tally) {
      if (s > bestW) {
        best = lab;
        bestW = s;
        tie = false;
      } else if (s === bestW) tie = true;
    }
    out[i] = !tie && bestW >= need ? best : o.fallback;
  }
  return out;
}

/** Weighted average of the voters' probabilities (weights normalised to sum 1). */
export function weightedVote(probs: readonly ArrayLike<number>[], weights?: readonly number[]): Float64Array {
  if (probs.length === 0) throw new BadInputError('weightedVote: no voters');
  const n = probs[0]!.length;
  const w = weights ?? probs.map(() => 1);
  if (w.length !== probs.length) throw new BadInputError(`weightedVote: ${w.length} weights for ${probs.length} voters`);
  const total = w.reduce((a, b) => a + b, 0);
  if (!(total > 0) || w.some((x) => x < 0)) throw new BadInputError('weightedVote: weights must be >= 0 with a positive sum');
  const out = new Float64Array(n);
  probs.forEach((p, k) => {
    if (p.length !== n) throw new BadInputError('weightedVote: voters disagree on the number of rows');
    for (let i = 0; i < n; i++) out[i] += (w[k]! / total) * p[i]!;
  });
  return out;
}
