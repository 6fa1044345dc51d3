import { userInfo } from 'node:os';
import { BadInputError } from '../../core/errors.ts';
import { action, commandConfig, type CommandModule, type CommonOptions } from '../context.ts';

interface ConfirmOpts extends CommonOptions {
  price?: string;
}

/** `tradepilot confirm ID yes|no`: answer a pending confirmation from the terminal, under the same rules as an SMS reply. */
export const registerConfirm: CommandModule = (program, ctx) => {
  program
    .command('confirm')
    .description('answer a pending trade confirmation: YES executes it through the order gate, NO skips it')
    .argument('<id>', 'the confirmation id (the ID:... in the SMS)')
    .argument('<decision>', 'yes or no')
    .option('--price <price>', 'reference price for the order when the confirmation has no alert price')
    .option('--json', 'print one JSON document')
    .action(
      action<ConfirmOpts>(ctx, async (opts, args) => {
        const [id, raw] = args;
        const decision = raw?.toUpperCase();
        if (decision !== 'YES' && decision !== 'NO') throw new BadInputError(`decision must be yes or no, got ${JSON.stringify(raw)}`);
        let price: number | undefined;
        if (opts.price !== undefined) {
          price = Number(opts.price);
          if (!(price > 0) || !Number.isFinite(price)) throw new BadInputError(`--price must be a positive number, got ${JSON.stringify(opts.price)}`);
        }
        const { openLiveRuntime } = await import('../../live/runtime.ts');
        const rt = await openLiveRuntime(commandConfig(ctx, opts), { refPrice: price });
        try {
          const outcome = await rt.confirmations.decide(id!, decision, 'cli', `cli:${userInfo().username}`);
          const after = await rt.confirmations.get(id!);
          const ok = outcome.kind === 'executed' || outcome.kind === 'skipped';
          return { json: { outcome, confirmation: after }, human: outcome.reply || `${outcome.kind} (ID ${after.id})`, exitCode: ok ? 0 : 1 };
        } finally {
          await rt.close();
        }
      }),
    );
};
