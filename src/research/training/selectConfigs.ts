/** Choose sweep leaderboard rows to train: PASS or MARGINAL only, by rank; more than five is allowed with a warning. */
import { BadInputError } from '../../core/errors.ts';
import type { SweepSummary } from '../sweep/runSweep.ts';
import type { SweepRecord } from '../sweep/sweepStore.ts';
import type { SelectedConfig } from './trainingStore.ts';

/** Above this many configurations a training warns (each one trains 12 grid points x 5 folds). */
export const WARN_ABOVE = 5;

/** Parse `1,2,5` into ranks (1-based, distinct). */
export function parseSelection(raw: string): number[] {
  const parts = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) throw new BadInputError('--select: give leaderboard ranks like 1,2');
  const ranks = parts.map((p) => {
    if (!/^\d+$/.test(p) || Number(p) < 1) throw new BadInputError(`--select: "${p}" is not a leaderboard rank (1, 2, ...)`);
    return Number(p);
  });
  if (new Set(ranks).size !== ranks.length) throw new BadInputError('--select: a rank is listed twice');
  return ranks;
}

/** The selected rows of a finished sweep's leaderboard, with warnings; FAIL rows and unknown ranks are refused. */
export function selectConfigs(sw: SweepRecord, ranks: readonly number[]): { configs: SelectedConfig[]; warnings: string[] } {
  const s = sw.summary as SweepSummary | null;
  if (sw.status !== 'done' || !s) throw new BadInputError(`sweep ${sw.id} is ${sw.status}; only a finished sweep's leaderboard can be trained`);
  const rows = s.leaderboard.rows;
  if (ranks.length === 0) throw new BadInputError('--select: choose at least one leaderboard rank');
  const configs = ranks.map((rank) => {
    const r = rows.find((x) => x.rank === rank);
    if (!r) throw new BadInputError(`--select: sweep ${sw.id} has ranks 1..${rows.length}, not ${rank}`);
    if (r.status === 'FAIL') throw new BadInputError(`--select: rank ${rank} FAILs its gates (${r.reasons.join('; ')}); train PASS or MARGINAL configurations only`);
    return { rank, idx: r.idx, params: r.params, status: r.status, reasons: r.reasons, sharpe: r.sharpe };
  });
  const warnings = configs.length > WARN_ABOVE ? [`${configs.length} configurations selected (more than ${WARN_ABOVE}): each trains the full grid on every fold`] : [];
  return { configs, warnings };
}
