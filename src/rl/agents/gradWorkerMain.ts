/** Worker side of `GradWorker`: a policy replica that computes PPO gradients for half a minibatch cut from the shared rollout. */
import { parentPort, workerData } from 'node:worker_threads';
import { Rng } from '../../core/rng.ts';
import type { Data } from '../../ml/nn/index.ts';
import type { ReplicaSpec, RolloutDims } from './gradWorker.ts';
import { LstmPolicy } from './lstmPolicy.ts';
import { type LossCoefs, type RolloutView, assembleMinibatch, ppoLossBackward } from './ppoLoss.ts';

const spec = workerData as ReplicaSpec;
const policy = new LstmPolicy({ obsDim: spec.obsDim, numActions: spec.numActions, hidden: spec.hidden, dtype: spec.dtype, rng: new Rng(0) });
const params = policy.parameters();
let roll: RolloutView | null = null;
let dims: RolloutDims | null = null;

type Msg = { rollout: RolloutView; dims: RolloutDims } | { params: Data[]; chunks: Int32Array; mu: number; sd: number; coefs: LossCoefs };

parentPort!.on('message', (m: Msg) => {
  if ('rollout' in m) {
    roll = m.rollout;
    dims = m.dims;
    return;
  }
  try {
    if (roll === null || dims === null) throw new Error('no rollout shared yet');
    params.forEach((p, k) => {
      p.data.set(m.params[k]!);
      p.grad = null;
    });
    const { N, L, D, S, dtype } = dims;
    const mb = assembleMinibatch(roll, m.chunks, 0, m.chunks.length, N, L, D, S, dtype, m.mu, m.sd);
    const stats = ppoLossBackward(policy, mb, m.coefs);
    const grads = params.map((p) => p.grad!.data);
    parentPort!.postMessage({ grads, stats }, grads.map((g) => g.buffer as ArrayBuffer));
  } catch (e) {
    parentPort!.postMessage({ error: (e as Error).message });
  }
});
