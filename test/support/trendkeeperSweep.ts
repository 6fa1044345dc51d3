/**
 * The sweep the training tests start from: trendkeeper on one year of the bundled TTRC daily
 * bars, run inline with a lenient custom grid that gives PASS, MARGINAL and FAIL rows.
 */
import type { Store } from '../../src/adapters/store/store.ts';
import { InlineQueue } from '../../src/research/jobs/inlineQueue.ts';
import { customGrid } from '../../src/research/sweep/grid.ts';
import { runSweep, type SweepSummary } from '../../src/research/sweep/runSweep.ts';
import { createSweep } from '../../src/research/sweep/sweepStore.ts';
import { buildModel } from '../../src/strategy/models/buildModel.ts';
import { createModel } from '../../src/strategy/models/modelStore.ts';
import { findPack } from '../../src/strategy/packs/load.ts';

/** Runs the sweep for user `u`; returns its id and its leaderboard rows (rank and gate status). */
export async function trendkeeperSweep(store: Store): Promise<{ sweepId: string; rows: { rank: number; status: string }[] }> {
  const spec = buildModel(findPack('trendkeeper').pack, { name: 'tk' });
  const m = await createModel(store, 'u', spec);
  const combos = customGrid(spec.params, { grid: { threshold: [0.5, 0.6], top_pct: [0.3, 0.5], hold_days: [2, 3, 5], entry_type: ['level'] } }, spec.instrument, 3);
  const sw = await createSweep(store, 'u', m.id, spec, { mode: 'custom', combos, walkForward: null, blocks: 12 }, []);
  const lb = ((await runSweep(store, new InlineQueue(), sw.id)).summary as SweepSummary).leaderboard;
  return { sweepId: sw.id, rows: lb.rows.map((r) => ({ rank: r.rank, status: r.status })) };
}
