import { writeFileSync } from 'node:fs';
import { BadInputError } from '../../core/errors.ts';
import type { SweepConfig } from '../../research/sweep/grid.ts';
import type { LeaderboardRow } from '../../research/sweep/leaderboard.ts';
import type { SweepSummary } from '../../research/sweep/runSweep.ts';
import type { SweepRecord } from '../../research/sweep/sweepStore.ts';
import { action, commandConfig, withStore, type CliContext, type CommandModule } from '../context.ts';
import { listOption, readSchemaFile } from '../options.ts';
import { pct, table } from '../output.ts';
import { userOf, type UserOptions } from './models.ts';

interface SweepOptions extends UserOptions {
  model?: string;
  mode?: string;
  config?: string;
  walkForward?: boolean;
  workers?: string;
  queue?: string;
  chunk?: string;
  tags?: string;
  csv?: string;
}

/** PBO blocks (C(12,6) = 924 splits). */
const PBO_BLOCKS = 12;

async function readConfig(file: string): Promise<SweepConfig> {
  const { SweepConfigSchema } = await import('../../research/sweep/grid.ts');
  return readSchemaFile(file, SweepConfigSchema);
}

function summaryResult(sw: SweepRecord, human: boolean): { json: unknown; human: string; exitCode?: 0 | 1 | 2 } {
  const s = sw.summary as SweepSummary | null;
  const json = { id: sw.id, status: sw.status, mode: sw.plan.mode, model: sw.spec.name, combinations: sw.total, tags: sw.tags, walk_forward: s?.walk_forward ?? null, leaderboard: s?.leaderboard ?? null, elapsed_ms: s?.elapsed_ms };
  if (!human || !s) return { json, human: `sweep ${sw.id}: ${sw.status}`, exitCode: sw.status === 'done' ? 0 : 1 };
  const lb = s.leaderboard;
  const cfg = (r: LeaderboardRow): string => {
    const p = r.params;
    return `thr=${p.threshold} top=${p.top_pct} hours=${Array.isArray(p.allowed_hours) ? p.allowed_hours.join('/') : p.allowed_hours} sl=${p.stop_loss} tp=${p.take_profit} hold=${p.hold_days} pos=${p.max_positions} ${p.entry_type}${p.strike_selection ? ` ${p.strike_selection}` : ''}${p.dte_target !== undefined ? ` dte=${p.dte_target}` : ''}`;
  };
  const lines = [
    `sweep ${sw.id} (${sw.plan.mode}, ${sw.total} combinations, model ${sw.spec.name}): ${sw.status}`,
    table(['rank', 'configuration', 'sharpe', 'return', 'trades', 'max dd', 'gate', 'reasons'], lb.rows.slice(0, 20).map((r) => [r.rank, cfg(r), r.sharpe, pct(r.total_return), r.trades, pct(r.max_drawdown), r.status, r.reasons.join('; ')])),
    `PASS ${lb.counts.PASS}, MARGINAL ${lb.counts.MARGINAL}, FAIL ${lb.counts.FAIL}; winner deflated Sharpe ${lb.winner_dsr.toFixed(3)} over ${lb.trials} distinct trials; PBO ${Number.isFinite(lb.pbo) ? lb.pbo.toFixed(3) : 'n/a'} (${lb.pbo_splits} CSCV splits)`,
  ];
  if (s.walk_forward) {
    const w = s.walk_forward;
    lines.push(`walk-forward: ${w.folds.length} folds; stitched out-of-sample Sharpe ${w.stitched.sharpe.toFixed(2)}, return ${pct(w.stitched.total_return)}, max dd ${pct(w.stitched.max_drawdown)}, ${w.stitched.trades} trades over ${w.stitched.bars} bars`);
  }
  return { json, human: lines.join('\n'), exitCode: 0 };
}

