/**
 * Parallel tree growing across worker_threads, on the same WebAssembly SIMD
 * kernels as one thread. The grower's arena (row-major codes, gradients, row
 * order, histogram slots) is one shared WebAssembly.Memory; every thread
 * instantiates its own module on it (ArenaChunks). The features are cut into a
 * few contiguous chunks. Per node the calling thread publishes one task in a
 * shared control block (root: build and search; children: build the smaller
 * child, subtract it from the parent, search both) and every thread claims
 * chunks of it from an atomic counter until none are left; so a worker that
 * the OS has not scheduled (2 vCPUs shared with other work) costs the caller
 * no wait: it does the chunks itself. The caller then merges the chunks' best
 * splits in feature order. Nothing is copied per task, and the trees are bit
 * for bit those of one thread: each histogram entry is the same sum in the
 * same row order, and the merge picks the split one scan over all features picks.
 * Workers load the TypeScript kernels through tsx's register API.
 */
import { Worker } from 'node:worker_threads';
import { TradepilotError, ErrorCode } from '../../core/errors.ts';
import type { Matrix } from '../data.ts';
import { binColumn, binMatrix, quantileCuts, valueBins, type BinnedMatrix } from './binning.ts';
import { ArenaChunks, MAX_CHUNKS, type ArenaLayout, type HistArena } from './histKernel.ts';
import type { SplitInfo, SplitParams } from './split.ts';
import type { WasmMemory } from '../wasmAsm.ts';

/** Worker entry: registers tsx in the worker thread, then loads histogramWorker.ts. */
const WORKER_BOOT = new URL('./histogramWorkerBoot.mjs', import.meta.url);

/** Slots of the control block. CLAIM holds the task's generation (low 22 bits) << 8 | next chunk. */
export const CTRL = { GEN: 0, CMD: 1, START: 2, END: 3, A: 4, B: 5, CLAIM: 6, DONE: 7, READY: 8, ERR: 9 } as const;
/** Task commands (CTRL.CMD). */
export const CMD = { DETACH: 0, ROOT: 1, CHILDREN: 2 } as const;
/** Chunks per thread: more balance the load and let the caller take over an unscheduled worker's share sooner, but each re-reads the node's rows. */
export const CHUNKS_PER_THREAD = 2;
/**
 * Polls of a control slot before blocking in Atomics.wait (~250 us on this machine). Between
 * two nodes the calling thread partitions rows for tens of microseconds, and a worker asleep
 * in the kernel takes about as long again to wake, so within a tree the worker keeps polling;
 * between trees (gradients, leaf values) it sleeps. 5,000 polls measured no better.
 */
export const SPIN = 20_000;

/** What a worker needs for one training run. */
export interface AttachMessage {
  type: 'attach';
  memory: WasmMemory;
  layout: ArenaLayout;
  chunks: number;
  /** Task generation at attach time: the worker's starting point, so a task published right after attach is not missed. */
  gen: number;
}

/** A binning job: the matrix and its outputs in shared memory, features claimed from ctl[0], counted done in ctl[1]. */
export interface BinMessage {
  type: 'bin';
  data: Float64Array;
  rows: number;
  cols: number;
  /** Value bins per feature (at most vb - 1 cuts each). */
  vb: number;
  /** Cuts of feature j at cuts[j * vb ..], their count at ctl[2 + j]. */
  cuts: Float64Array;
  bins: Uint8Array;
  /** NEXT, DONE, ERR, then one cut count per feature. */
  ctl: Int32Array;
}

const BIN_CTL = { NEXT: 0, DONE: 1, ERR: 2, COUNTS: 3 } as const;

