/**
 * A worker thread holding a replica of an LSTM policy: given the current parameters and the
 * chunk ids of half a minibatch, it computes that half's PPO gradients, so the two halves run on
 * two cores. Everything a minibatch exchanges lives in shared memory allocated once: parameters
 * in, gradients and loss statistics out, chunk ids and advantage moments in, and a control
 * block the two threads signal through with Atomics (no message, allocation or copy per
 * minibatch; the worker waits in Atomics.wait between requests). The rollout is shared memory
 * too, copied in once per update and announced on a MessagePort the worker drains before each
 * request.
 */
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { ErrorCode, TradepilotError } from '../../core/errors.ts';
import type { Data, Tensor } from '../../ml/nn/index.ts';
import type { LossCoefs, PpoLossStats, RolloutView } from './ppoLoss.ts';

/** What the worker needs to build the replica. */
export interface ReplicaSpec {
  obsDim: number;
  numActions: number;
  hidden: number;
  dtype: 'float32' | 'float64';
  coefs?: LossCoefs;
}

/** Sizes of the shared rollout. */
export interface RolloutDims {
  N: number;
  L: number;
  D: number;
  S: number;
  dtype: 'float32' | 'float64';
}

/** Slots of the Int32 control block. */
export const CTRL = {
  /** Bumped by the trainer for each request (the worker waits on it). */
  REQUEST: 0,
  /** Set by the worker to the request it finished (the trainer waits on it). */
  DONE: 1,
  /** Chunk ids in this request. */
  CHUNKS: 2,
  /** 0 ok, 1 the request failed (the message follows on the port). */
  STATUS: 3,
  /** 1: leave the loop. */
  QUIT: 4,
  /** 1: the worker could not start (the message follows on the port). */
  BROKEN: 5,
} as const;

/** Slots of the Float64 scalar block: inputs mu, sd, clip, vfCoef, entCoef; outputs the four statistics. */
export const SCALARS = { MU: 0, SD: 1, CLIP: 2, VF: 3, ENT: 4, POLICY: 5, VALUE: 6, ENTROPY: 7, KL: 8, SIZE: 9 } as const;

/** The shared blocks, as handed to the worker in workerData. */
export interface SharedBlocks {
  ctrl: Int32Array;
  scalars: Float64Array;
  chunks: Int32Array;
  params: Data[];
  grads: Data[];
  port: MessagePort;
}

const WORKER_URL = new URL('./gradWorkerMain.ts', import.meta.url).href;
const TSX_API = import.meta.resolve('tsx/esm/api');
// Workers load TypeScript through tsx's API (as the backtest grid pool does). A thread that cannot
// start says so in the control block, since the trainer may be blocked waiting on it.
const WORKER_BOOT = `const { workerData: d } = require('node:worker_threads');
import(${JSON.stringify(TSX_API)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL)}); }).catch((e) => {
  d.blocks.port.postMessage({ error: 'could not start: ' + (e && e.message) });
  Atomics.store(d.blocks.ctrl, ${CTRL.BROKEN}, 1);
  Atomics.notify(d.blocks.ctrl, ${CTRL.DONE});
});`;
/** How long the trainer waits for one half-minibatch before calling the worker lost. */
const TIMEOUT_MS = 120_000;

/** A typed array of `n` elements on shared memory, reusing `prev` when it has that size. */
function shared<T extends Float32Array | Float64Array | Int32Array>(prev: T | undefined, n: number, Ctor: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }): T {
  return prev !== undefined && prev.length === n ? prev : new Ctor(new SharedArrayBuffer(Math.max(1, n) * Ctor.BYTES_PER_ELEMENT));
}

/** Shared array like `d` (same element type and length). */
function sharedLike(d: Data): Data {
  return d instanceof Float64Array ? shared(undefined, d.length, Float64Array) : shared(undefined, d.length, Float32Array);
}

/** One gradient worker. */
export class GradWorker {
  private readonly w: Worker;
  private readonly port: MessagePort;
  private readonly blocks: Omit<SharedBlocks, 'port'>;
  private view: RolloutView | null = null;
  private pending = false;

