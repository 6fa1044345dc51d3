/**
 * Worker side of `GradWorker`: a policy replica that computes PPO gradients for half a
 * minibatch cut from the shared rollout. It waits in Atomics.wait for a request, drains the
 * rollout announcements from its port, computes, writes gradients and statistics into shared
 * memory and signals back; it leaves the loop when told to quit.
 */
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { Rng } from '../../core/rng.ts';
import { CTRL, type ReplicaSpec, type RolloutDims, SCALARS, type SharedBlocks } from './gradWorker.ts';
import { LstmPolicy } from './lstmPolicy.ts';
import { type RolloutView, assembleMinibatch, ppoLossBackward } from './ppoLoss.ts';

const { spec, blocks } = workerData as { spec: ReplicaSpec; blocks: SharedBlocks };
const { ctrl, scalars, port } = blocks;
const policy = new LstmPolicy({ obsDim: spec.obsDim, numActions: spec.numActions, hidden: spec.hidden, dtype: spec.dtype, rng: new Rng(0) });
const params = policy.parameters();
let roll: RolloutView | null = null;
let dims: RolloutDims | null = null;

/** One request: the half-minibatch named by the shared chunk ids, at the shared parameters. */
function serve(): void {
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
    const msg = m.message as { rollout: RolloutView; dims: RolloutDims };
    roll = msg.rollout;
    dims = msg.dims;
  }
  if (roll === null || dims === null) throw new Error('no rollout shared yet');
  params.forEach((p, k) => {
    p.data.set(blocks.params[k]!);
    p.grad = null;
  });
  const { N, L, D, S, dtype } = dims;
  const chunks = blocks.chunks.subarray(0, Atomics.load(ctrl, CTRL.CHUNKS));
  const mb = assembleMinibatch(roll, chunks, 0, chunks.length, N, L, D, S, dtype, scalars[SCALARS.MU]!, scalars[SCALARS.SD]!);
  const stats = ppoLossBackward(policy, mb, { clip: scalars[SCALARS.CLIP]!, vfCoef: scalars[SCALARS.VF]!, entCoef: scalars[SCALARS.ENT]! });
  params.forEach((p, k) => blocks.grads[k]!.set(p.grad!.data));
  scalars[SCALARS.POLICY] = stats.policyLoss;
  scalars[SCALARS.VALUE] = stats.valueLoss;
  scalars[SCALARS.ENTROPY] = stats.entropy;
  scalars[SCALARS.KL] = stats.kl;
}

// From 0, not the current value: the trainer may have sent its first request before this thread started.
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, CTRL.REQUEST, seen);
  seen = Atomics.load(ctrl, CTRL.REQUEST);
  if (Atomics.load(ctrl, CTRL.QUIT) === 1) break;
  try {
    serve();
    Atomics.store(ctrl, CTRL.STATUS, 0);
  } catch (e) {
    Atomics.store(ctrl, CTRL.STATUS, 1);
    port.postMessage({ error: (e as Error).message });
  }
  Atomics.store(ctrl, CTRL.DONE, seen);
  Atomics.notify(ctrl, CTRL.DONE);
}
port.close();
