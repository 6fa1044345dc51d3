/** Worker side of `GradWorker`: a policy replica that computes PPO gradients for half a minibatch. */
import { parentPort, workerData } from 'node:worker_threads';
import { Rng } from '../../core/rng.ts';
import type { Data } from '../../ml/nn/index.ts';
import type { ReplicaSpec } from './gradWorker.ts';
import { LstmPolicy } from './lstmPolicy.ts';
import { type LossCoefs, type PpoMinibatch, ppoLossBackward } from './ppoLoss.ts';

const spec = workerData as ReplicaSpec;
const policy = new LstmPolicy({ obsDim: spec.obsDim, numActions: spec.numActions, hidden: spec.hidden, dtype: spec.dtype, rng: new Rng(0) });
const params = policy.parameters();

parentPort!.on('message', (m: { params: Data[]; mb: PpoMinibatch; coefs: LossCoefs }) => {
  try {
    params.forEach((p, k) => {
      p.data.set(m.params[k]!);
      p.grad = null;
    });
    const stats = ppoLossBackward(policy, m.mb, m.coefs);
    const grads = params.map((p) => p.grad!.data);
    parentPort!.postMessage({ grads, stats }, grads.map((g) => g.buffer as ArrayBuffer));
  } catch (e) {
    parentPort!.postMessage({ error: (e as Error).message });
  }
});
