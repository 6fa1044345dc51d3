/**
 * Black-Scholes prices of large batches on every core: the arrays live in
 * SharedArrayBuffers, each worker prices one contiguous slice with the same
 * kernel (`bsPriceBatch`) and the calling thread prices the first slice, so
 * the result is identical to the single-threaded one.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { BadInputError } from '../core/errors.ts';
import { bsPriceBatch, type OptionType } from './blackScholes.ts';

const BOOT = new URL('./bsWorkerBoot.mjs', import.meta.url);

/** One worker's job: price [start, end) of the shared arrays. */
export interface BsSlice {
  id: number;
  type: OptionType;
  spot: SharedArrayBuffer;
  strike: SharedArrayBuffer;
  t: SharedArrayBuffer;
  vol: SharedArrayBuffer;
  out: SharedArrayBuffer;
  rate: number;
  div: number;
  start: number;
  end: number;
}

/** A Float64Array over a SharedArrayBuffer, ready to hand to a BsPool. */
export function sharedFloat64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(n * 8));
}

export class BsPool {
  private seq = 0;
  private readonly pending = new Map<number, () => void>();

  private constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      w.on('message', (id: number) => {
        this.pending.get(id)?.();
        this.pending.delete(id);
      });
    }
  }

  /** Start `threads - 1` workers (the caller's thread is the last one); default: one per core. */
  static async create(threads = availableParallelism()): Promise<BsPool> {
    const workers = Array.from({ length: Math.max(0, threads - 1) }, () => new Worker(BOOT));
    await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
      w.once('online', () => resolve());
      w.once('error', reject);
    })));
    return new BsPool(workers);
  }

  /** Threads that price a batch (workers + the caller). */
  get threads(): number {
    return this.workers.length + 1;
  }

  /** Price into `out`; every array must be a SharedArrayBuffer view of the same length (see `sharedFloat64`). */
  async price(type: OptionType, spot: Float64Array, strike: Float64Array, t: Float64Array, rate: number, vol: Float64Array, div: number, out: Float64Array): Promise<Float64Array> {
    const n = out.length;
    const arrays = { spot, strike, t, vol, out };
    for (const [name, a] of Object.entries(arrays)) {
      if (!(a.buffer instanceof SharedArrayBuffer) || a.byteOffset !== 0) throw new BadInputError(`BsPool: ${name} must be a whole SharedArrayBuffer view (use sharedFloat64)`);
      if (a.length !== n) throw new BadInputError(`BsPool: ${name} has ${a.length} values, out has ${n}`);
    }
    const chunk = Math.ceil(n / this.threads);
    const done: Promise<void>[] = [];
    this.workers.forEach((w, k) => {
      const start = Math.min(n, (k + 1) * chunk);
      const end = Math.min(n, start + chunk);
      if (start >= end) return;
      const id = ++this.seq;
      done.push(new Promise<void>((resolve) => this.pending.set(id, resolve)));
      const msg: BsSlice = { id, type, rate, div, start, end, spot: spot.buffer as SharedArrayBuffer, strike: strike.buffer as SharedArrayBuffer, t: t.buffer as SharedArrayBuffer, vol: vol.buffer as SharedArrayBuffer, out: out.buffer as SharedArrayBuffer };
      w.postMessage(msg);
    });
    const m = Math.min(n, chunk);
    bsPriceBatch(type, spot.subarray(0, m), strike.subarray(0, m), t.subarray(0, m), rate, vol.subarray(0, m), div, out.subarray(0, m));
    await Promise.all(done);
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
