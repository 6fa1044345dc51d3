/**
 * Sweeps running in the background of a long-lived process (the API server):
 * start one and learn its runtime estimate, read its live progress, cancel it,
 * and stop them all at shutdown. The work itself is `runSweep` on the given
 * JobQueue, so results and checkpoints are the same as `tradepilot sweep`.
 */
import type { Store } from '../../adapters/store/store.ts';
import type { Logger } from '../../core/log.ts';
import type { JobQueue } from '../jobs/jobQueue.ts';
import { runSweep, type SweepProgress } from './runSweep.ts';
import { setSweepStatus, sweepStatus } from './sweepStore.ts';

interface Running {
  abort: AbortController;
  progress: SweepProgress | null;
  settled: Promise<void>;
}

/** The background sweeps of this process. */
export class BackgroundSweeps {
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly store: Store,
    private readonly queue: JobQueue,
    private readonly logger?: Logger,
  ) {}

  /**
   * Start sweep `id` (already created, status pending) and resolve with its
   * first progress report, which carries the runtime estimate. A failure
   * before the estimate (bad data window, unknown symbol) marks the sweep
   * failed and rejects with the error.
   */
  start(id: string): Promise<SweepProgress> {
    if (this.running.has(id)) throw new Error(`sweep ${id} is already running here`);
    const abort = new AbortController();
    let first!: (p: SweepProgress) => void;
    let fail!: (e: unknown) => void;
    const estimate = new Promise<SweepProgress>((res, rej) => {
      first = res;
      fail = rej;
    });
    const entry: Running = { abort, progress: null, settled: Promise.resolve() };
    this.running.set(id, entry);
    entry.settled = runSweep(this.store, this.queue, id, {
      signal: abort.signal,
      onProgress: (p) => {
        entry.progress = p;
        if (p.phase === 'estimate') first(p);
      },
    })
      .then((sw) => {
        // Cancelled before its estimate: still answer the caller.
        first({ sweepId: id, phase: sw.status === 'cancelled' ? 'cancelled' : 'done', done: entry.progress?.done ?? 0, total: entry.progress?.total ?? sw.total, elapsedMs: 0, etaSeconds: 0 });
      })
      .catch(async (err: unknown) => {
        // runSweep records failures once running; one before that would leave the sweep pending forever.
        if ((await sweepStatus(this.store, id).catch(() => 'missing')) === 'pending') {
          await setSweepStatus(this.store, id, 'failed', 'sweep.failed', { error: (err as Error).message }).catch(() => undefined);
        }
        this.logger?.warn({ sweep: id, err: (err as Error).message }, 'background sweep failed');
        fail(err);
      })
      .finally(() => {
        this.running.delete(id);
      });
    return estimate;
  }

  /** Live progress of a sweep running here (null when it is not). */
  progress(id: string): SweepProgress | null {
    return this.running.get(id)?.progress ?? null;
  }

  isRunning(id: string): boolean {
    return this.running.has(id);
  }

  /** Abort a sweep running here and wait (at most `waitMs`) until it has stopped; false when it is not running here. */
  async cancel(id: string, waitMs = 5_000): Promise<boolean> {
    const r = this.running.get(id);
    if (!r) return false;
    r.abort.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([r.settled, new Promise<void>((res) => (timer = setTimeout(res, waitMs)))]);
    clearTimeout(timer);
    return true;
  }

  /** Cancel every sweep running here (they resume with `sweep resume`) and wait for them to stop. */
  async close(): Promise<void> {
    const all = [...this.running.values()];
    for (const r of all) r.abort.abort();
    await Promise.all(all.map((r) => r.settled));
  }
}
