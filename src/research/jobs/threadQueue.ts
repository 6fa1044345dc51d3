/** The embedded JobQueue: a piscina worker-thread pool (all cores by default); workers load TypeScript through tsx. */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { JobQueue } from './jobQueue.ts';
import type { JobResult, JobTask } from './jobTask.ts';

// The .mjs boot registers tsx inside the worker thread (execArgv --import does not reach it on Node 20).
const WORKER = new URL('./sweepWorkerBoot.mjs', import.meta.url).href;

/** Worker threads on this machine; an aborted task's thread is terminated at once. */
export class ThreadQueue implements JobQueue {
  readonly kind = 'threads';
  readonly concurrency: number;
  // Started on the first task: a sweep small enough to run inline never pays for the threads.
  private pool: Piscina | null = null;

  constructor(threads: number = availableParallelism()) {
    this.concurrency = Math.max(1, threads);
  }

  run<T extends JobTask>(task: T, signal?: AbortSignal): Promise<JobResult<T>> {
    this.pool ??= new Piscina({ filename: WORKER, minThreads: this.concurrency, maxThreads: this.concurrency, idleTimeout: 60_000 });
    return this.pool.run(task, { signal }) as Promise<JobResult<T>>;
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
  }
}
