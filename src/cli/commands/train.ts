import type { Store } from '../../adapters/store/store.ts';
import { BadInputError, NotFoundError } from '../../core/errors.ts';
import type { JobQueue } from '../../research/jobs/jobQueue.ts';
import type { TrainingGrid } from '../../research/training/trainingGrid.ts';
import type { TrainingRecord } from '../../research/training/trainingStore.ts';
import { action, commandConfig, withStore, type CliContext, type CommandModule } from '../context.ts';
import { optionalNumber, readSchemaFile } from '../options.ts';
import { table } from '../output.ts';
import { userOf, type UserOptions } from './models.ts';

interface TrainOptions extends UserOptions {
  sweep?: string;
  select?: string;
  grid?: string;
  folds?: string;
  embargoDays?: string;
  years?: string;
  rank?: string;
  reason?: string;
  workers?: string;
  queue?: string;
}

async function readGrid(file: string): Promise<TrainingGrid> {
  const { TrainingGridSchema } = await import('../../research/training/trainingGrid.ts');
  return readSchemaFile(file, TrainingGridSchema);
}

async function result(tr: TrainingRecord, warnings: string[] = []): Promise<{ json: unknown; human: string; exitCode: 0 | 1 }> {
  const { trainingView } = await import('../../research/training/trainingView.ts');
  const v = trainingView(tr);
  const json = { ...v, warnings };
  const ok = tr.status === 'done' || tr.status === 'published' || tr.status === 'discarded';
  if (!v.configs) return { json, human: [...warnings.map((w) => `warning: ${w}`), `training ${tr.id}: ${tr.status}`].join('\n'), exitCode: ok ? 0 : 1 };
  const lines = [
    ...warnings.map((w) => `warning: ${w}`),
    `training ${tr.id} (sweep ${tr.sweepId}, model ${v.model}): ${tr.status}${v.elapsed_ms === null ? '' : ` in ${(v.elapsed_ms / 1000).toFixed(1)} s`}`,
    table(
      ['rank', 'gate', 'rows', 'best n/depth/lr', 'cv logloss', 'cv auc', 'oof auc', 'model'],
      v.configs.map((c, i) => [`${c.rank}${i === v.best_config ? ' *' : ''}`, c.gate, c.rows, `${c.best.n_estimators}/${c.best.max_depth}/${c.best.learning_rate}`, c.cv.logloss.toFixed(4), c.cv.auc?.toFixed(3) ?? 'n/a', c.oof.auc?.toFixed(3) ?? 'n/a', `${c.model.registry} v${c.model.version}`]),
    ),
    `top features (rank ${v.configs[v.best_config ?? 0]!.rank}): ${v.configs[v.best_config ?? 0]!.importance.slice(0, 5).map((f) => `${f.feature} ${(f.share * 100).toFixed(0)}%`).join(', ')}`,
  ];
  return { json, human: lines.join('\n'), exitCode: ok ? 0 : 1 };
}

/** `latest` names the acting user's newest finished sweep (`--sweep latest`) or newest training; anything else is an id or a unique prefix. */
async function resolveRef(store: Store, kind: 'sweep' | 'training', ref: string, user: string): Promise<string> {
  if (ref !== 'latest') return ref;
  const row =
    kind === 'sweep'
      ? await store.db.selectFrom('sweeps').select('id').where('user_id', '=', user).where('status', '=', 'done').orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst()
      : await store.db.selectFrom('trainings').select('id').where('user_id', '=', user).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!row) throw new NotFoundError(`no ${kind === 'sweep' ? 'finished sweep' : 'training'} of user "${user}" yet`);
  return row.id;
}

/** The queue the units run on: --queue (or REDIS_URL) for BullMQ workers, else --workers threads (default all cores; 0 = this thread). Opened before anything is stored, so a bad flag or an unreachable Redis stores nothing. */
async function openTrainQueue(ctx: CliContext, opts: TrainOptions): Promise<JobQueue> {
  const { openQueue } = await import('../../research/jobs/openQueue.ts');
  return openQueue({ queue: opts.queue ?? commandConfig(ctx, opts).REDIS_URL, workers: optionalNumber('workers', opts.workers, 0, 64, true) });
}

