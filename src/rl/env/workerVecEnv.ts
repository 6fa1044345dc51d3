/**
 * Env copies spread over worker threads for parallel rollouts: every worker owns a shard of
 * the copies and steps it in place on SharedArrayBuffers, so a step costs one message per
 * worker and no copying. Same seeds, same draws as `VecEnv` (a test holds them equal).
 */
import { Worker } from 'node:worker_threads';
import { BadInputError, ErrorCode, TradepilotError } from '../../core/errors.ts';
import { featureMatrix, type OhlcvColumns } from './features.ts';
import type { BatchEnv, VecEnvOptions } from './vecEnv.ts';
import type { VecWorkerInit } from './vecEnvWorker.ts';
import { DEFAULT_WINDOW, NUM_ACCOUNT_FEATURES } from './tradingEnv.ts';
import { NUM_FEATURES } from './features.ts';

const WORKER_URL = new URL('./vecEnvWorker.ts', import.meta.url).href;
const TSX_API = import.meta.resolve('tsx/esm/api');
// Workers load TypeScript through tsx's API (as the backtest grid pool does).
const WORKER_BOOT = `import(${JSON.stringify(TSX_API)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL)}); })`;

/** N env copies over `threads` worker threads. Call `close()` when done. */
export class WorkerVecEnv implements BatchEnv {
  readonly obsDim: number;
  readonly obs: Float32Array;
  readonly rewards: Float64Array;
  readonly dones: Uint8Array;
  readonly episodeReturns: Float64Array;
  private readonly actions: Int32Array;
  private readonly workers: Worker[] = [];
  private ready: Promise<void>;

  constructor(
    bars: OhlcvColumns,
    readonly numEnvs: number,
    threads: number,
    opts: VecEnvOptions = {},
  ) {
    if (!(threads >= 1 && threads <= numEnvs)) throw new BadInputError(`threads must be in 1..${numEnvs}, got ${threads}`);
    this.obsDim = (opts.window ?? DEFAULT_WINDOW) * NUM_FEATURES + NUM_ACCOUNT_FEATURES;
    const sab = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(bytes);
    const obs = sab(numEnvs * this.obsDim * 4);
    const rewards = sab(numEnvs * 8);
    const dones = sab(numEnvs);
    const rets = sab(numEnvs * 8);
    const acts = sab(numEnvs * 4);
    this.obs = new Float32Array(obs);
    this.rewards = new Float64Array(rewards);
    this.dones = new Uint8Array(dones);
    this.episodeReturns = new Float64Array(rets);
    this.actions = new Int32Array(acts);
    const features = featureMatrix(bars, opts.zWindow ?? 0);
    const plain: OhlcvColumns = { open: bars.open, high: bars.high, low: bars.low, close: bars.close, volume: bars.volume };
    const inits: Promise<void>[] = [];
    for (let k = 0; k < threads; k++) {
      const from = Math.floor((k * numEnvs) / threads);
      const to = Math.floor(((k + 1) * numEnvs) / threads);
      const w = new Worker(WORKER_BOOT, { eval: true });
      this.workers.push(w);
      const init: VecWorkerInit = { bars: plain, features, opts, total: numEnvs, from, to, obs, rewards, dones, episodeReturns: rets, actions: acts };
      inits.push(this.call(w, { kind: 'init', init }));
    }
    this.ready = Promise.all(inits).then(() => undefined);
  }

  private call(w: Worker, msg: unknown): Promise<void> {
    return new Promise((resolve, reject) => {
      const onErr = (e: Error): void => {
        w.off('message', onMsg);
        reject(e);
      };
      const onMsg = (m: { ok: boolean; error?: string }): void => {
        w.off('error', onErr);
        if (m.ok) resolve();
        else reject(new TradepilotError(ErrorCode.INTERNAL, `env worker: ${m.error}`));
      };
      w.once('message', onMsg);
      w.once('error', onErr);
      w.postMessage(msg);
    });
  }

  /** Resets every copy. */
  async reset(): Promise<void> {
    await this.ready;
    await Promise.all(this.workers.map((w) => this.call(w, { kind: 'reset' })));
  }

  /** Steps every copy in parallel. */
  async step(actions: Int32Array): Promise<void> {
    await this.ready;
    this.actions.set(actions);
    await Promise.all(this.workers.map((w) => this.call(w, { kind: 'step' })));
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
