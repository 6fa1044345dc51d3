/** The piscina worker: runs one queued task (sweep chunk, rollout shard or training unit) per call. */
import { runJobTask, type JobTask } from './jobTask.ts';

/** Piscina's entry point. */
export default function run(task: JobTask): Promise<unknown> {
  return runJobTask(task);
}
