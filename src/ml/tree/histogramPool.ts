/**
 * Parallel histogram building across worker_threads. The grower's row-major
 * codes, row order and gradients live in SharedArrayBuffers; for each node the
 * main thread publishes (rows, features) in a shared control block, every
 * thread fills a disjoint slice of the features of one shared output
 * histogram, and the main thread waits (Atomics.wait) until all are done, so
 * training stays synchronous and deterministic. Workers load the TypeScript
 * kernel through tsx's register API.
 */
import { Worker } from 'node:worker_threads';
import { TradepilotError, ErrorCode } from '../../core/errors.ts';
import { histogramFeatures, histogramWords, LITTLE_ENDIAN } from './histogram.ts';

/** Worker entry: registers tsx in the worker thread, then loads histogramWorker.ts. */
const WORKER_BOOT = new URL('./histogramWorkerBoot.mjs', import.meta.url);

/** Slots of the control block. */
export const CTRL = { GEN: 0, CMD: 1, START: 2, END: 3, NFEAT: 4, PARTS: 5, DONE: 6, READY: 7 } as const;

/** Buffers a worker needs for one training run. */
export interface AttachMessage {
  type: 'attach';
  binsRow: SharedArrayBuffer;
  rowIdx: SharedArrayBuffer;
  gh: SharedArrayBuffer;
  out: SharedArrayBuffer;
  features: SharedArrayBuffer;
  stride: number;
  /** Task generation at attach time: the worker's starting point, so a task published right after attach is not missed. */
  gen: number;
}

/** Shared views the grower writes through while a pool is attached. */
export interface SharedGrowerBuffers {
  binsRow: Uint8Array;
  words: Uint32Array;
  rowIdx: Int32Array;
  gh: Float64Array;
  out: Float64Array;
  features: Int32Array;
  stride: number;
}

/** A pool of histogram workers (threads - 1 workers plus the calling thread). */
export class HistogramPool {
  private readonly ctrl: Int32Array;
  private buffers: SharedGrowerBuffers | null = null;

  private constructor(
    private readonly workers: Worker[],
    ctrlBuf: SharedArrayBuffer,
  ) {
    this.ctrl = new Int32Array(ctrlBuf);
  }

  /** Total threads including the caller. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /** Start `threads - 1` workers and wait until each is ready. */
  static async create(threads: number): Promise<HistogramPool> {
    if (!(Number.isInteger(threads) && threads >= 2 && threads <= 64)) throw new TradepilotError(ErrorCode.BAD_INPUT, `threads must be an integer in 2..64 (got ${threads})`);
    const ctrlBuf = new SharedArrayBuffer(8 * 4);
    const workers: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (let i = 0; i < threads - 1; i++) {
      const w = new Worker(WORKER_BOOT, { workerData: { ctrl: ctrlBuf, index: i } });
      workers.push(w);
      ready.push(
        new Promise((resolve, reject) => {
          w.once('message', () => resolve());
          w.once('error', (e) => reject(new TradepilotError(ErrorCode.INTERNAL, `histogram worker failed to start: ${e.message}`, undefined, { cause: e })));
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
    return new HistogramPool(workers, ctrlBuf);
  }

  /** Allocate shared buffers for a training run and hand them to the workers (blocks until they have them). */
  attach(nRows: number, stride: number, histLen: number, nCols: number): SharedGrowerBuffers {
    const binsBuf = new SharedArrayBuffer(nRows * stride);
    const rowBuf = new SharedArrayBuffer(nRows * 4);
    const ghBuf = new SharedArrayBuffer(nRows * 16);
    const outBuf = new SharedArrayBuffer(histLen * 8);
    const featBuf = new SharedArrayBuffer(Math.max(1, nCols) * 4);
    const c = this.ctrl;
    Atomics.store(c, CTRL.READY, 0);
    Atomics.store(c, CTRL.CMD, 1);
    const msg: AttachMessage = { type: 'attach', binsRow: binsBuf, rowIdx: rowBuf, gh: ghBuf, out: outBuf, features: featBuf, stride, gen: Atomics.load(c, CTRL.GEN) };
    for (const w of this.workers) w.postMessage(msg);
    for (;;) {
      const r = Atomics.load(c, CTRL.READY);
      if (r >= this.workers.length) break;
      Atomics.wait(c, CTRL.READY, r, 1000);
    }
    this.buffers = {
      binsRow: new Uint8Array(binsBuf),
      words: new Uint32Array(binsBuf),
      rowIdx: new Int32Array(rowBuf),
      gh: new Float64Array(ghBuf),
      out: new Float64Array(outBuf),
      features: new Int32Array(featBuf),
      stride,
    };
    return this.buffers;
  }

  /**
   * Histogram of rowIdx[start, end) over `features` (all columns when
   * `all`), written into the shared output; returns that output.
   */
  build(start: number, end: number, features: Int32Array, all: boolean): Float64Array {
    const b = this.buffers;
    if (!b) throw new TradepilotError(ErrorCode.INTERNAL, 'histogram pool used before attach');
    const c = this.ctrl;
    const parts = this.threads;
    const useWords = all && LITTLE_ENDIAN;
    if (!useWords) b.features.set(features);
    c[CTRL.START] = start;
    c[CTRL.END] = end;
    c[CTRL.NFEAT] = useWords ? -1 : features.length;
    c[CTRL.PARTS] = parts;
    Atomics.store(c, CTRL.DONE, 0);
    Atomics.add(c, CTRL.GEN, 1);
    Atomics.notify(c, CTRL.GEN);
    // part 0 on this thread
    if (useWords) {
      const nw = b.stride >> 2;
      histogramWords(b.words, nw, 0, Math.floor(nw / parts), b.rowIdx, start, end, b.gh, b.out);
    } else histogramFeatures(b.binsRow, b.stride, b.features.subarray(0, Math.floor(features.length / parts)), b.rowIdx, start, end, b.gh, b.out);
    for (;;) {
      const d = Atomics.load(c, CTRL.DONE);
      if (d >= this.workers.length) break;
      Atomics.wait(c, CTRL.DONE, d);
    }
    return b.out;
  }

  /** Release the workers from the task loop (they keep running, idle). */
  detach(): void {
    if (!this.buffers) return;
    const c = this.ctrl;
    Atomics.store(c, CTRL.CMD, 0);
    Atomics.add(c, CTRL.GEN, 1);
    Atomics.notify(c, CTRL.GEN);
    for (;;) {
      const r = Atomics.load(c, CTRL.READY);
      if (r <= 0) break;
      Atomics.wait(c, CTRL.READY, r, 1000);
    }
    this.buffers = null;
  }

  /** Stop the workers. */
  async close(): Promise<void> {
    this.detach();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
