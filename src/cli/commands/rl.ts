import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BadInputError } from '../../core/errors.ts';
import type { RlMetrics } from '../../rl/evaluate.ts';
import type { RlAgentKind, TrainProgress } from '../../rl/train.ts';
import { action, commandConfig, commandLogger, withStore, type CommandModule, type CommonOptions } from '../context.ts';
import { optionalNumber, positiveIntOption } from '../options.ts';
import { pct, table } from '../output.ts';

interface TrainOpts extends CommonOptions {
  agent?: string;
  episodes?: string;
  seed?: string;
  instrument?: string;
  finalDir?: string;
  rawDir?: string;
  out?: string;
  threads?: string;
  queue?: string;
  workers?: string;
  shards?: string;
  store?: boolean;
}

interface BacktestOpts extends CommonOptions {
  model?: string;
  data?: string;
  rawDir?: string;
  store?: boolean;
}

const AGENTS: readonly RlAgentKind[] = ['ppo', 'moe', 'maml'];

/** A training line rewritten in place on a TTY (episode, reward, moving average, losses); silent otherwise and in CI logs. */
export function trainingLine(
  asJson: boolean,
  stream: Pick<NodeJS.WriteStream, 'write' | 'isTTY'> = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): { update(p: TrainProgress): void; end(): void } {
  const live = !asJson && stream.isTTY === true && env.CI !== 'true';
  let wrote = false;
  return {
    update(p) {
      if (!live) return;
      const f = (x: number, d = 4): string => (Number.isFinite(x) ? x.toFixed(d) : '-');
      stream.write(`\r\x1b[2K${p.phase} ${p.iteration}/${p.iterations}  episodes ${p.episodes}  reward ${f(p.reward)}  avg20 ${f(p.movingAverage)}  policy loss ${f(p.policyLoss)}  value loss ${f(p.valueLoss)}`);
      wrote = true;
    },
    end() {
      if (wrote) stream.write('\n');
    },
  };
}

function metricsTable(ev: Record<string, RlMetrics>): string {
  const rows = Object.entries(ev).map(([name, m]) => [
    name, m.sharpe.toFixed(2), m.total_pnl.toFixed(0), Number.isFinite(m.profit_factor) ? m.profit_factor.toFixed(2) : 'inf', pct(m.max_drawdown), pct(m.win_rate, 1), m.avg_pnl_per_trade.toFixed(0), m.trades.toFixed(0),
    `${m.meets_sharpe_target ? 'yes' : 'no'} / ${m.meets_drawdown_target ? 'yes' : 'no'}`,
  ]);
  return table(['policy', 'sharpe', 'total P&L', 'profit factor', 'max DD', 'win rate', 'avg P&L/trade', 'trades', 'Sharpe>1.5 / DD<15%'], rows);
}

