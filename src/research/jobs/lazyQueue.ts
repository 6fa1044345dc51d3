/** A JobQueue opened on first use: a server that may never sweep starts no worker threads and no Redis connection. */
import type { JobQueue } from './jobQueue.ts';
import type { JobResult, JobTask } from './jobTask.ts';

/** Opens the real queue when the first task arrives; `kind` and `concurrency` are known up front. */
export class LazyQueue implements JobQueue {
  private queue: Promise<JobQueue> | undefined;

  constructor(
    readonly kind: string,
    readonly concurrency: number,
    private readonly open: () => Promise<JobQueue>,
  ) {}

  run<T extends JobTask>(task: T, signal?: AbortSignal): Promise<JobResult<T>> {
    if (!this.queue) {
      this.queue = this.open();
      // A failed open (Redis down) is retried by the next task instead of failing every later sweep.
      this.queue.catch(() => (this.queue = undefined));
    }
    return this.queue.then((q) => q.run(task, signal));
  }

  async close(): Promise<void> {
    const q = this.queue;
    this.queue = undefined;
    if (q) await (await q).close();
  }
}
