import { BadInputError } from '../../core/errors.ts';
import { PACKS_DIR } from '../../strategy/packs/packsDir.ts';
import { action, type CommandModule, type CommonOptions } from '../context.ts';
import { pct, table } from '../output.ts';

interface PacksOptions extends CommonOptions {
  dir?: string;
  backtest?: boolean;
}

/** `tradepilot packs list|show|validate`: the strategy packs (official ones in packs/, or --dir). */
export const registerPacks: CommandModule = (program, ctx) => {
  const packs = program.command('packs').description('strategy packs: list, show and validate pack files');
  packs
    .command('list')
    .description('list the packs (namespace, version, instruments, tags)')
    .option('--dir <path>', 'pack directory', PACKS_DIR)
    .option('--json', 'print one JSON document')
    .action(
      action<PacksOptions>(ctx, async (opts) => {
        const { loadPacks } = await import('../../strategy/packs/load.ts');
        const rows = loadPacks(opts.dir).map(({ pack }) => ({
          namespace: pack.namespace,
          version: pack.version,
          name: pack.name,
          timeframe: pack.timeframe,
          instruments: pack.instruments.supported,
          default_instrument: pack.instruments.default,
          tags: pack.tags,
        }));
        return {
          json: rows,
          human: table(['namespace', 'version', 'timeframe', 'instruments', 'tags'], rows.map((r) => [r.namespace, r.version, r.timeframe, r.instruments.join(','), r.tags.join(',')])),
        };
      }),
    );
  packs
    .command('show')
    .description('show one pack in full')
    .argument('<namespace>', 'pack namespace')
    .option('--dir <path>', 'pack directory', PACKS_DIR)
    .option('--json', 'print one JSON document')
    .action(
      action<PacksOptions>(ctx, async (opts, args) => {
        const { findPack } = await import('../../strategy/packs/load.ts');
        const { pack, file } = findPack(args[0]!, opts.dir);
        const human = [
          `${pack.name} (${pack.namespace} ${pack.version}, format ${pack.format}) — ${file}`,
          pack.description,
          `timeframe ${pack.timeframe}; instruments ${pack.instruments.supported.join(', ')} (default ${pack.instruments.default})`,
          `personality: ${Object.entries(pack.personality).map(([k, v]) => `${k}=${v}`).join(', ')}`,
          table(['id', 'indicator', 'params', 'timeframe', 'vote'], pack.indicators.map((i) => [i.id, i.name, JSON.stringify(i.params), i.timeframe, `${i.direction > 0 ? '+' : '-'}${i.transform}`])),
          `strategies: ${pack.strategies.map((s) => `${s.name}${s.default ? ' (default)' : ''}`).join(', ')}`,
          `gates: ${JSON.stringify(pack.gates)}`,
          `tags: ${pack.tags.join(', ')}`,
        ].join('\n');
        return { json: { file, pack }, human };
      }),
    );
  packs
    .command('validate')
    .description('validate pack files (all official packs, a directory or one file); --backtest also runs each default model')
    .argument('[path]', 'a pack file or directory', PACKS_DIR)
    .option('--backtest', 'backtest each pack on its data window (one year by default)')
    .option('--json', 'print one JSON document')
    .action(
      action<PacksOptions>(ctx, async (opts, args) => {
        const { loadPackFile, packFiles } = await import('../../strategy/packs/load.ts');
        const files = packFiles(args[0] ?? PACKS_DIR);
        if (files.length === 0) throw new BadInputError(`no .yaml files in ${args[0]}`);
        const results = [];
        for (const f of files) {
          const { pack } = loadPackFile(f);
          const row: Record<string, unknown> = { file: f, namespace: pack.namespace, version: pack.version, valid: true };
          if (opts.backtest) {
            const { defaultModelSpec } = await import('../../strategy/models/modelSpec.ts');
            const { evaluateConfig, loadEvalContext } = await import('../../strategy/packs/evaluate.ts');
            const spec = defaultModelSpec(pack);
            const { metrics } = evaluateConfig(await loadEvalContext(spec), spec.params);
            Object.assign(row, { trades: metrics.trades, sharpe: metrics.sharpe, total_return: metrics.total_return, max_drawdown: metrics.max_drawdown });
          }
          results.push(row);
        }
        const human = opts.backtest
          ? table(['namespace', 'version', 'valid', 'trades', 'sharpe', 'return'], results.map((r) => [r.namespace as string, r.version as string, 'yes', r.trades as number, r.sharpe as number, pct(r.total_return as number)]))
          : results.map((r) => `ok  ${r.namespace as string} ${r.version as string}  ${r.file as string}`).join('\n');
        return { json: results, human };
      }),
    );
};
