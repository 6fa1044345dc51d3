/**
 * The JobQueue port: where sweep tasks, PPO rollout shards and training units run. Embedded
 * default: a worker-thread pool over all cores (piscina); scale-out: BullMQ on
 * Redis with `tradepilot worker` processes anywhere. All of them run
 * `runJobTask`, so the results are identical.
 */
import type { JobResult, JobTask } from './jobTask.ts';

/** Runs tasks somewhere. */
export interface JobQueue {
  /** `inline`, `threads` or `redis`. */
  readonly kind: string;
  /** How many tasks it runs at once. */
  readonly concurrency: number;
  /** Run one task; rejects with an AbortError when `signal` fires. */
  run<T extends JobTask>(task: T, signal?: AbortSignal): Promise<JobResult<T>>;
  close(): Promise<void>;
}
