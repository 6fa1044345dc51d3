/** The embedded JobQueue: a piscina worker-thread pool (all cores by default); workers load TypeScript through tsx. */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { SweepTask, SweepTaskResult } from '../sweep/task.ts';
import type { JobQueue } from './jobQueue.ts';

const WORKER = new URL('./sweepWorker.ts', import.meta.url).href;
// `--import tsx` would resolve from the working directory; resolve it from here so any cwd works.
const TSX = import.meta.resolve('tsx');

/** Worker threads on this machine; an aborted task's thread is terminated at once. */
export class ThreadQueue implements JobQueue {
  readonly kind = 'threads';
  readonly concurrency: number;
  // Started on the first task: a sweep small enough to run inline never pays for the threads.
  private pool: Piscina | null = null;

  constructor(threads: number = availableParallelism()) {
    this.concurrency = Math.max(1, threads);
  }

  run(task: SweepTask, signal?: AbortSignal): Promise<SweepTaskResult> {
    this.pool ??= new Piscina({ filename: WORKER, minThreads: this.concurrency, maxThreads: this.concurrency, execArgv: ['--import', TSX], idleTimeout: 60_000 });
    return this.pool.run(task, { signal }) as Promise<SweepTaskResult>;
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
  }
}
