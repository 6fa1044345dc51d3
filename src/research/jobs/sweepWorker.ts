/** The piscina worker: runs one sweep task per call. */
import { runSweepTask, type SweepTask, type SweepTaskResult } from '../sweep/task.ts';

/** Piscina's entry point. */
export default function run(task: SweepTask): Promise<SweepTaskResult> {
  return runSweepTask(task);
}
