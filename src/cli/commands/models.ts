import { PACKS_DIR } from '../../strategy/packs/packsDir.ts';
import { action, withStore, type CliContext, type CommandModule, type CommonOptions } from '../context.ts';
import { table } from '../output.ts';

/** Options shared by the research commands (models, sweep, train). */
export interface UserOptions extends CommonOptions {
  user?: string;
}

/** The acting user: --user, TRADEPILOT_USER, the login name, or "local". */
export function userOf(ctx: CliContext, opts: UserOptions): string {
  return opts.user ?? ctx.env.TRADEPILOT_USER ?? ctx.env.USER ?? 'local';
}

interface CreateOptions extends UserOptions {
  pack: string;
  name: string;
  dir?: string;
  indicators?: string;
  strategy?: string;
  riskProfile?: string;
  instrument?: string;
  ticker?: string;
  positionType?: string;
  shareSize?: string;
  underlying?: string;
  optionType?: string;
  defaultDte?: string;
  defaultStrike?: string;
  contractSize?: string;
  contract?: string;
  contractMonth?: string;
  rollStrategy?: string;
  reason?: string;
}

function settingsFrom(o: CreateOptions): Record<string, unknown> {
  const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));
  const all: Record<string, unknown> = {
    ticker: o.ticker,
    position_type: o.positionType,
    share_size: num(o.shareSize),
    underlying: o.underlying,
    option_type: o.optionType,
    default_dte: num(o.defaultDte),
    default_strike: o.defaultStrike,
    contract_size: num(o.contractSize),
    contract: o.contract,
    contract_month: o.contractMonth,
    roll_strategy: o.rollStrategy,
  };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined));
}

/** `tradepilot models create|list|show|publish|discard`: models made from packs. */
export const registerModels: CommandModule = (program, ctx) => {
  const models = program.command('models').description('models made from strategy packs');
  models
    .command('create')
    .description('create a model from a pack; settings not given default from the pack, anything the pack does not offer is refused')
    .requiredOption('--pack <namespace>', 'pack namespace')
    .requiredOption('--name <name>', 'model name (unique per user)')
    .option('--dir <path>', 'pack directory', PACKS_DIR)
    .option('--indicators <ids>', 'comma-separated subset of the pack\'s indicator ids (default all)')
    .option('--strategy <name>', 'one of the pack\'s strategies (default its default)')
    .option('--risk-profile <p>', 'conservative|moderate|aggressive (at most the pack\'s appetite)')
    .option('--instrument <kind>', 'stock|option|future (default the pack\'s default)')
    .option('--ticker <sym>', 'stock: ticker')
    .option('--position-type <t>', 'stock: long|short')
    .option('--share-size <n>', 'stock: shares per position (0 = sized by the pack)')
    .option('--underlying <sym>', 'option: underlying')
    .option('--option-type <t>', 'option: call|put')
    .option('--default-dte <n>', 'option: days to expiry')
    .option('--default-strike <s>', 'option: ATM|OTM_5|OTM_10|ITM_5|ITM_10')
    .option('--contract-size <n>', 'option/future: multiplier')
    .option('--contract <sym>', 'future: contract root')
    .option('--contract-month <ym>', 'future: YYYY-MM')
    .option('--roll-strategy <s>', 'future: volume|calendar|open_interest')
    .option('--user <id>', 'acting user')
    .option('--json', 'print one JSON document')
    .action(
      action<CreateOptions>(ctx, async (opts) => {
        const { findPack } = await import('../../strategy/packs/load.ts');
        const { buildModel } = await import('../../strategy/models/buildModel.ts');
        const { createModel } = await import('../../strategy/models/modelStore.ts');
        const { pack } = findPack(opts.pack, opts.dir);
        const spec = buildModel(pack, {
          name: opts.name,
          indicators: opts.indicators?.split(',').map((s) => s.trim()).filter(Boolean),
          strategy: opts.strategy,
          riskProfile: opts.riskProfile,
          instrument: opts.instrument,
          settings: settingsFrom(opts),
        });
        const rec = await withStore(ctx, opts, (store) => createModel(store, userOf(ctx, opts), spec));
        return { json: rec, human: `created model ${rec.name} (${rec.id}) from ${spec.pack.namespace} ${spec.pack.version}: ${spec.instrument} ${JSON.stringify(spec.settings)}, ${spec.indicators.length} indicators, strategy ${spec.strategy}` };
      }),
    );
  models
    .command('list')
    .description('list your models')
    .option('--user <id>', 'acting user')
    .option('--json', 'print one JSON document')
    .action(
      action<UserOptions>(ctx, async (opts) => {
        const { listModels } = await import('../../strategy/models/modelStore.ts');
        const rows = await withStore(ctx, opts, (store) => listModels(store, userOf(ctx, opts)));
        const json = rows.map((r) => ({ id: r.id, name: r.name, pack: r.spec.pack.namespace, version: r.spec.pack.version, instrument: r.spec.instrument, status: r.status, created_at: r.createdAt }));
        return { json, human: table(['name', 'pack', 'instrument', 'status', 'created'], json.map((r) => [r.name, `${r.pack} ${r.version}`, r.instrument, r.status, r.created_at])) };
      }),
    );
  models
    .command('show')
    .argument('<name>', 'model name or id')
    .option('--user <id>', 'acting user')
    .option('--json', 'print one JSON document')
    .action(
      action<UserOptions>(ctx, async (opts, args) => {
        const { getModel } = await import('../../strategy/models/modelStore.ts');
        const m = await withStore(ctx, opts, (store) => getModel(store, userOf(ctx, opts), args[0]!));
        return { json: m, human: JSON.stringify(m, null, 2) };
      }),
    );
  for (const verb of ['publish', 'discard'] as const) {
    models
      .command(verb)
      .description(verb === 'publish' ? 'publish a model: it goes live and starts generating alerts' : 'discard a model: it is deleted, an audit event stays')
      .argument('<name>', 'model name or id')
      .option('--reason <text>', 'recorded in the audit trail')
      .option('--user <id>', 'acting user')
      .option('--json', 'print one JSON document')
      .action(
        action<CreateOptions>(ctx, async (opts, args) => {
          const { discardModel, publishModel } = await import('../../strategy/models/modelStore.ts');
          const m = await withStore(ctx, opts, (store) => (verb === 'publish' ? publishModel : discardModel)(store, userOf(ctx, opts), args[0]!, opts.reason ?? ''));
          return { json: { id: m.id, name: m.name, action: verb }, human: `${verb === 'publish' ? 'published' : 'discarded'} model ${m.name}` };
        }),
      );
  }
};
