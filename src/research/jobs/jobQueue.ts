/**
 * The JobQueue port: where sweep tasks run. Embedded default: a worker-thread
 * pool over all cores (piscina); scale-out: BullMQ on Redis with
 * `tradepilot worker` processes anywhere. Both run `runSweepTask`, so the
 * results are identical.
 */
import type { SweepTask, SweepTaskResult } from '../sweep/task.ts';

/** Runs sweep tasks somewhere. */
export interface JobQueue {
  /** `inline`, `threads` or `redis`. */
  readonly kind: string;
  /** How many tasks it runs at once. */
  readonly concurrency: number;
  /** Run one task; rejects with an AbortError when `signal` fires. */
  run(task: SweepTask, signal?: AbortSignal): Promise<SweepTaskResult>;
  close(): Promise<void>;
}
