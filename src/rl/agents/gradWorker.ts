/**
 * A worker thread holding a replica of an LSTM policy: given the current parameters and half a
 * minibatch, it returns that half's PPO gradients, so the two halves run on two cores.
 */
import { Worker } from 'node:worker_threads';
import { ErrorCode, TradepilotError } from '../../core/errors.ts';
import type { Data, Tensor } from '../../ml/nn/index.ts';
import type { LossCoefs, PpoLossStats, PpoMinibatch } from './ppoLoss.ts';

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

/** One gradient worker. */
export class GradWorker {
  private readonly w: Worker;

  constructor(readonly spec: ReplicaSpec) {
    this.w = new Worker(WORKER_BOOT, { eval: true, workerData: spec });
    this.w.unref();
  }

  /** Starts the gradient of `mb` at `params` (copied); resolves with the gradients and losses. */
  start(params: readonly Tensor[], mb: PpoMinibatch, coefs?: LossCoefs): Promise<{ grads: Data[]; stats: PpoLossStats }> {
    const msg = {
      params: params.map((p) => p.data.slice()),
      mb: { x: mb.x.slice(), st: mb.st.slice(), act: mb.act.slice(), oldLp: mb.oldLp.slice(), adv: mb.adv.slice(), ret: mb.ret.slice(), M: mb.M, L: mb.L },
      coefs: coefs ?? this.spec.coefs,
    };
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
      const moved = [...msg.params, msg.mb.x, msg.mb.st, msg.mb.act, msg.mb.oldLp, msg.mb.adv, msg.mb.ret].map((a) => a.buffer as ArrayBuffer);
      this.w.postMessage(msg, moved);
    });
  }

  /** Stops the thread. */
  async close(): Promise<void> {
    await this.w.terminate();
  }
}
