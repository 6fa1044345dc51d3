/**
 * Trainings started by the API, driven from the serving process: one at a time
 * per id, cancellable, and awaited on shutdown. With a queue (`run.queue`: the
 * serve runtime passes its job queue) the boosters train on worker threads or
 * BullMQ workers and this process only saves results, so the API stays
 * responsive; without one they train on this thread. A training whose process
 * died stays `running` in the store; `train resume ID` picks it up.
 */
import type { Store } from '../../adapters/store/store.ts';
import type { Logger } from '../../core/log.ts';
import { runTraining, type RunTrainingOptions } from './runTraining.ts';

/** Background trainings of this process. */
export class TrainingRunner {
  private readonly jobs = new Map<string, { abort: AbortController; done: Promise<void> }>();

  constructor(private readonly opts: { logger?: Logger; run?: RunTrainingOptions } = {}) {}

  /** Start training `id` unless it is already running here. */
  start(store: Store, id: string): void {
    if (this.jobs.has(id)) return;
    const abort = new AbortController();
    const done = runTraining(store, id, { ...this.opts.run, signal: abort.signal })
      .then(() => undefined)
      // The failure is already stored (status failed, training.failed event); the log says so too.
      .catch((err: unknown) => this.opts.logger?.error({ training: id, err: (err as Error).message }, 'training failed'))
      .finally(() => this.jobs.delete(id));
    this.jobs.set(id, { abort, done });
  }

  /** Where the units run: the queue's kind (`threads`, `redis`, `inline`), or `this thread` without one. */
  get runsOn(): string {
    return this.opts.run?.queue?.kind ?? 'this thread';
  }

  /** Whether `id` runs in this process. */
  isRunning(id: string): boolean {
    return this.jobs.has(id);
  }

  /** Stop `id` here (it stores `cancelled`); false when it does not run here. */
  cancel(id: string): boolean {
    const j = this.jobs.get(id);
    j?.abort.abort();
    return j !== undefined;
  }

  /** Resolves when every training started here has ended. */
  async idle(): Promise<void> {
    while (this.jobs.size > 0) await Promise.all([...this.jobs.values()].map((j) => j.done));
  }

  /** Cancel everything and wait (server shutdown). */
  async close(): Promise<void> {
    for (const j of this.jobs.values()) j.abort.abort();
    await this.idle();
  }
}