/** Claim features of a binning job one at a time until none are left: cuts and codes of each, as binMatrix computes them. */
export function binFeatures(m: BinMessage): void {
  const { data, rows, cols, vb, cuts, bins, ctl } = m;
  for (let j = Atomics.add(ctl, BIN_CTL.NEXT, 1); j < cols; j = Atomics.add(ctl, BIN_CTL.NEXT, 1)) {
    try {
      const col = data.subarray(j * rows, (j + 1) * rows);
      const c = quantileCuts(col, vb);
      cuts.set(c, j * vb);
      ctl[BIN_CTL.COUNTS + j] = c.length;
      binColumn(col, c, bins.subarray(j * rows, (j + 1) * rows));
    } catch {
      Atomics.store(ctl, BIN_CTL.ERR, 1);
    }
    Atomics.add(ctl, BIN_CTL.DONE, 1);
    Atomics.notify(ctl, BIN_CTL.DONE);
  }
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

const claimBase = (gen: number): number => (gen & 0x3fffff) << 8;

/**
 * Claim the next chunk of task `gen`, or -1 when it has none left or is no longer the
 * current task (a late worker must not take a chunk of a newer task with this one's parameters).
 */
export function claimChunk(ctrl: Int32Array, gen: number, chunks: number): number {
  const base = claimBase(gen);
  for (;;) {
    const t = Atomics.load(ctrl, CTRL.CLAIM);
    if ((t & ~255) !== base || (t & 255) >= chunks) return -1;
    if (Atomics.compareExchange(ctrl, CTRL.CLAIM, t, t + 1) === t) return t & 255;
  }
}

/** Do chunks of task `gen` until none are left; counts each done. Returns how many this thread did. */
export function workChunks(ctrl: Int32Array, gen: number, chunks: number, kernels: ArenaChunks): number {
  let done = 0;
  const cmd = ctrl[CTRL.CMD]!;
  const start = ctrl[CTRL.START]!;
  const end = ctrl[CTRL.END]!;
  const a = ctrl[CTRL.A]!;
  const b = ctrl[CTRL.B]!;
  for (let c = claimChunk(ctrl, gen, chunks); c >= 0; c = claimChunk(ctrl, gen, chunks)) {
    try {
      if (cmd === CMD.ROOT) kernels.root(c, start, end, a);
      else kernels.children(c, start, end, a, b);
    } catch {
      Atomics.store(ctrl, CTRL.ERR, 1);
    }
    Atomics.add(ctrl, CTRL.DONE, 1);
    Atomics.notify(ctrl, CTRL.DONE);
    done++;
  }
  return done;
}

/** A pool of tree-growing workers (threads - 1 workers plus the calling thread). */
export class HistogramPool {
  private readonly ctrl: Int32Array;
  private arena: HistArena | null = null;
  private kernels: ArenaChunks | null = null;
  private chunks = 0;
  /** Tasks run so far (root and children nodes done across the threads). */
  tasks = 0;
  /** Chunks of those tasks, in all and those the calling thread did itself (the rest: the workers). */
  chunksRun = 0;
  chunksHere = 0;

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
    if (!(Number.isInteger(threads) && threads >= 2 && threads <= MAX_CHUNKS)) throw new TradepilotError(ErrorCode.BAD_INPUT, `threads must be an integer in 2..${MAX_CHUNKS} (got ${threads})`);
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

  /**
   * binMatrix (binning.ts) with the features shared out across the threads, claimed one at a
   * time: the same cuts and codes (each feature's are computed by the same code from its
   * column alone). The matrix is copied once into shared memory unless it is there already.
   */
  binMatrix(X: Matrix, maxBins: number): BinnedMatrix {
    // attached workers are busy in the task loop: bin here
    if (this.arena) return binMatrix(X, maxBins);
    const { rows, cols } = X;
    const vb = valueBins(maxBins);
    let data = X.data.subarray(0, rows * cols);
    if (!(data.buffer instanceof SharedArrayBuffer)) {
      data = new Float64Array(new SharedArrayBuffer(8 * rows * cols));
      data.set(X.data.subarray(0, rows * cols));
    }
    const job: BinMessage = {
      type: 'bin',
      data,
      rows,
      cols,
      vb,
      cuts: new Float64Array(new SharedArrayBuffer(8 * Math.max(1, cols * vb))),
      bins: new Uint8Array(new SharedArrayBuffer(Math.max(1, rows * cols))),
      ctl: new Int32Array(new SharedArrayBuffer(4 * (BIN_CTL.COUNTS + cols))),
    };
    for (const w of this.workers) w.postMessage(job);
    binFeatures(job);
    const { ctl } = job;
    for (let d = Atomics.load(ctl, BIN_CTL.DONE); d < cols; d = Atomics.load(ctl, BIN_CTL.DONE)) Atomics.wait(ctl, BIN_CTL.DONE, d);
    if (ctl[BIN_CTL.ERR] !== 0) throw new TradepilotError(ErrorCode.INTERNAL, 'histogram worker failed binning a feature');
    const cuts = Array.from({ length: cols }, (_, j) => job.cuts.slice(j * vb, j * vb + ctl[BIN_CTL.COUNTS + j]!));
    const nBins = Int32Array.from(cuts, (c) => c.length + 1);
    return { bins: job.bins.subarray(0, rows * cols), rows, cols, cuts, nBins };
  }

  /** The arena the workers are attached to, if any. */
  get attached(): HistArena | null {
    return this.arena;
  }

  /**
   * Hand a shared arena to the workers for a training run (blocks until each has
   * instantiated its kernels on the arena's memory).
   */
  attach(arena: HistArena): void {
    if (this.arena) this.detach();
    const c = this.ctrl;
    const chunks = Math.min(MAX_CHUNKS, arena.layout.nFeatures, CHUNKS_PER_THREAD * this.threads);
    Atomics.store(c, CTRL.READY, 0);
    Atomics.store(c, CTRL.ERR, 0);
    Atomics.store(c, CTRL.CMD, CMD.ROOT);
    Atomics.store(c, CTRL.CLAIM, -1);
    const gen = Atomics.load(c, CTRL.GEN);
    for (const w of this.workers) w.postMessage({ type: 'attach', memory: arena.memory, layout: arena.layout, chunks, gen } satisfies AttachMessage);
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
    this.kernels = new ArenaChunks(arena.memory, arena.layout, chunks);
    this.chunks = chunks;
  }

  /** Publish a task, do chunks of it here until none are left, wait for the chunks workers took. */
  private run(cmd: number, start: number, end: number, a: number, b: number): void {
    const c = this.ctrl;
    const gen = (c[CTRL.GEN]! + 1) | 0;
    c[CTRL.CMD] = cmd;
    c[CTRL.START] = start;
    c[CTRL.END] = end;
    c[CTRL.A] = a;
    c[CTRL.B] = b;
    Atomics.store(c, CTRL.DONE, 0);
    Atomics.store(c, CTRL.CLAIM, claimBase(gen));
    Atomics.store(c, CTRL.GEN, gen);
    Atomics.notify(c, CTRL.GEN);
    this.tasks++;
    this.chunksRun += this.chunks;
    this.chunksHere += workChunks(c, gen, this.chunks, this.kernels!);
    for (let d = Atomics.load(c, CTRL.DONE); d < this.chunks; ) d = awaitChange(c, CTRL.DONE, d);
    if (Atomics.load(c, CTRL.ERR) !== 0) throw new TradepilotError(ErrorCode.INTERNAL, 'histogram worker failed on a task');
  }

  private need(): HistArena {
    if (!this.arena || !this.kernels) throw new TradepilotError(ErrorCode.INTERNAL, 'histogram pool used before attach');
    return this.arena;
  }

  /** Root of a tree: histogram of rowIdx[start, end) into arena slot `hist`, best split into `out` (node totals G, H). */
  root(start: number, end: number, hist: Float64Array, G: number, H: number, p: SplitParams, out: SplitInfo): void {
    const arena = this.need();
    arena.setChunkInputs(this.chunks, 0, G, H, p);
    this.run(CMD.ROOT, start, end, hist.byteOffset, 0);
    arena.combineChunks(this.chunks, 0, p, out);
  }

  /**
   * Children of a split: histogram of the smaller child's rows rowIdx[start, end) into slot
   * `small`, `parent -= small` (parent becomes the larger child's histogram), and the best split
   * of each (totals Gs, Hs and Gl, Hl) into outSmall and outLarge.
   */
  children(start: number, end: number, small: Float64Array, parent: Float64Array, Gs: number, Hs: number, Gl: number, Hl: number, p: SplitParams, outSmall: SplitInfo, outLarge: SplitInfo): void {
    const arena = this.need();
    arena.setChunkInputs(this.chunks, 0, Gs, Hs, p);
    arena.setChunkInputs(this.chunks, 1, Gl, Hl, p);
    this.run(CMD.CHILDREN, start, end, small.byteOffset, parent.byteOffset);
    arena.combineChunks(this.chunks, 0, p, outSmall);
    arena.combineChunks(this.chunks, 1, p, outLarge);
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
    this.kernels = null;
  }

  /** Stop the workers. */
  async close(): Promise<void> {
    this.detach();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
