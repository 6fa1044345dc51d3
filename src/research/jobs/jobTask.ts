/**
 * What a JobQueue runs: sweep tasks and PPO rollout shards, told apart by `kind`
 * (sweep tasks predate the field and carry none). Every queue, and the BullMQ
 * worker behind `tradepilot worker`, runs a task through `runJobTask`, so a task
 * gives the same result wherever it runs.
 */
import { runRolloutTask, type RolloutResult, type RolloutTask } from '../../rl/agents/rolloutTask.ts';
import { runSweepTask, type SweepTask, type SweepTaskResult } from '../sweep/task.ts';

/** A unit of queued work. */
export type JobTask = SweepTask | RolloutTask;

/** The result type of a task type. */
export type JobResult<T extends JobTask> = T extends RolloutTask ? RolloutResult : SweepTaskResult;

/** True for a PPO rollout shard. */
export function isRolloutTask(t: JobTask): t is RolloutTask {
  return (t as { kind?: unknown }).kind === 'rollout';
}

/** Runs any task; `cancelled` is polled between sweep combinations. */
export async function runJobTask<T extends JobTask>(task: T, cancelled?: () => boolean): Promise<JobResult<T>> {
  if (isRolloutTask(task)) return runRolloutTask(task) as JobResult<T>;
  return (await runSweepTask(task as SweepTask, cancelled)) as JobResult<T>;
}
