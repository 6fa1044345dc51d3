import { openStore } from '../../adapters/store/openStore.ts';
import { BadInputError } from '../../core/errors.ts';
import { createProvider, resolveProviderName } from '../../data/providers/index.ts';
import { DEFAULT_MAIN_JOB, runMainJob, type MainJobReport } from '../../pipeline/mainJob.ts';
import { action, commandConfig, type CommandModule, type CommonOptions } from '../context.ts';
import { listOption, numberOption, positiveIntOption } from '../options.ts';
import { pct, table } from '../output.ts';
import { terminalProgress } from '../progress.ts';

interface RunOpts extends CommonOptions {
  symbol?: string;
  provider?: string;
  csv?: string;
  period?: string;
  fee?: string;
  slippageBps?: string;
  cash?: string;
}

/** `tradepilot run`: the main job on bundled data by default (no account, no server). */
export const registerRun: CommandModule = (program, ctx) => {
  program
    .command('run')
    .description('the main job: load and validate data, signal, backtest after costs next to buy-and-hold, store every step')
    .option('--symbol <list>', 'comma-separated symbols (default: every symbol the provider has offline)')
    .option('--provider <name>', 'sample (default), csv, mock, yahoo, alpaca, polygon, schwab')
    .option('--csv <file>', 'with --provider csv: the CSV file (OHLCV, close-only or wide)')
    .option('--period <n>', 'moving-average length of the trend rule', String(DEFAULT_MAIN_JOB.period))
    .option('--fee <fraction>', 'fee per fill as a fraction of traded value', String(DEFAULT_MAIN_JOB.fee))
    .option('--slippage-bps <bps>', 'slippage per fill in basis points', String(DEFAULT_MAIN_JOB.slippageBps))
    .option('--cash <amount>', 'starting cash per symbol', String(DEFAULT_MAIN_JOB.initCash))
    .option('--json', 'print one JSON document')
    .action(
      action<RunOpts>(ctx, async (opts) => {
        const cfg = commandConfig(ctx, opts);
        const name = resolveProviderName(opts.provider ?? (opts.csv ? 'csv' : undefined), ctx.env);
        const provider = createProvider(name, { env: ctx.env, file: opts.csv });
        const known = await provider.listSymbols?.();
        const symbols = listOption(opts.symbol) ?? known ?? [];
        if (symbols.length === 0) throw new BadInputError(`provider ${provider.name} lists no symbols offline: name them with --symbol`);
        const unknown = known ? symbols.filter((s) => !known.some((k) => k.toUpperCase() === s.toUpperCase())) : [];
        if (unknown.length > 0) throw new BadInputError(`unknown symbol${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} for provider ${provider.name}; available: ${known!.join(', ')}`);
        const store = await openStore(cfg);
        try {
          const report = await runMainJob(
            { store, provider, progress: terminalProgress(Boolean(opts.json)) },
            {
              symbols,
              period: positiveIntOption('period', opts.period, DEFAULT_MAIN_JOB.period),
              fee: numberOption('fee', opts.fee, DEFAULT_MAIN_JOB.fee, 0, 0.1),
              slippageBps: numberOption('slippage-bps', opts.slippageBps, DEFAULT_MAIN_JOB.slippageBps, 0, 1000),
              initCash: numberOption('cash', opts.cash, DEFAULT_MAIN_JOB.initCash, 1),
            },
          );
          const exitCode = report.symbols.length === 0 ? 1 : 0;
          return { json: { ...report, store: store.location, dry_run: cfg.DRY_RUN }, human: humanReport(report, store.location, cfg.DRY_RUN), exitCode };
        } finally {
          await store.close();
        }
      }),
    );
};

function humanReport(r: MainJobReport, location: string, dryRun: boolean): string {
  const rows = r.symbols.map((s) => [
    s.symbol,
    s.last,
    s.last_close.toFixed(2),
    `${s.signal}${s.fresh ? '*' : ''}`,
    pct(s.confidence, 0),
    pct(s.strategy.total_return, 1),
    pct(s.buy_hold.total_return, 1),
    s.strategy.sharpe.toFixed(2),
    s.buy_hold.sharpe.toFixed(2),
    pct(s.strategy.max_drawdown, 1),
    pct(s.buy_hold.max_drawdown, 1),
  ]);
  const m = r.summary;
  const lines = [
    `tradepilot run ${r.run_id} · provider ${r.provider} · rule: ${r.rule}`,
    `costs: fee ${pct(r.costs.fee, 2)} + slippage ${r.costs.slippage_bps} bps per fill; ${r.fill}`,
    '',
    table(['symbol', 'last', 'close', 'signal', 'conf', 'return', 'buy&hold', 'sharpe', 'b&h sharpe', 'max dd', 'b&h max dd'], rows),
    '',
    `${m.symbols} symbols · ${m.buy_signals} BUY today · rule beat buy-and-hold on ${m.beat_buy_hold}/${m.symbols}`,
    `mean return ${pct(m.mean_strategy_return, 1)} vs buy-and-hold ${pct(m.mean_buy_hold_return, 1)}; mean Sharpe ${m.mean_strategy_sharpe.toFixed(2)} vs ${m.mean_buy_hold_sharpe.toFixed(2)}; mean max drawdown ${pct(m.mean_strategy_max_drawdown, 1)} vs ${pct(m.mean_buy_hold_max_drawdown, 1)}`,
    ...r.failed.map((f) => `failed: ${f.symbol}: ${f.error}`),
    `* = the trend flipped on the last bar. conf = the rule's past hit rate over 21 bars. ${dryRun ? 'DRY_RUN: no orders placed.' : ''}`,
    `stored in ${location} (${r.seconds.toFixed(1)} s)`,
  ];
  return lines.join('\n');
}
