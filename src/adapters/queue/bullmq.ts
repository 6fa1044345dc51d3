/**
 * The BullMQ adapter of the JobQueue port (the only file importing bullmq):
 * `BullQueue` adds tasks (sweep chunks, PPO rollout shards, training units) to a Redis queue and
 * waits for their results; `startBullWorker` (behind `tradepilot worker --redis URL`)
 * processes them on any machine with the same `runJobTask` the embedded pool runs.
 */
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import type { JobQueue } from '../../research/jobs/jobQueue.ts';
import { jobKind, runJobTask, type JobResult, type JobTask } from '../../research/jobs/jobTask.ts';

/** The queue name sweeps, rollouts and trainings use (one worker pool serves every kind). */
export const SWEEP_QUEUE = 'tradepilot-sweeps';

function connection(url: string): { url: string; maxRetriesPerRequest: null } {
  // bullmq forwards these to ioredis; blocking workers need maxRetriesPerRequest null.
  return { url, maxRetriesPerRequest: null };
}

/** Tasks on Redis, run by `tradepilot worker` processes. */
export class BullQueue implements JobQueue {
  readonly kind = 'redis';

  private constructor(
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    readonly concurrency: number,
  ) {}

  /** Connect; `concurrency` is how many tasks are kept in flight (default 8). */
  static async open(url: string, opts: { name?: string; concurrency?: number } = {}): Promise<BullQueue> {
    const name = opts.name ?? SWEEP_QUEUE;
    const queue = new Queue(name, { connection: connection(url) });
    const events = new QueueEvents(name, { connection: connection(url) });
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    return new BullQueue(queue, events, opts.concurrency ?? 8);
  }

  async run<T extends JobTask>(task: T, signal?: AbortSignal): Promise<JobResult<T>> {
    signal?.throwIfAborted();
    // Finished jobs stay an hour: removing them at once races waitUntilFinished ("Missing key").
    // Rollout results and refitted training models are large and used once: they go after a minute.
    const kind = jobKind(task);
    const keep = kind === 'rollout' || kind === 'trainingFinal' ? 60 : 3600;
    const job = await this.queue.add(kind, task, { removeOnComplete: { age: keep }, removeOnFail: { age: 86_400 } });
    const done = job.waitUntilFinished(this.events) as Promise<JobResult<T>>;
    if (!signal) return done;
    return new Promise<JobResult<T>>((resolve, reject) => {
      const onAbort = (): void => {
        // A waiting job is removed; a running one finishes on its worker and its result is dropped.
        void job.remove().catch(() => {});
        reject(new DOMException('cancelled', 'AbortError'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      done.then(
        (r) => {
          signal.removeEventListener('abort', onAbort);
          resolve(r);
        },
        (e: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.queue.close();
  }
}

/** A worker processing queued tasks from Redis; close it to stop. */
export function startBullWorker(url: string, opts: { name?: string; concurrency?: number; onJob?: (task: JobTask) => void } = {}): Worker {
  return new Worker(
    opts.name ?? SWEEP_QUEUE,
    async (job: Job<JobTask>) => {
      opts.onJob?.(job.data);
      return runJobTask(job.data);
    },
    { connection: connection(url), concurrency: opts.concurrency ?? 1 },
  );
}
