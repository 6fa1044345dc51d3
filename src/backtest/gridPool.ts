import { Worker } from 'node:worker_threads';
import type { GridJob } from './gridWorker.ts';

const WORKER_URL = new URL('./gridWorker.ts', import.meta.url).href;
const TSX_API = import.meta.resolve('tsx/esm/api');
// Workers load TypeScript through tsx's API, like bin/tradepilot.js (works under node, tsx and vitest).
const WORKER_BOOT = `import(${JSON.stringify(TSX_API)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL)}); })`;

/** A fixed set of grid worker threads, started once and reused across grids (start-up costs ~0.1-0.5 s each). */
export class GridPool {
  private readonly workers: Worker[];

  constructor(readonly size: number) {
    if (!(size >= 1)) throw new RangeError(`pool size must be >= 1, got ${size}`);
    this.workers = Array.from({ length: size }, () => new Worker(WORKER_BOOT, { eval: true }));
  }

  /** Run one job per worker (at most `size`), resolving when all are done. */
  async run(jobs: readonly GridJob[]): Promise<void> {
    if (jobs.length > this.size) throw new RangeError(`${jobs.length} jobs for ${this.size} workers`);
    await Promise.all(
      jobs.map(
        (job, k) =>
          new Promise<void>((resolve, reject) => {
            const w = this.workers[k]!;
            const onError = (e: Error): void => {
              w.off('message', onDone);
              reject(e);
            };
            const onDone = (): void => {
              w.off('error', onError);
              resolve();
            };
            w.once('message', onDone);
            w.once('error', onError);
            w.postMessage(job);
          }),
      ),
    );
  }

  /** Stop the workers. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
