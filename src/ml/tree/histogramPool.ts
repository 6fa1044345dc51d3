/**
 * Parallel tree growing across worker_threads, on the same WebAssembly SIMD
 * kernels as one thread. The grower's arena (row-major codes, gradients, row
 * order, histogram slots) is one shared WebAssembly.Memory; every thread
 * instantiates its own module on it, with hist unrolled over its own
 * contiguous slice of the features. Per node the calling thread publishes one
 * task in a shared control block (root: build and search; children: build the
 * smaller child, subtract it from the parent, search both) and every thread
 * does its slice; the calling thread waits (Atomics) and merges the slices'
 * best splits in feature order. Nothing is copied per task, and the trees are
 * bit for bit those of one thread: each histogram entry is the same sum in the
 * same row order, and the merge picks the split one scan over all features picks.
 * Workers load the TypeScript kernels through tsx's register API.
 */
import { Worker } from 'node:worker_threads';
import { TradepilotError, ErrorCode } from '../../core/errors.ts';
import { ArenaSlice, MAX_PARTS, partFeatures, type ArenaLayout, type HistArena } from './histKernel.ts';
import type { SplitInfo, SplitParams } from './split.ts';
import type { WasmMemory } from '../wasmAsm.ts';

/** Worker entry: registers tsx in the worker thread, then loads histogramWorker.ts. */
const WORKER_BOOT = new URL('./histogramWorkerBoot.mjs', import.meta.url);

/** Slots of the control block. */
export const CTRL = { GEN: 0, CMD: 1, START: 2, END: 3, A: 4, B: 5, DONE: 6, READY: 7, ERR: 8 } as const;
/** Task commands (CTRL.CMD). */
export const CMD = { DETACH: 0, ROOT: 1, CHILDREN: 2 } as const;
/**
 * Polls of a control slot before blocking in Atomics.wait (~10-50 us here). Between two
 * nodes the calling thread partitions rows for a few microseconds; a worker that slept in
 * the kernel would take longer than that to wake, and the tasks are that short.
 */
export const SPIN = 20_000;

/** What a worker needs for one training run. */
export interface AttachMessage {
  type: 'attach';
  memory: WasmMemory;
  layout: ArenaLayout;
  /** This worker's part (1..parts-1; part 0 is the calling thread's). */
  part: number;
  parts: number;
  /** Task generation at attach time: the worker's starting point, so a task published right after attach is not missed. */
  gen: number;
}

/** Wait until ctrl[slot] differs from `value`: poll SPIN times, then block. Returns the new value. */
export function awaitChange(ctrl: Int32Array, slot: number, value: number): number {
  for (let i = 0; i < SPIN; i++) {
    const v = Atomics.load(ctrl, slot);
    if (v !== value) return v;
  }
  for (;;) {
    Atomics.wait(ctrl, slot, value);
    const v = Atomics.load(ctrl, slot);
    if (v !== value) return v;
  }
}