/** `tradepilot rl train|backtest`: reinforcement-learning agents (PPO, mixture of experts, MAML). */
export const registerRl: CommandModule = (program, ctx) => {
  const rl = program.command('rl').description('reinforcement-learning trading agents: PPO, mixture of experts, MAML');
  rl.command('train')
    .description('train an agent on data/raw (PPO, MoE) or data/final tasks (MAML) and evaluate it on held-out data')
    .option('--agent <kind>', 'ppo | moe | maml', 'ppo')
    .option('--episodes <n>', 'training episodes (MAML: meta-iterations)', '240')
    .option('--seed <n>', 'random seed (same seed, same result)', '1')
    .option('--instrument <name>', 'instrument of data/raw (default the first)')
    .option('--final-dir <dir>', 'processed training CSVs', 'data/final')
    .option('--raw-dir <dir>', 'one OHLC CSV per symbol', 'data/raw')
    .option('--out <file>', 'where to save the model (default models/rl/<agent>-seed<seed>.json)')
    .option('--threads <n>', '2: PPO computes half of each minibatch gradient on a second thread', '1')
    .option('--queue <url>', 'PPO rollouts as job-queue tasks on BullMQ workers (redis://...; start them with `tradepilot worker`)')
    .option('--workers <n>', 'PPO rollouts as job-queue tasks on an embedded pool of n worker threads (0: this thread)')
    .option('--shards <n>', 'rollout tasks per iteration with --queue/--workers (the result depends on this, not on the workers)', '2')
    .option('--no-store', 'do not store the evaluation decisions as events')
    .option('--json', 'print one JSON document')
    .action(
      action<TrainOpts>(ctx, async (opts) => {
        const agent = (opts.agent ?? 'ppo') as RlAgentKind;
        if (!AGENTS.includes(agent)) throw new BadInputError(`--agent must be one of ${AGENTS.join(', ')}, got ${opts.agent}`);
        const episodes = positiveIntOption('episodes', opts.episodes, 240);
        const seed = positiveIntOption('seed', opts.seed, 1);
        const cfg = commandConfig(ctx, opts);
        const log = commandLogger(cfg, ctx);
        const line = trainingLine(Boolean(opts.json), process.stderr, ctx.env);
        const { trainRl } = await import('../../rl/train.ts');
        const res = await trainRl({
          agent, episodes, seed, instrument: opts.instrument, threads: positiveIntOption('threads', opts.threads, 1), finalDir: opts.finalDir ?? 'data/final', rawDir: opts.rawDir ?? 'data/raw',
          ...(opts.queue !== undefined || opts.workers !== undefined ? { rollouts: { queue: opts.queue, workers: optionalNumber('workers', opts.workers, 0, 64, true), shards: positiveIntOption('shards', opts.shards, 2) } } : {}),
          onSkip: (file, reason) => log.warn({ file, reason }, 'data/final: file skipped'),
          onProgress: (p) => line.update(p),
        });
        line.end();
        const out = resolve(opts.out ?? `models/rl/${agent}-seed${seed}.json`);
        mkdirSync(dirname(out), { recursive: true });
        writeFileSync(out, JSON.stringify(res.model));
        let runId: string | null = null;
        let storeLocation: string | null = null;
        if (opts.store !== false) {
          const { openStore } = await import('../../adapters/store/openStore.ts');
          const { storeDecisions } = await import('../../rl/decisionEvents.ts');
          const store = await openStore(cfg);
          try {
            runId = await storeDecisions(store, res.decisions, { agent, instrument: res.report.instrument, model: out });
            storeLocation = store.location;
          } finally {
            await store.close();
          }
        }
        const r = res.report;
        const lines = [
          `${agent} seed ${seed} on ${r.instrument}: ${r.episodes} episodes, ${r.env_steps} env steps in ${r.seconds.toFixed(1)} s; evaluated on ${r.test_bars} held-out bars`,
          metricsTable(r.evaluation),
          `targets Sharpe > ${r.targets.sharpe_above}, max drawdown < ${pct(r.targets.max_drawdown_below, 0)} (reported as measured)`,
        ];
        if (r.expert_usage) lines.push(table(['regime', 'bars', 'dominant expert', 'mean gate weights'], r.expert_usage.map((u) => [u.regime, u.bars, Object.entries(u.dominant).sort((a, b) => b[1] - a[1])[0]![0], Object.values(u.meanWeight).map((w) => w.toFixed(2)).join(' ')])));
        if (r.maml) lines.push(table(['held-out task', 'instrument', 'adapted return', 'from-scratch return', 'adapted sharpe', 'scratch sharpe'], r.maml.adaptation.map((a) => [a.task, a.instrument, pct(a.adapted.total_return), pct(a.from_scratch.total_return), a.adapted.sharpe.toFixed(2), a.from_scratch.sharpe.toFixed(2)])));
        for (const n of r.notes) lines.push(`note: ${n}`);
        lines.push(`model: ${out}${runId ? `; ${res.decisions.length} decisions stored (run ${runId})` : ''}`);
        return { json: { ...r, model: out, decisions_stored: runId ? res.decisions.length : 0, run_id: runId, store: storeLocation }, human: lines.join('\n') };
      }),
    );
  rl.command('backtest')
    .description('replay a saved agent over the bars it never trained on, beside buy-and-hold')
    .requiredOption('--model <file>', 'a model saved by rl train')
    .option('--data <file>', 'an OHLC CSV to trade instead (all its bars)')
    .option('--raw-dir <dir>', 'one OHLC CSV per symbol', 'data/raw')
    .option('--no-store', 'do not store the decisions as events')
    .option('--json', 'print one JSON document')
    .action(
      action<BacktestOpts>(ctx, async (opts) => {
        const path = resolve(opts.model!);
        const { readAgentFile } = await import('../../rl/agentFile.ts');
        const { backtestModel } = await import('../../rl/backtestModel.ts');
        const file = readAgentFile(path);
        const { report, decisions } = backtestModel(file, path, { rawDir: opts.rawDir ?? 'data/raw', dataFile: opts.data });
        let runId: string | null = null;
        if (opts.store !== false) {
          const { storeDecisions } = await import('../../rl/decisionEvents.ts');
          runId = await withStore(ctx, opts, (store) => storeDecisions(store, decisions, { agent: report.agent, instrument: report.instrument, model: path }));
        }
        const human = [`${report.agent} on ${report.instrument}: ${report.bars} bars from bar ${report.from}`, metricsTable(report.evaluation), runId ? `${decisions.length} decisions stored (run ${runId})` : ''].filter(Boolean).join('\n');
        return { json: { ...report, decisions_stored: runId ? decisions.length : 0, run_id: runId }, human };
      }),
    );
};