async function execute(ctx: CliContext, opts: SweepOptions, id: string): Promise<SweepRecord> {
  const { openQueue } = await import('../../research/jobs/openQueue.ts');
  const { runSweep } = await import('../../research/sweep/runSweep.ts');
  const { interruptible } = await import('../progress.ts');
  const cfg = commandConfig(ctx, opts);
  const queue = await openQueue({ queue: opts.queue ?? cfg.REDIS_URL, workers: opts.workers === undefined ? undefined : Number(opts.workers) });
  let started = false;
  try {
    return await interruptible(Boolean(opts.json), (signal, bar) =>
      withStore(ctx, opts, (store) =>
        runSweep(store, queue, id, {
          signal,
          chunk: opts.chunk === undefined ? undefined : Number(opts.chunk),
          onProgress: (p) => {
            if (p.phase === 'estimate') {
              ctx.io.stderr.write(`sweep ${id}: ${p.total - p.done} of ${p.total} to run on ${queue.kind} (${queue.concurrency}), estimated ${p.etaSeconds.toFixed(1)} s\n`);
              bar.start(p.total, 'sweep');
              bar.tick(p.done);
              started = true;
            } else if (started && p.phase === 'running') bar.tick(0, `${p.done}/${p.total} eta ${p.etaSeconds.toFixed(0)}s`);
          },
        }),
      ),
    );
  } finally {
    await queue.close();
  }
}