/** A pool of tree-growing workers (threads - 1 workers plus the calling thread). */
export class HistogramPool {
  private readonly ctrl: Int32Array;
  private arena: HistArena | null = null;
  private slice: ArenaSlice | null = null;
  /** Tasks run so far (root and children nodes done across the threads). */
  tasks = 0;

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
    if (!(Number.isInteger(threads) && threads >= 2 && threads <= MAX_PARTS)) throw new TradepilotError(ErrorCode.BAD_INPUT, `threads must be an integer in 2..${MAX_PARTS} (got ${threads})`);
    const ctrlBuf = new SharedArrayBuffer(16 * 4);
    const workers: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (let i = 0; i < threads - 1; i++) {
      const w = new Worker(WORKER_BOOT, { workerData: { ctrl: ctrlBuf } });
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

  /** The arena the workers are attached to, if any. */
  get attached(): HistArena | null {
    return this.arena;
  }

  /**
   * Hand a shared arena to the workers for a training run (blocks until each has
   * instantiated its kernels on the arena's memory). Part 0 of the features is this thread's.
   */
  attach(arena: HistArena): void {
    if (this.arena) this.detach();
    const c = this.ctrl;
    const parts = this.threads;
    Atomics.store(c, CTRL.READY, 0);
    Atomics.store(c, CTRL.ERR, 0);
    Atomics.store(c, CTRL.CMD, CMD.ROOT);
    const gen = Atomics.load(c, CTRL.GEN);
    this.workers.forEach((w, i) => w.postMessage({ type: 'attach', memory: arena.memory, layout: arena.layout, part: i + 1, parts, gen } satisfies AttachMessage));
    for (;;) {
      const r = Atomics.load(c, CTRL.READY);
      if (r >= this.workers.length) break;
      Atomics.wait(c, CTRL.READY, r, 1000);
    }
    this.arena = arena;
    if (Atomics.load(c, CTRL.ERR) !== 0) {
      this.detach();
      throw new TradepilotError(ErrorCode.INTERNAL, 'histogram worker could not instantiate the wasm kernels on the shared arena');
    }
    const [f0, f1] = partFeatures(arena.layout.nFeatures, parts, 0);
    this.slice = new ArenaSlice(arena.memory, arena.layout, f0, f1);
  }

  /** Publish a task, do part 0 here, wait for the workers. */
  private run(cmd: number, start: number, end: number, a: number, b: number, mine: (slice: ArenaSlice) => void): void {
    const c = this.ctrl;
    c[CTRL.CMD] = cmd;
    c[CTRL.START] = start;
    c[CTRL.END] = end;
    c[CTRL.A] = a;
    c[CTRL.B] = b;
    Atomics.store(c, CTRL.DONE, 0);
    Atomics.add(c, CTRL.GEN, 1);
    Atomics.notify(c, CTRL.GEN);
    this.tasks++;
    mine(this.slice!);
    const n = this.workers.length;
    for (let d = Atomics.load(c, CTRL.DONE); d < n; ) d = awaitChange(c, CTRL.DONE, d);
    if (Atomics.load(c, CTRL.ERR) !== 0) throw new TradepilotError(ErrorCode.INTERNAL, 'histogram worker failed on a task');
  }

  private need(): HistArena {
    if (!this.arena || !this.slice) throw new TradepilotError(ErrorCode.INTERNAL, 'histogram pool used before attach');
    return this.arena;
  }

  /** Root of a tree: histogram of rowIdx[start, end) into arena slot `hist`, best split into `out` (node totals G, H). */
  root(start: number, end: number, hist: Float64Array, G: number, H: number, p: SplitParams, out: SplitInfo): void {
    const arena = this.need();
    const parts = this.threads;
    arena.setPartInputs(parts, 0, G, H, p);
    const io = ArenaSlice.ioAt(arena.layout, 0, 0);
    this.run(CMD.ROOT, start, end, hist.byteOffset, 0, (s) => s.root(start, end, hist.byteOffset, io));
    arena.combineParts(parts, 0, p, out);
  }

  /**
   * Children of a split: histogram of the smaller child's rows rowIdx[start, end) into slot
   * `small`, `parent -= small` (parent becomes the larger child's histogram), and the best split
   * of each (totals Gs, Hs and Gl, Hl) into outSmall and outLarge.
   */
  children(start: number, end: number, small: Float64Array, parent: Float64Array, Gs: number, Hs: number, Gl: number, Hl: number, p: SplitParams, outSmall: SplitInfo, outLarge: SplitInfo): void {
    const arena = this.need();
    const parts = this.threads;
    arena.setPartInputs(parts, 0, Gs, Hs, p);
    arena.setPartInputs(parts, 1, Gl, Hl, p);
    const { layout } = arena;
    this.run(CMD.CHILDREN, start, end, small.byteOffset, parent.byteOffset, (s) =>
      s.children(start, end, small.byteOffset, parent.byteOffset, ArenaSlice.ioAt(layout, 0, 0), ArenaSlice.ioAt(layout, 0, 1)),
    );
    arena.combineParts(parts, 0, p, outSmall);
    arena.combineParts(parts, 1, p, outLarge);
  }

  /** Release the workers from the task loop (they keep running, idle). */
  detach(): void {
    if (!this.arena) return;
    const c = this.ctrl;
    Atomics.store(c, CTRL.CMD, CMD.DETACH);
    Atomics.add(c, CTRL.GEN, 1);
    Atomics.notify(c, CTRL.GEN);
    for (;;) {
      const r = Atomics.load(c, CTRL.READY);
      if (r <= 0) break;
      Atomics.wait(c, CTRL.READY, r, 1000);
    }
    this.arena = null;
    this.slice = null;
  }

  /** Stop the workers. */
  async close(): Promise<void> {
    this.detach();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
