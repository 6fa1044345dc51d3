/** A JobQueue on the calling thread: tests, one-core machines, `--workers 0`. */
import type { JobQueue } from './jobQueue.ts';
import { runJobTask, type JobResult, type JobTask } from './jobTask.ts';

/** Runs tasks one at a time on this thread; cancellation is checked between combinations. */
export class InlineQueue implements JobQueue {
  readonly kind = 'inline';
  readonly concurrency = 1;
  async run<T extends JobTask>(task: T, signal?: AbortSignal): Promise<JobResult<T>> {
    const res = await runJobTask(task, () => signal?.aborted ?? false);
    signal?.throwIfAborted();
    return res;
  }
  async close(): Promise<void> {}
}