/** `tradepilot sweep`: parameter sweeps of a model with quality gates, leaderboard, DSR, PBO and walk-forward. */
export const registerSweep: CommandModule = (program, ctx) => {
  const sweep = program
    .command('sweep')
    .description('sweep a model\'s strategy parameters (simple: 45 combinations; custom: up to 1,000 from --config)')
    .option('--model <name>', 'model name')
    .option('--mode <mode>', 'simple|custom', 'simple')
    .option('--config <file>', 'custom grid (YAML/JSON): grid axes, walk_forward, tags')
    .option('--walk-forward', 'sweep in-sample, trade the winner out-of-sample, roll')
    .option('--workers <n>', 'worker threads (default all cores; 0 = this thread)')
    .option('--queue <url>', 'run on BullMQ workers at this redis:// URL (default REDIS_URL when set)')
    .option('--chunk <n>', 'combinations per task')
    .option('--tags <list>', 'comma-separated tags saved with the results')
    .option('--user <id>', 'acting user')
    .option('--json', 'print one JSON document')
    .action(
      action<SweepOptions>(ctx, async (opts) => {
        if (!opts.model) throw new BadInputError('--model is required (or use sweep status|cancel|resume|export)');
        if (opts.mode !== 'simple' && opts.mode !== 'custom') throw new BadInputError(`--mode must be simple or custom, got "${opts.mode}"`);
        if (opts.mode === 'custom' && !opts.config) throw new BadInputError('--mode custom needs --config FILE');
        const config = opts.config ? await readConfig(opts.config) : undefined;
        const { customGrid, simpleGrid } = await import('../../research/sweep/grid.ts');
        const { createSweep } = await import('../../research/sweep/sweepStore.ts');
        const { getModel } = await import('../../strategy/models/modelStore.ts');
        const id = await withStore(ctx, opts, async (store) => {
          const model = await getModel(store, userOf(ctx, opts), opts.model!);
          const spec = model.spec;
          const combos = opts.mode === 'simple' ? simpleGrid(spec.params) : customGrid(spec.params, config!, spec.instrument, spec.risk.max_positions);
          const bpd = spec.timeframe === '1d' ? 1 : Math.round(390 / { '1m': 1, '5m': 5, '30m': 30, '1h': 60, '6h': 360, '1d': 390 }[spec.timeframe]);
          const wf = opts.walkForward || config?.walk_forward ? (config?.walk_forward ?? { is_bars: 126 * bpd, oos_bars: 21 * bpd }) : null;
          const tags = [...(listOption(opts.tags) ?? []), ...(config?.tags ?? [])];
          return (await createSweep(store, userOf(ctx, opts), model.id, spec, { mode: opts.mode as 'simple' | 'custom', combos, walkForward: wf, blocks: PBO_BLOCKS }, tags)).id;
        });
        return summaryResult(await execute(ctx, opts, id), !opts.json);
      }),
    );
  sweep
    .command('status')
    .argument('<id>', 'sweep id (or a unique prefix)')
    .option('--json', 'print one JSON document')
    .action(
      action<SweepOptions>(ctx, async (opts, args) =>
        withStore(ctx, opts, async (store) => {
          const { getSweep, loadRows } = await import('../../research/sweep/sweepStore.ts');
          const sw = await getSweep(store, args[0]!);
          let done = 0;
          for (const rows of (await loadRows(store, sw.id)).values()) done += rows.length;
          const json = { id: sw.id, status: sw.status, done, total: sw.total, mode: sw.plan.mode, walk_forward: sw.plan.walkForward, tags: sw.tags, model: sw.spec.name, updated_at: sw.updatedAt };
          return { json, human: `sweep ${sw.id}: ${sw.status}, ${done} rows saved of ${sw.total} combinations${sw.plan.walkForward ? ' per fold' : ''}` };
        }),
      ),
    );
  sweep
    .command('cancel')
    .argument('<id>', 'sweep id')
    .option('--json', 'print one JSON document')
    .action(
      action<SweepOptions>(ctx, async (opts, args) =>
        withStore(ctx, opts, async (store) => {
          const { getSweep, setSweepStatus } = await import('../../research/sweep/sweepStore.ts');
          const sw = await getSweep(store, args[0]!);
          if (sw.status === 'done' || sw.status === 'cancelled') return { json: { id: sw.id, status: sw.status }, human: `sweep ${sw.id} is already ${sw.status}` };
          // A running sweep polls its status and stops within a second; one that is not running is cancelled here.
          await setSweepStatus(store, sw.id, sw.status === 'running' ? 'cancelling' : 'cancelled', 'sweep.cancel_requested', {});
          return { json: { id: sw.id, status: 'cancelling' }, human: `cancel requested for sweep ${sw.id}` };
        }),
      ),
    );
  sweep
    .command('resume')
    .argument('<id>', 'sweep id')
    .option('--workers <n>', 'worker threads')
    .option('--queue <url>', 'redis:// URL')
    .option('--chunk <n>', 'combinations per task')
    .option('--json', 'print one JSON document')
    .action(
      action<SweepOptions>(ctx, async (opts, args) => {
        const { getSweep } = await import('../../research/sweep/sweepStore.ts');
        const id = await withStore(ctx, opts, async (store) => (await getSweep(store, args[0]!)).id);
        return summaryResult(await execute(ctx, opts, id), !opts.json);
      }),
    );
  sweep
    .command('export')
    .argument('<id>', 'sweep id')
    .requiredOption('--csv <file>', 'write the leaderboard here')
    .option('--json', 'print one JSON document')
    .action(
      action<SweepOptions>(ctx, async (opts, args) =>
        withStore(ctx, opts, async (store) => {
          const { getSweep } = await import('../../research/sweep/sweepStore.ts');
          const { leaderboardCsv } = await import('../../research/sweep/leaderboard.ts');
          const sw = await getSweep(store, args[0]!);
          const s = sw.summary as SweepSummary | null;
          if (!s) throw new BadInputError(`sweep ${sw.id} is ${sw.status}; resume it before exporting`);
          writeFileSync(opts.csv!, leaderboardCsv(s.leaderboard));
          await store.append({ type: 'sweep.exported', subject: sw.id, correlationId: sw.id, payload: { file: opts.csv, rows: s.leaderboard.rows.length } });
          return { json: { id: sw.id, file: opts.csv, rows: s.leaderboard.rows.length }, human: `wrote ${s.leaderboard.rows.length} rows to ${opts.csv}` };
        }),
      ),
    );
};
