import { userInfo } from 'node:os';
import { BadInputError } from '../../core/errors.ts';
import type { LiveRuntime } from '../../live/runtime.ts';
import { action, commandConfig, type CliContext, type CommonOptions } from '../context.ts';
import type { CommandResult } from '../output.ts';
import type { Command } from 'commander';

interface AdminOpts extends CommonOptions {
  adminKey?: string;
  reason?: string;
  actor?: string;
}

/**
 * `tradepilot admin`: the live switch and the trading state. Turning things on
 * (live approve, resume) needs the admin key; turning them off (revoke, halt,
 * kill) never does, so anyone at the console can stop trading.
 */
export function registerAdmin(program: Command, ctx: CliContext): void {
  const admin = program.command('admin').description('live-trading approval, halt / resume, kill switch');
  const withRuntime = (fn: (rt: LiveRuntime, opts: AdminOpts, actor: string, args: string[]) => Promise<CommandResult>) =>
    action<AdminOpts>(ctx, async (opts, args) => {
      const { openLiveRuntime } = await import('../../live/runtime.ts');
      const rt = await openLiveRuntime(commandConfig(ctx, opts));
      try {
        return await fn(rt, opts, opts.actor ?? `cli:${userInfo().username}`, args);
      } finally {
        await rt.close();
      }
    });
  const status = async (rt: LiveRuntime) => {
    const s = await rt.gate.state();
    const blockers = await rt.gate.liveBlockers();
    return { state: s.state, reason: s.reason, since: s.at, live: blockers.length === 0, live_blockers: blockers };
  };
  const human = (st: Awaited<ReturnType<typeof status>>, head: string): string =>
    `${head}\ntrading state: ${st.state} (${st.reason})\nlive trading: ${st.live ? 'ON' : `off (${st.live_blockers.join('; ')})`}`;
  const requireKey = (opts: AdminOpts): string => {
    if (!opts.adminKey) throw new BadInputError('--admin-key is required');
    return opts.adminKey;
  };

  const live = admin.command('live').description('approve or revoke live trading (also needs DRY_RUN=false, ENV=production, ADMIN_KEY)');
  live
    .command('approve')
    .description('record the admin approval of live trading')
    .requiredOption('--admin-key <key>', 'the ADMIN_KEY')
    .option('--actor <name>', 'who approves (default cli:<user>)')
    .option('--json', 'print one JSON document')
    .action(
      withRuntime(async (rt, opts, actor) => {
        await rt.gate.approveLive(requireKey(opts), actor);
        const st = await status(rt);
        return { json: { approved: true, by: actor, ...st }, human: human(st, `live trading approved by ${actor}`) };
      }),
    );
  live
    .command('revoke')
    .description('withdraw the approval: every order goes to the paper broker again')
    .option('--admin-key <key>', 'accepted for symmetry; not needed to switch live trading off')
    .option('--actor <name>', 'who revokes (default cli:<user>)')
    .option('--json', 'print one JSON document')
    .action(
      withRuntime(async (rt, _opts, actor) => {
        await rt.gate.revokeLive(actor);
        const st = await status(rt);
        return { json: { revoked: true, by: actor, ...st }, human: human(st, `live trading approval revoked by ${actor}`) };
      }),
    );
  admin
    .command('status')
    .description('trading state and why live trading is on or off')
    .option('--json', 'print one JSON document')
    .action(withRuntime(async (rt) => {
      const st = await status(rt);
      return { json: st, human: human(st, 'tradepilot trading status') };
    }));
  admin
    .command('halt')
    .description('HALT: refuse every order until resumed')
    .option('--reason <text>', 'why', 'halted by operator')
    .option('--actor <name>', 'who (default cli:<user>)')
    .option('--json', 'print one JSON document')
    .action(
      withRuntime(async (rt, opts, actor) => {
        const { TradingState } = await import('../../live/execution/guardrails.ts');
        await rt.gate.setState(TradingState.HALTED, `${opts.reason ?? 'halted by operator'} (${actor})`);
        const st = await status(rt);
        return { json: st, human: human(st, 'trading HALTED') };
      }),
    );
  admin
    .command('reduce')
    .description('REDUCING: only orders that shrink a position pass')
    .option('--reason <text>', 'why', 'reducing by operator')
    .option('--actor <name>', 'who (default cli:<user>)')
    .option('--json', 'print one JSON document')
    .action(
      withRuntime(async (rt, opts, actor) => {
        const { TradingState } = await import('../../live/execution/guardrails.ts');
        await rt.gate.setState(TradingState.REDUCING, `${opts.reason ?? 'reducing by operator'} (${actor})`);
        const st = await status(rt);
        return { json: st, human: human(st, 'trading REDUCING') };
      }),
    );
  admin
    .command('resume')
    .description('back to ACTIVE (needs the admin key)')
    .requiredOption('--admin-key <key>', 'the ADMIN_KEY')
    .option('--actor <name>', 'who (default cli:<user>)')
    .option('--json', 'print one JSON document')
    .action(
      withRuntime(async (rt, opts, actor) => {
        rt.gate.checkAdmin(requireKey(opts));
        const { TradingState } = await import('../../live/execution/guardrails.ts');
        await rt.gate.setState(TradingState.ACTIVE, `resumed by ${actor}`);
        const st = await status(rt);
        return { json: st, human: human(st, 'trading ACTIVE') };
      }),
    );
  admin
    .command('kill')
    .description('kill switch: HALT and cancel every open order')
    .option('--actor <name>', 'who (default cli:<user>)')
    .option('--json', 'print one JSON document')
    .action(
      withRuntime(async (rt, _opts, actor) => {
        const { canceled } = await rt.gate.kill(actor);
        const st = await status(rt);
        return { json: { canceled, ...st }, human: human(st, `kill switch: trading HALTED, ${canceled} open order(s) canceled`) };
      }),
    );
}
