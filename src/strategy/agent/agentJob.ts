import type { Logger } from '../../core/log.ts';
import type { Scheduler } from '../../live/scheduler.ts';
import { BadInputError } from '../../core/errors.ts';
import { runAgent, type AgentDeps } from './agentRun.ts';

/** After the US close on weekdays (21:30 UTC = 16:30 New York in winter, 17:30 in summer): the daily bar is final. */
export const DEFAULT_AGENT_CRON = '30 21 * * 1-5';

/** How `serve` schedules the agent: AGENT_CRON (`off` disables it) and AGENT_SYMBOLS (comma-separated, default TQQQ). */
export interface AgentSchedule {
  cron: string;
  symbols: string[];
  quantity?: number;
}

/** Read the schedule from the environment; null when AGENT_CRON=off. */
export function agentScheduleFromEnv(env: NodeJS.ProcessEnv | undefined): AgentSchedule | null {
  const cron = env?.AGENT_CRON?.trim() || DEFAULT_AGENT_CRON;
  if (cron.toLowerCase() === 'off') return null;
  const symbols = (env?.AGENT_SYMBOLS ?? 'TQQQ')
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s.length > 0);
  if (symbols.length === 0) throw new BadInputError('AGENT_SYMBOLS names no symbol', { field: 'AGENT_SYMBOLS' });
  const q = env?.AGENT_QUANTITY;
  const quantity = q === undefined || q === '' ? undefined : Number(q);
  if (quantity !== undefined && !(quantity > 0)) throw new BadInputError(`AGENT_QUANTITY must be a positive number, got ${JSON.stringify(q)}`, { field: 'AGENT_QUANTITY' });
  return { cron, symbols, ...(quantity !== undefined ? { quantity } : {}) };
}

/**
 * Register the `agent.run` job: one run per symbol, in turn. A failing symbol
 * is logged and the others still run; the job fails (and the scheduler counts
 * it) when any symbol failed.
 */
export function registerAgentJob(scheduler: Scheduler, deps: AgentDeps & { logger: Logger }, schedule: AgentSchedule): void {
  scheduler.register({
    name: 'agent.run',
    cron: schedule.cron,
    description: `agent run for ${schedule.symbols.join(', ')}`,
    fn: async () => {
      const failed: string[] = [];
      for (const symbol of schedule.symbols) {
        try {
          const r = await runAgent(deps, { symbol, ...(schedule.quantity !== undefined ? { quantity: schedule.quantity } : {}) });
          deps.logger.info({ prediction_id: r.prediction_id, symbol, confirmation_id: r.confirmation_id }, r.prediction.line);
        } catch (err) {
          failed.push(`${symbol}: ${(err as Error).message}`);
          deps.logger.error({ symbol, err: (err as Error).message }, 'agent run failed');
        }
      }
      if (failed.length > 0) throw new Error(`agent run failed for ${failed.join('; ')}`);
    },
  });
}
