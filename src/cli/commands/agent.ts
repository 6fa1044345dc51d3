import type { Config } from '../../config/config.ts';
import { BadInputError } from '../../core/errors.ts';
import { systemClock } from '../../core/time.ts';
import type { DataProvider } from '../../data/provider.ts';
import { action, commandConfig, commandLogger, withStore, type CliContext, type CommandModule, type CommonOptions } from '../context.ts';
import { numberOption, positiveIntOption } from '../options.ts';

interface TrainOpts extends CommonOptions {
  symbol: string;
  days?: string;
  rounds?: string;
  epochs?: string;
  hidden?: string;
  window?: string;
}

interface RunOpts extends CommonOptions {
  symbol: string;
  signal?: string;
  qty?: string;
}

/** The provider the agent reads: mock with USE_MOCK_DATA=true, else the configured default. */
async function agentProvider(ctx: CliContext, cfg: Config): Promise<DataProvider> {
  const { createProvider, resolveProviderName } = await import('../../data/providers/index.ts');
  return createProvider(resolveProviderName(undefined, { ...ctx.env, USE_MOCK_DATA: String(cfg.USE_MOCK_DATA) }), { env: ctx.env });
}

/** `tradepilot agent train|run|trail`: the daily signal loop from the terminal. */
export const registerAgent: CommandModule = (program, ctx) => {
  const a = program.command('agent').description('the trading agent: train its models, run it (signal, alert, SMS confirmation), read a prediction back');

  a.command('train')
    .description('train the classifier (GBDT) and the LSTM regime model from history; saved to MODEL_DIR/agent/<symbol> with metadata')
    .option('--symbol <symbol>', 'ticker to train on', 'TQQQ')
    .option('--days <n>', 'calendar days of history', '2555')
    .option('--rounds <n>', 'GBDT boosting rounds', '40')
    .option('--epochs <n>', 'LSTM epochs', '4')
    .option('--hidden <n>', 'LSTM hidden units', '8')
    .option('--window <n>', 'LSTM input window in bars', '20')
    .option('--json', 'print one JSON document')
    .action(
      action<TrainOpts>(ctx, async (opts) => {
        const cfg = commandConfig(ctx, opts);
        const symbol = opts.symbol.trim().toUpperCase();
        const days = positiveIntOption('days', opts.days, 2555);
        const { loadAgentData } = await import('../../strategy/agent/agentData.ts');
        const { agentFeatures } = await import('../../strategy/agent/agentFeatures.ts');
        const { agentModelDir, trainAgentModels } = await import('../../strategy/agent/agentModels.ts');
        const provider = await agentProvider(ctx, cfg);
        const data = await loadAgentData(provider, symbol, systemClock.now(), days);
        const m = agentFeatures(data);
        const dir = agentModelDir(cfg.MODEL_DIR, symbol);
        const meta = trainAgentModels(dir, symbol, m, data.bars.close, {
          gbdt: { rounds: positiveIntOption('rounds', opts.rounds, 40) },
          lstm: { epochs: positiveIntOption('epochs', opts.epochs, 4), hidden: positiveIntOption('hidden', opts.hidden, 8), window: positiveIntOption('window', opts.window, 20) },
        });
        const acc = (k: string): string => (typeof meta.metrics[k] === 'number' ? `${((meta.metrics[k] as number) * 100).toFixed(1)}%` : 'n/a');
        return {
          json: { symbol, provider: provider.name, dir, metadata: meta },
          human: `trained ${meta.name} v${meta.version} in ${dir} (${meta.metrics.train_rows} rows; holdout accuracy: classifier ${acc('classifier_holdout_accuracy')}, LSTM ${acc('lstm_holdout_accuracy')}, base rate ${acc('holdout_base_rate')})`,
        };
      }),
    );

  a.command('run')
    .description('run the agent once: data -> features -> 3-vote -> signal; alert and text it when confident enough')
    .option('--symbol <symbol>', 'ticker to decide on', 'TQQQ')
    .option('--qty <n>', 'shares per trade', '1')
    .option('--signal <signal>', 'fire drill: force BUY or SELL through the whole loop (recorded as a drill)')
    .option('--json', 'print one JSON document')
    .action(
      action<RunOpts>(ctx, async (opts) => {
        let signal: 'BUY' | 'SELL' | undefined;
        if (opts.signal !== undefined) {
          const s = opts.signal.toUpperCase();
          if (s !== 'BUY' && s !== 'SELL') throw new BadInputError(`--signal must be BUY or SELL, got ${JSON.stringify(opts.signal)}`, { field: 'signal' });
          signal = s;
        }
        const quantity = numberOption('qty', opts.qty, 1, 0);
        if (!(quantity > 0)) throw new BadInputError(`--qty must be positive, got ${JSON.stringify(opts.qty)}`, { field: 'qty' });
        const cfg = commandConfig(ctx, opts);
        const logger = commandLogger(cfg, ctx);
        const { agentNotifier } = await import('../../strategy/agent/agentNotifier.ts');
        const { openLiveRuntime } = await import('../../live/runtime.ts');
        const { runAgent } = await import('../../strategy/agent/agentRun.ts');
        const provider = await agentProvider(ctx, cfg);
        const notifier = await agentNotifier(cfg, ctx.env, ctx.io.stderr);
        const rt = await openLiveRuntime(cfg, { notifier });
        try {
          const r = await runAgent({ store: rt.store, clock: rt.clock, provider, confirmations: rt.confirmations, modelDir: cfg.MODEL_DIR, threshold: cfg.SIGNAL_CONFIDENCE_THRESHOLD, logger }, { symbol: opts.symbol, quantity, ...(signal ? { signal } : {}) });
          const lines = [r.prediction.line, ...r.warnings.map((w) => `warning: ${w}`)];
          lines.push(r.alert ? `alert ${r.alert.alert_id}; confirmation ${r.confirmation_id} pending until ${r.confirmation!.expires_at} — sent: ${r.text}` : `no alert: ${r.no_alert_reason}`);
          lines.push(`prediction ${r.prediction_id}`);
          return { json: r, human: lines.join('\n') };
        } finally {
          await rt.close();
        }
      }),
    );

  a.command('trail')
    .description('everything recorded for a prediction: raw data, features, models, prediction, alert, messages, confirmation, orders')
    .argument('<prediction_id>', 'the prediction id printed by agent run')
    .option('--json', 'print one JSON document')
    .action(
      action<CommonOptions>(ctx, async (opts, args) => {
        const { readPredictionTrail } = await import('../../strategy/agent/predictionTrail.ts');
        return withStore(ctx, opts, async (store) => {
          const t = await readPredictionTrail(store, args[0]!);
          const p = t.prediction as { line?: string } | null;
          const human = [
            p?.line ?? '(no prediction recorded)',
            `alerts: ${t.alerts.length}, confirmations: ${t.confirmations.map((c) => `${c.id} ${c.status}`).join(', ') || 'none'}`,
            `messages: ${t.messages.length}, orders: ${t.orders.map((o) => `${o.mode} ${o.side} ${o.qty} ${o.symbol} ${o.status}`).join(', ') || 'none'}`,
            `events: ${t.events.map((e) => e.type).join(', ')}`,
          ].join('\n');
          return { json: t, human };
        });
      }),
    );
};
