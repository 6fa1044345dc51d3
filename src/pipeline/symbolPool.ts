/**
 * Models many symbols at once: a few worker threads (one per core, at most
 * four) each take the next symbol as soon as they finish one. With one core
 * or one symbol it runs in the calling thread instead (no start-up cost).
 */
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { symbolModel, type SymbolJob, type SymbolModelResult } from './symbolModel.ts';
import type { SymbolJobMessage } from './symbolWorker.ts';

const WORKER_URL = new URL('./symbolWorker.ts', import.meta.url).href;
const TSX_API = import.meta.resolve('tsx/esm/api');
// Workers load TypeScript through tsx's API, like bin/tradepilot.js (works under node, tsx and vitest).
const WORKER_BOOT = `import(${JSON.stringify(TSX_API)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL)}); })`;

/** One symbol's outcome: a result or the error that stopped it. */
export type SymbolOutcome = { result: SymbolModelResult } | { error: string };

/**
 * Worker threads to use for `jobs` symbols (0 = run in this thread): one per
 * core, at most four, but none when the cores are already busy (load average
 * at or above the core count), where the threads would only share the same
 * slice of CPU and add their start-up time.
 */
export function defaultWorkers(jobs: number, cores: number = availableParallelism(), load: number = loadavg()[0]!): number {
  const n = Math.min(4, cores, jobs);
  return n >= 2 && load < cores ? n : 0;
}

/** Model every job; `onDone` is called as each finishes (progress). Outcomes come back in job order. */
export async function modelSymbols(jobs: readonly SymbolJob[], workers: number, onDone: (index: number) => void = () => {}): Promise<SymbolOutcome[]> {
  const out: SymbolOutcome[] = new Array(jobs.length);
  if (workers < 1) {
    for (let i = 0; i < jobs.length; i++) {
      try {
        out[i] = { result: symbolModel(jobs[i]!) };
      } catch (err) {
        out[i] = { error: err instanceof Error ? err.message : String(err) };
      }
      onDone(i);
      // Let the progress bar draw between symbols.
      await new Promise((r) => setImmediate(r));
    }
    return out;
  }
  let next = 0;
  const pool = Array.from({ length: Math.min(workers, jobs.length) }, () => new Worker(WORKER_BOOT, { eval: true }));
  try {
    await Promise.all(
      pool.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const feed = (): void => {
              if (next >= jobs.length) return resolve();
              const index = next++;
              w.postMessage({ index, job: jobs[index]! } satisfies SymbolJobMessage);
            };
            w.on('message', (m: { index: number } & SymbolOutcome) => {
              out[m.index] = 'error' in m ? { error: m.error } : { result: m.result };
              onDone(m.index);
              feed();
            });
            w.once('error', reject);
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return out;
}