async function execute(ctx: CliContext, opts: TrainOptions, id: string, queue: JobQueue): Promise<TrainingRecord> {
  const { runTraining } = await import('../../research/training/runTraining.ts');
  const { interruptible } = await import('../progress.ts');
  let started = false;
  try {
    return await interruptible(Boolean(opts.json), (signal, bar) =>
      withStore(ctx, opts, (store) =>
        runTraining(store, id, {
          signal,
          // Inline: this thread runs the units itself, as plain calls.
          ...(queue.kind === 'inline' ? {} : { queue }),
          onProgress: (p) => {
            if (p.phase === 'start') {
              ctx.io.stderr.write(`training ${id}: ${p.total - p.done} of ${p.total} (configuration, fold) units to run on ${queue.kind} (${queue.concurrency})${p.skipped > 0 ? `, ${p.skipped} saved` : ''}\n`);
              bar.start(p.total, 'train');
              bar.tick(p.done);
              started = true;
            } else if (started && p.phase === 'running') bar.tick(0, `${p.done}/${p.total}${Number.isFinite(p.etaSeconds) ? ` eta ${p.etaSeconds.toFixed(0)}s` : ''}`);
          },
        }),
      ),
    );
  } finally {
    await queue.close();
  }
}

/** `tradepilot train`: train the pack's boosted trees on chosen sweep configurations; status, publish, discard, cancel, resume. */
export const registerTrain: CommandModule = (program, ctx) => {
  const train = program
    .command('train')
    .description('train boosted trees for PASS/MARGINAL sweep configurations (grid n_estimators x max_depth x learning_rate, purged 5-fold time-series CV)')
    .option('--sweep <id>', 'finished sweep id (or a unique prefix; latest: your newest finished sweep)')
    .option('--select <ranks>', 'leaderboard ranks, e.g. 1,2')
    .option('--grid <file>', 'grid (YAML/JSON): n_estimators, max_depth, learning_rate lists')
    .option('--folds <n>', 'time-series folds (default 5)')
    .option('--embargo-days <n>', 'days left out before each test fold (default 1)')
    .option('--years <n>', 'evaluation window in years (default the model\'s)')
    .option('--workers <n>', 'worker threads for the (configuration, fold) units and final refits (default all cores; 0 = this thread)')
    .option('--queue <url>', 'run them on BullMQ workers at this redis:// URL (default REDIS_URL when set)')
    .option('--user <id>', 'acting user')
    .option('--json', 'print one JSON document')
    .action(
      action<TrainOptions>(ctx, async (opts) => {
        if (!opts.sweep) throw new BadInputError('--sweep is required (or use train status|publish|discard|cancel|resume)');
        if (!opts.select) throw new BadInputError('--select is required: leaderboard ranks such as 1,2');
        const { parseSelection } = await import('../../research/training/selectConfigs.ts');
        const { newTraining } = await import('../../research/training/newTraining.ts');
        const ranks = parseSelection(opts.select);
        const grid = opts.grid ? await readGrid(opts.grid) : undefined;
        const folds = optionalNumber('folds', opts.folds, 2, 20, true);
        const embargoDays = optionalNumber('embargo-days', opts.embargoDays, 0, 30);
        const years = optionalNumber('years', opts.years, 0.25, 20);
        const cfg = commandConfig(ctx, opts);
        const queue = await openTrainQueue(ctx, opts);
        const { training, warnings } = await withStore(ctx, opts, async (store) => newTraining(store, { userId: userOf(ctx, opts), sweepId: await resolveRef(store, 'sweep', opts.sweep!, userOf(ctx, opts)), ranks, modelDir: cfg.MODEL_DIR, grid, folds, embargoDays, years })).catch(async (err: unknown) => {
          await queue.close();
          throw err;
        });
        for (const w of warnings) ctx.io.stderr.write(`warning: ${w}\n`);
        return await result(await execute(ctx, opts, training.id, queue), warnings);
      }),
    );
  train
    .command('status')
    .argument('<id>', 'training id (or a unique prefix; latest: your newest training)')
    .option('--json', 'print one JSON document')
    .action(
      action<TrainOptions>(ctx, async (opts, args) =>
        withStore(ctx, opts, async (store) => {
          const { getTraining, loadFolds } = await import('../../research/training/trainingStore.ts');
          const tr = await getTraining(store, await resolveRef(store, 'training', args[0]!, userOf(ctx, opts)));
          const saved = (await loadFolds(store, tr.id)).size;
          const total = tr.plan.configs.length * tr.plan.folds;
          const r = await result(tr);
          return { json: { ...(r.json as object), done: saved, total }, human: `training ${tr.id}: ${tr.status}, ${saved} of ${total} (configuration, fold) units saved${r.human.includes('\n') ? `\n${r.human}` : ''}` };
        }),
      ),
    );
  train
    .command('publish')
    .argument('<id>', 'training id (or a unique prefix; latest: your newest training)')
    .option('--rank <n>', 'publish this trained rank instead of the best')
    .option('--json', 'print one JSON document')
    .action(
      action<TrainOptions>(ctx, async (opts, args) =>
        withStore(ctx, opts, async (store) => {
          const { publishTraining } = await import('../../research/training/publishTraining.ts');
          const tr = await publishTraining(store, await resolveRef(store, 'training', args[0]!, userOf(ctx, opts)), `cli:${userOf(ctx, opts)}`, optionalNumber('rank', opts.rank, 1, Infinity, true));
          return { ...(await result(tr)), human: `published training ${tr.id}: rank ${tr.publication.rank} (registry v${tr.publication.version}) now generates alerts` };
        }),
      ),
    );
  train
    .command('discard')
    .argument('<id>', 'training id (or a unique prefix; latest: your newest training)')
    .option('--reason <text>', 'why (kept in the audit trail)')
    .option('--json', 'print one JSON document')
    .action(
      action<TrainOptions>(ctx, async (opts, args) =>
        withStore(ctx, opts, async (store) => {
          const { discardTraining } = await import('../../research/training/publishTraining.ts');
          const tr = await discardTraining(store, await resolveRef(store, 'training', args[0]!, userOf(ctx, opts)), `cli:${userOf(ctx, opts)}`, opts.reason ?? '');
          return { ...(await result(tr)), human: `discarded training ${tr.id}: artifacts in ${tr.dir} deleted` };
        }),
      ),
    );
  train
    .command('cancel')
    .argument('<id>', 'training id (or a unique prefix; latest: your newest training)')
    .option('--json', 'print one JSON document')
    .action(
      action<TrainOptions>(ctx, async (opts, args) =>
        withStore(ctx, opts, async (store) => {
          const { cancelTraining } = await import('../../research/training/publishTraining.ts');
          const tr = await cancelTraining(store, await resolveRef(store, 'training', args[0]!, userOf(ctx, opts)), `cli:${userOf(ctx, opts)}`);
          return { json: { id: tr.id, status: tr.status }, human: `training ${tr.id}: ${tr.status}` };
        }),
      ),
    );
  train
    .command('resume')
    .argument('<id>', 'training id (or a unique prefix; latest: your newest training)')
    .option('--workers <n>', 'worker threads (default all cores; 0 = this thread)')
    .option('--queue <url>', 'redis:// URL of BullMQ workers (default REDIS_URL when set)')
    .option('--json', 'print one JSON document')
    .action(
      action<TrainOptions>(ctx, async (opts, args) => {
        const { getTraining } = await import('../../research/training/trainingStore.ts');
        const id = await withStore(ctx, opts, async (store) => (await getTraining(store, await resolveRef(store, 'training', args[0]!, userOf(ctx, opts)))).id);
        return await result(await execute(ctx, opts, id, await openTrainQueue(ctx, opts)));
      }),
    );
};
