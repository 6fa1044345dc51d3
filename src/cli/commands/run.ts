import { userInfo } from 'node:os';
import { BadInputError } from '../../core/errors.ts';
import type { Answerer } from '../../pipeline/runConfirm.ts';
import type { RunReport } from '../../pipeline/runReport.ts';
import { action, commandConfig, type CommandModule, type CommonOptions } from '../context.ts';
import { listOption, numberOption, optionalNumber } from '../options.ts';
import { pct, table } from '../output.ts';

interface RunOpts extends CommonOptions {
  symbol?: string;
  provider?: string;
  csv?: string;
  pack?: string;
  cash?: string;
  report?: string | false;
  yes?: boolean;
  confirm?: boolean;
  workers?: string;
}

/** `tradepilot run`: the main job on bundled data by default (no account, no server). */
export const registerRun: CommandModule = (program, ctx) => {
  program
    .command('run')
    .description('the main job: pack -> features -> walk-forward GBDT -> out-of-sample backtest vs buy-and-hold -> risk gate -> alerts -> YES/NO -> paper orders -> reports')
    .option('--symbol <list>', 'comma-separated symbols (default: every symbol the provider has offline)')
    .option('--provider <name>', 'sample (default), csv, mock, yahoo, alpaca, polygon, schwab')
    .option('--csv <file>', 'with --provider csv: the CSV file (OHLCV, close-only or wide)')
    .option('--pack <namespace>', 'strategy pack from packs/ (default: swingsigma)')
    .option('--cash <amount>', 'starting cash of each backtest', '10000')
    .option('--report <file>', 'HTML report path (default: reports/run-<time>.html)')
    .option('--no-report', 'write no HTML report')
    .option('--yes', 'answer YES to every alert (paper orders through the order gate; DRY_RUN still applies)')
    .option('--no-confirm', 'ask nothing: alerts stay pending for `tradepilot confirm ID yes|no`')
    .option('--workers <n>', 'worker threads for model training (0: none; default: one per core, at most 4)')
    .option('--json', 'print one JSON document')
    .action(
      action<RunOpts>(ctx, async (opts) => {
        const cfg = commandConfig(ctx, opts);
        if (opts.yes && opts.confirm === false) throw new BadInputError('--yes and --no-confirm contradict each other: choose one');
        const { resolveRunPack } = await import('../../pipeline/runPack.ts');
        const { createProvider, resolveProviderName } = await import('../../data/providers/index.ts');
        const pack = resolveRunPack(opts.pack);
        let name;
        try {
          name = resolveProviderName(opts.provider ?? (opts.csv ? 'csv' : undefined), ctx.env);
        } catch (err) {
          throw new BadInputError(`--provider: ${(err as Error).message}`);
        }
        const provider = createProvider(name, { env: ctx.env, file: opts.csv });
        const known = await provider.listSymbols?.();
        const symbols = listOption(opts.symbol) ?? known ?? [];
        if (symbols.length === 0) throw new BadInputError(`--symbol: provider ${provider.name} lists no symbols offline: name them with --symbol`);
        const unknown = known ? symbols.filter((s) => !known.some((k) => k.toUpperCase() === s.toUpperCase())) : [];
        if (unknown.length > 0) throw new BadInputError(`--symbol: unknown symbol${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} for provider ${provider.name}; available: ${known!.join(', ')}`);
        const initCash = numberOption('cash', opts.cash, 10_000, 1);
        const workers = optionalNumber('workers', opts.workers, 0, 16, true);
        const reportPath = opts.report === false ? null : (opts.report ?? `reports/run-${new Date().toISOString().replace(/[:.]/g, '-')}.html`);
        const interactive = !opts.json && !opts.yes && opts.confirm !== false && Boolean(process.stdin.isTTY) && Boolean((ctx.io.stdout as NodeJS.WriteStream).isTTY);
        const { confirmPrompt } = await import('../confirmPrompt.ts');
        const prompt = interactive ? confirmPrompt(process.stdin, ctx.io.stderr) : undefined;
        const answer: Answerer | undefined = opts.yes ? async () => 'YES' : prompt?.answer;
        const { openLiveRuntime } = await import('../../live/runtime.ts');
        const { runMainJob } = await import('../../pipeline/mainJob.ts');
        const { terminalProgress } = await import('../progress.ts');
        const runtime = await openLiveRuntime(cfg);
        try {
          const report = await runMainJob(
            {
              runtime,
              provider,
              progress: terminalProgress(Boolean(opts.json)),
              log: (line) => ctx.io.stderr.write(`run: ${line}\n`),
              answer,
              actor: `cli:${userInfo().username}${opts.yes ? ' (run --yes)' : ''}`,
            },
            { symbols, pack, reportPath, initCash, workers },
          );
          const exitCode = report.symbols.length === 0 ? 1 : 0;
          return { json: { ...report, store: runtime.store.location, dry_run: cfg.DRY_RUN }, human: humanReport(report, runtime.store.location, cfg.DRY_RUN), exitCode };
        } finally {
          prompt?.close();
          await runtime.close();
        }
      }),
    );
};

function humanReport(r: RunReport, location: string, dryRun: boolean): string {
  const rows = r.symbols.map((s) => [
    s.symbol,
    `${s.model.oos_from}..${s.last}`,
    pct(s.strategy.total_return, 1),
    pct(s.buy_hold.total_return, 1),
    s.strategy.sharpe.toFixed(2),
    s.buy_hold.sharpe.toFixed(2),
    pct(s.strategy.max_drawdown, 1),
    s.strategy.dsr.toFixed(2),
    `${s.signal.action} ${s.signal.prob.toFixed(2)}`,
  ]);
  const m = r.summary;
  const lines = [
    `tradepilot run ${r.run_id} · ${r.provider} · pack ${r.pack.namespace} ${r.pack.version} (${r.pack.strategy}) · GBDT, purged walk-forward, ${r.model.trials} thresholds tried`,
    `costs: ${r.costs.fee_bps} bps fee + ${r.costs.slippage_bps} bps slippage per fill; out of sample only: every prediction from a model trained on earlier bars`,
    '',
    table(['symbol', 'out of sample', 'return', 'buy&hold', 'sharpe', 'b&h sharpe', 'max dd', 'DSR', 'today'], rows),
    '',
    `model beat buy-and-hold on ${m.beat_buy_hold}/${m.symbols}; mean return ${pct(m.mean_strategy_return, 1)} vs ${pct(m.mean_buy_hold_return, 1)}; mean Sharpe ${m.mean_strategy_sharpe.toFixed(2)} vs ${m.mean_buy_hold_sharpe.toFixed(2)}; mean DSR ${m.mean_dsr.toFixed(2)}`,
    `${m.buy_signals} BUY today -> risk gate approved ${r.risk.filter((d) => d.approved).length} -> ${m.alerts} alerts, ${m.pending} pending, ${m.orders} paper orders`,
    ...r.confirmations.map((c) => `  ${c.symbol} ${c.action} ${c.quantity} [ID ${c.confirmation_id}]: ${c.status}${c.order ? ` (${c.order.mode} order ${c.order.status})` : ''}${c.status === 'pending' ? ` -> tradepilot confirm ${c.confirmation_id} yes|no` : ''}`),
    ...r.failed.map((f) => `failed: ${f.symbol}: ${f.error}`),
    dryRun ? 'DRY_RUN: orders go to the simulated paper broker only.' : 'DRY_RUN is off: orders go live only if the order gate allows it.',
    ...(r.report ? [`report: ${r.report}`] : []),
    `stored in ${location} (${r.seconds.toFixed(1)} s)`,
  ];
  return lines.join('\n');
}
