import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.ts';
import type { CliContext } from './context.ts';
import { processStreams, type OutputStreams } from './output.ts';

/** Build the commander program; exported so docs can generate the CLI reference from it. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('tradepilot')
    .description('Machine-learning trading signals: data, features, models, honest backtests, confirmed execution.')
    .version('0.1.0')
    .option('--db <path>', 'SQLite database file (default ./tradepilot.db, or TRADEPILOT_DB / DATABASE_URL)')
    .option('--env-file <path>', 'read variables from this .env file', '.env')
    .showHelpAfterError()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
    })
    .exitOverride();
  for (const register of commands) register(program, ctx);
  for (const sub of program.commands) propagateExitOverride(sub);
  return program;
}

function propagateExitOverride(cmd: Command): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) propagateExitOverride(sub);
}

/** Run the CLI; returns the exit code (0 ok, 1 failure, 2 bad input). */
export async function main(argv: string[], io: OutputStreams = processStreams, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const ctx: CliContext = { io, env, exitCode: 0 };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    throw err;
  }
  return ctx.exitCode;
}
