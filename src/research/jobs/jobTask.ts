/**
 * What a JobQueue runs: sweep tasks, PPO rollout shards and training units
 * (a (configuration, fold) of a training's grid, or a configuration's final
 * refit), told apart by `kind` (sweep tasks predate the field and carry none).
 * Every queue, and the BullMQ worker behind `tradepilot worker`, runs a task
 * through `runJobTask`, so a task gives the same result wherever it runs.
 */
import { runRolloutTask, type RolloutResult, type RolloutTask } from '../../rl/agents/rolloutTask.ts';
import { runSweepTask, type SweepTask, type SweepTaskResult } from '../sweep/task.ts';
import {
  isTrainingFinalTask,
  isTrainingFoldTask,
  runTrainingFinalTask,
  runTrainingFoldTask,
  type TrainingFinalResult,
  type TrainingFinalTask,
  type TrainingFoldResult,
  type TrainingFoldTask,
} from '../training/trainingTask.ts';

/** A unit of queued work. */
export type JobTask = SweepTask | RolloutTask | TrainingFoldTask | TrainingFinalTask;

/** The result type of a task type. */
export type JobResult<T extends JobTask> = T extends RolloutTask ? RolloutResult : T extends TrainingFoldTask ? TrainingFoldResult : T extends TrainingFinalTask ? TrainingFinalResult : SweepTaskResult;

/** True for a PPO rollout shard. */
export function isRolloutTask(t: JobTask): t is RolloutTask {
  return (t as { kind?: unknown }).kind === 'rollout';
}

/** The task's kind (`sweep` for sweep tasks, which carry none): BullMQ job names. */
export function jobKind(t: JobTask): 'sweep' | 'rollout' | 'trainingFold' | 'trainingFinal' {
  return 'kind' in t ? t.kind : 'sweep';
}

/** Runs any task; `cancelled` is polled between sweep combinations and between a training fold's boosters. */
export async function runJobTask<T extends JobTask>(task: T, cancelled?: () => boolean): Promise<JobResult<T>> {
  if (isRolloutTask(task)) return runRolloutTask(task) as JobResult<T>;
  if (isTrainingFoldTask(task)) return (await runTrainingFoldTask(task, cancelled)) as JobResult<T>;
  if (isTrainingFinalTask(task)) return (await runTrainingFinalTask(task)) as JobResult<T>;
  return (await runSweepTask(task as SweepTask, cancelled)) as JobResult<T>;
}