  /** `params`: the trainer's parameter tensors, in the replica's order (their sizes fix the shared blocks). */
  constructor(
    readonly spec: ReplicaSpec,
    params: readonly Tensor[],
    maxChunks: number,
  ) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.blocks = {
      ctrl: shared(undefined, 8, Int32Array),
      scalars: shared(undefined, SCALARS.SIZE, Float64Array),
      chunks: shared(undefined, maxChunks, Int32Array),
      params: params.map((p) => sharedLike(p.data)),
      grads: params.map((p) => sharedLike(p.data)),
    };
    const data: SharedBlocks = { ...this.blocks, port: port2 };
    this.w = new Worker(WORKER_BOOT, { eval: true, workerData: { spec, blocks: data }, transferList: [port2] });
    this.w.unref();
  }

  /** Copies the rollout into shared memory and announces it to the worker (call between updates, never during one). */
  shareRollout(roll: RolloutView, dims: RolloutDims): void {
    const v = this.view;
    const view: RolloutView = {
      obs: shared(v?.obs, roll.obs.length, Float32Array),
      chunkStates: dims.dtype === 'float32' ? shared(v?.chunkStates instanceof Float32Array ? v.chunkStates : undefined, roll.chunkStates.length, Float32Array) : shared(v?.chunkStates instanceof Float64Array ? v.chunkStates : undefined, roll.chunkStates.length, Float64Array),
      actions: shared(v?.actions, roll.actions.length, Int32Array),
      logp: shared(v?.logp, roll.logp.length, Float64Array),
      adv: shared(v?.adv, roll.adv.length, Float64Array),
      returns: shared(v?.returns, roll.returns.length, Float64Array),
    };
    view.obs.set(roll.obs);
    view.chunkStates.set(roll.chunkStates);
    view.actions.set(roll.actions);
    view.logp.set(roll.logp);
    view.adv.set(roll.adv);
    view.returns.set(roll.returns);
    this.view = view;
    // Arrays already on shared memory are shared, not copied, by postMessage.
    this.port.postMessage({ rollout: view, dims });
  }

  /** Starts the gradient, at `params` (copied), of the shared rollout's `chunks` with advantages normalised by (mu, sd); `finish` returns it. */
  start(params: readonly Tensor[], chunks: Int32Array, mu: number, sd: number, coefs: LossCoefs | undefined = this.spec.coefs): void {
    if (this.view === null) throw new TradepilotError(ErrorCode.INTERNAL, 'gradient worker: no rollout shared yet');
    if (this.pending) throw new TradepilotError(ErrorCode.INTERNAL, 'gradient worker: a request is already running');
    if (coefs === undefined) throw new TradepilotError(ErrorCode.INTERNAL, 'gradient worker: no loss coefficients');
    const { ctrl, scalars } = this.blocks;
    params.forEach((p, k) => this.blocks.params[k]!.set(p.data));
    this.blocks.chunks.set(chunks);
    scalars[SCALARS.MU] = mu;
    scalars[SCALARS.SD] = sd;
    scalars[SCALARS.CLIP] = coefs.clip;
    scalars[SCALARS.VF] = coefs.vfCoef;
    scalars[SCALARS.ENT] = coefs.entCoef;
    Atomics.store(ctrl, CTRL.CHUNKS, chunks.length);
    Atomics.add(ctrl, CTRL.REQUEST, 1);
    Atomics.notify(ctrl, CTRL.REQUEST);
    this.pending = true;
  }

  /** Waits (blocking this thread) for the request `start` made; the gradients are views valid until the next `start`. */
  finish(): { grads: readonly Data[]; stats: PpoLossStats } {
    if (!this.pending) throw new TradepilotError(ErrorCode.INTERNAL, 'gradient worker: nothing started');
    this.pending = false;
    const { ctrl, scalars } = this.blocks;
    const want = Atomics.load(ctrl, CTRL.REQUEST);
    const t0 = Date.now();
    for (let done = Atomics.load(ctrl, CTRL.DONE); done !== want && Atomics.load(ctrl, CTRL.BROKEN) === 0; done = Atomics.load(ctrl, CTRL.DONE)) {
      if (Date.now() - t0 > TIMEOUT_MS) throw new TradepilotError(ErrorCode.INTERNAL, `gradient worker: no answer in ${TIMEOUT_MS / 1000} s`);
      Atomics.wait(ctrl, CTRL.DONE, done, 1000);
    }
    if (Atomics.load(ctrl, CTRL.BROKEN) !== 0 || Atomics.load(ctrl, CTRL.STATUS) !== 0) {
      const m = receiveMessageOnPort(this.port)?.message as { error?: string } | undefined;
      throw new TradepilotError(ErrorCode.INTERNAL, `gradient worker: ${m?.error ?? 'failed'}`);
    }
    return {
      grads: this.blocks.grads,
      stats: { policyLoss: scalars[SCALARS.POLICY]!, valueLoss: scalars[SCALARS.VALUE]!, entropy: scalars[SCALARS.ENTROPY]!, kl: scalars[SCALARS.KL]! },
    };
  }

  /** Stops the thread. */
  async close(): Promise<void> {
    Atomics.store(this.blocks.ctrl, CTRL.QUIT, 1);
    Atomics.add(this.blocks.ctrl, CTRL.REQUEST, 1);
    Atomics.notify(this.blocks.ctrl, CTRL.REQUEST);
    this.port.close();
    await this.w.terminate();
  }
}
