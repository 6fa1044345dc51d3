import type { Command } from 'commander';
import type { Store } from '../adapters/store/store.ts';
import type { Config, ConfigKey } from '../config/config.ts';
import type { Logger } from '../core/log.ts';
import { emit, emitError, type CommandResult, type OutputStreams } from './output.ts';

/** Config and logging modules (zod, dotenv, pino), loaded by action() before a handler runs: registration stays cheap. */
let runtime: { config: typeof import('../config/config.ts'); log: typeof import('../core/log.ts') } | undefined;

async function loadRuntime(): Promise<NonNullable<typeof runtime>> {
  runtime ??= { config: await import('../config/config.ts'), log: await import('../core/log.ts') };
  return runtime;
}

function loaded(): NonNullable<typeof runtime> {
  if (!runtime) throw new Error('commandConfig/commandLogger are for command handlers, which action() runs');
  return runtime;
}

/** What every command gets: where to write, the environment, and lazily the config and logger. */
export interface CliContext {
  io: OutputStreams;
  env: NodeJS.ProcessEnv;
  /** Set by actions; main() returns it. */
  exitCode: number;
}

/** Options every command accepts (global flags are merged in). */
export interface CommonOptions {
  json?: boolean;
  db?: string;
  envFile?: string;
}

/** A command module registers one top-level command (with its subcommands). */
export type CommandModule = (program: Command, ctx: CliContext) => void;

/** Config for a command, with `--db` and friends applied as overrides. */
export function commandConfig(ctx: CliContext, opts: CommonOptions, extra: Partial<Record<ConfigKey, string>> = {}): Config {
  const overrides: Partial<Record<ConfigKey, string>> = { ...extra };
  if (opts.db) overrides.TRADEPILOT_DB = opts.db;
  return loaded().config.loadConfig({ env: ctx.env, envFile: opts.envFile ?? '.env', overrides });
}

/** Open the configured store, run `fn`, always close it. */
export async function withStore<T>(ctx: CliContext, opts: CommonOptions, fn: (store: Store) => Promise<T>): Promise<T> {
  const { openStore } = await import('../adapters/store/openStore.ts');
  const store = await openStore(commandConfig(ctx, opts));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export function commandLogger(cfg: Config, ctx: CliContext): Logger {
  return loaded().log.createLogger(cfg.LOG_LEVEL, ctx.io.stderr);
}

/**
 * Wrap a command handler: merges global options, prints the result (JSON or
 * human) and turns thrown errors into a clear message and exit code 1 or 2.
 */
export function action<O extends CommonOptions>(
  ctx: CliContext,
  handler: (opts: O, args: string[], cmd: Command) => Promise<CommandResult>,
): (...raw: unknown[]) => Promise<void> {
  return async (...raw: unknown[]) => {
    const cmd = raw[raw.length - 1] as Command;
    const opts = cmd.optsWithGlobals() as O;
    const args = raw.slice(0, -2).flat().filter((a): a is string => typeof a === 'string');
    try {
      await loadRuntime();
      ctx.exitCode = emit(await handler(opts, args, cmd), Boolean(opts.json), ctx.io);
    } catch (err) {
      ctx.exitCode = emitError(err, Boolean(opts.json), ctx.io);
    }
  };
}
