import { BadInputError } from '../../core/errors.ts';
import { action, commandConfig, type CommandModule, type CommonOptions } from '../context.ts';

interface WorkerOptions extends CommonOptions {
  redis?: string;
  concurrency?: string;
}

/** `tradepilot worker --redis URL`: process sweep tasks, training units and RL rollout shards from BullMQ until SIGINT/SIGTERM. */
export const registerWorker: CommandModule = (program, ctx) => {
  program
    .command('worker')
    .description('run sweep tasks, training units and RL rollout shards from a Redis queue (start any number, on any machine)')
    .option('--redis <url>', 'redis:// URL (default REDIS_URL)')
    .option('--concurrency <n>', 'tasks at once', '1')
    .option('--json', 'print one JSON document when stopped')
    .action(
      action<WorkerOptions>(ctx, async (opts) => {
        const url = opts.redis ?? commandConfig(ctx, opts).REDIS_URL;
        if (!url) throw new BadInputError('worker needs --redis URL or REDIS_URL');
        const { startBullWorker } = await import('../../adapters/queue/bullmq.ts');
        let jobs = 0;
        const w = startBullWorker(url, { concurrency: Number(opts.concurrency ?? 1), onJob: () => jobs++ });
        await w.waitUntilReady();
        ctx.io.stderr.write(`worker ready on ${new URL(url).host}\n`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await w.close();
        return { json: { jobs }, human: `worker stopped after ${jobs} tasks` };
      }),
    );
};
