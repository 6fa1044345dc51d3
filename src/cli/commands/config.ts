import { action, commandConfig, type CommandModule } from '../context.ts';
import { table } from '../output.ts';

/** `tradepilot config`: the effective configuration, secrets redacted. */
export const registerConfig: CommandModule = (program, ctx) => {
  program
    .command('config')
    .description('print the effective configuration (environment, .env and flags), secrets redacted')
    .option('--json', 'print one JSON document')
    .action(
      action(ctx, async (opts) => {
        const { redactConfig } = await import('../../config/config.ts');
        const cfg = redactConfig(commandConfig(ctx, opts));
        const rows = Object.entries(cfg).map(([k, v]) => [k, v === undefined ? '(unset)' : String(v)]);
        return { json: cfg, human: table(['variable', 'value'], rows) };
      }),
    );
};
