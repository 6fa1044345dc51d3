/** A JobQueue on the calling thread: tests, one-core machines, `--workers 0`. */
import { runSweepTask, type SweepTask, type SweepTaskResult } from '../sweep/task.ts';
import type { JobQueue } from './jobQueue.ts';

/** Runs tasks one at a time on this thread; cancellation is checked between combinations. */
export class InlineQueue implements JobQueue {
  readonly kind = 'inline';
  readonly concurrency = 1;
  async run(task: SweepTask, signal?: AbortSignal): Promise<SweepTaskResult> {
    const res = await runSweepTask(task, () => signal?.aborted ?? false);
    signal?.throwIfAborted();
    return res;
  }
  async close(): Promise<void> {}
}
