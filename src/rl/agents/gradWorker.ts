/**
 * A worker thread holding a replica of an LSTM policy: given the current parameters and the
 * chunk ids of half a minibatch, it returns that half's PPO gradients, so the two halves run on
 * two cores. The rollout is shared memory (copied in once per update), so each minibatch
 * message carries only the parameters and a few chunk ids, and the worker assembles its half
 * itself, in parallel with the trainer assembling the other.
 */
import { Worker } from 'node:worker_threads';
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

const WORKER_URL = new URL('./gradWorkerMain.ts', import.meta.url).href;
const TSX_API = import.meta.resolve('tsx/esm/api');
// Workers load TypeScript through tsx's API (as the backtest grid pool does).
const WORKER_BOOT = `import(${JSON.stringify(TSX_API)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL)}); })`;

/** Sizes of the shared rollout. */
export interface RolloutDims {
  N: number;
  L: number;
  D: number;
  S: number;
  dtype: 'float32' | 'float64';
}

/** A typed array of `n` elements on shared memory, reusing `prev` when it has that size. */
function shared<T extends Float32Array | Float64Array | Int32Array>(prev: T | undefined, n: number, Ctor: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }): T {
  return prev !== undefined && prev.length === n ? prev : new Ctor(new SharedArrayBuffer(n * Ctor.BYTES_PER_ELEMENT));
}

/** One gradient worker. */
export class GradWorker {
  private readonly w: Worker;
  private view: RolloutView | null = null;

  constructor(readonly spec: ReplicaSpec) {
    this.w = new Worker(WORKER_BOOT, { eval: true, workerData: spec });
    this.w.unref();
  }

  /** Copies the rollout into shared memory and hands it to the worker (call between updates, never during one). */
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
    this.w.postMessage({ rollout: view, dims });
  }

  /** Starts the gradient, at `params` (copied), of the shared rollout's `chunks` with advantages normalised by (mu, sd). */
  start(params: readonly Tensor[], chunks: Int32Array, mu: number, sd: number, coefs?: LossCoefs): Promise<{ grads: Data[]; stats: PpoLossStats }> {
    if (this.view === null) throw new TradepilotError(ErrorCode.INTERNAL, 'gradient worker: no rollout shared yet');
    const msg = { params: params.map((p) => p.data.slice()), chunks: chunks.slice(), mu, sd, coefs: coefs ?? this.spec.coefs };
    return new Promise((resolve, reject) => {
      const onErr = (e: Error): void => {
        this.w.off('message', onMsg);
        reject(e);
      };
      const onMsg = (m: { grads?: Data[]; stats?: PpoLossStats; error?: string }): void => {
        this.w.off('error', onErr);
        if (m.error !== undefined) reject(new TradepilotError(ErrorCode.INTERNAL, `gradient worker: ${m.error}`));
        else resolve({ grads: m.grads!, stats: m.stats! });
      };
      this.w.once('message', onMsg);
      this.w.once('error', onErr);
      // The arrays are fresh copies: move them instead of cloning them again.
      this.w.postMessage(msg, [...msg.params.map((a) => a.buffer as ArrayBuffer), msg.chunks.buffer as ArrayBuffer]);
    });
  }

  /** Stops the thread. */
  async close(): Promise<void> {
    await this.w.terminate();
  }
}
