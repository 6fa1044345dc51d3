/**
 * Worker side of `WorkerVecEnv`: builds its shard of env copies over shared-memory views and
 * steps them on request (reads actions, writes observations, rewards and dones in place).
 */
import { parentPort } from 'node:worker_threads';
import type { OhlcvColumns } from './features.ts';
import { VecEnv, type VecEnvOptions } from './vecEnv.ts';

/** The message that sets a worker up. */
export interface VecWorkerInit {
  bars: OhlcvColumns;
  features: Float32Array;
  opts: VecEnvOptions;
  total: number;
  from: number;
  to: number;
  obs: SharedArrayBuffer;
  rewards: SharedArrayBuffer;
  dones: SharedArrayBuffer;
  episodeReturns: SharedArrayBuffer;
  actions: SharedArrayBuffer;
}

let env: VecEnv | undefined;
let actions: Int32Array | undefined;

parentPort!.on('message', (msg: { kind: 'init'; init: VecWorkerInit } | { kind: 'reset' } | { kind: 'step' }) => {
  try {
    if (msg.kind === 'init') {
      const m = msg.init;
      env = new VecEnv(m.bars, m.total, m.opts, m.features, m.from, m.to);
      const n = m.to - m.from;
      const D = env.obsDim;
      env.bindBuffers(new Float32Array(m.obs, m.from * D * 4, n * D), new Float64Array(m.rewards, m.from * 8, n), new Uint8Array(m.dones, m.from, n), new Float64Array(m.episodeReturns, m.from * 8, n));
      actions = new Int32Array(m.actions, m.from * 4, n);
    } else if (msg.kind === 'reset') env!.reset();
    else env!.step(actions!);
    parentPort!.postMessage({ ok: true });
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: (e as Error).message });
  }
});
