/**
 * Worker side of the parallel grower. On a binning job: bins features of the
 * training matrix (claimed one at a time) alongside the calling thread. On
 * attach: instantiates the wasm kernels on the grower's shared arena memory,
 * then waits on the shared control block and, for each published task (root
 * or children), claims and does chunks of it until none are left, until
 * detached. Started by HistogramPool.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ArenaChunks } from './histKernel.ts';
import { awaitChange, binFeatures, CMD, CTRL, workChunks, type AttachMessage, type BinMessage } from './histogramPool.ts';

const ctrl = new Int32Array((workerData as { ctrl: SharedArrayBuffer }).ctrl);

parentPort!.on('message', (m: AttachMessage | BinMessage) => {
  if (m.type === 'bin') {
    binFeatures(m);
    return;
  }
  if (m.type !== 'attach') return;
  let kernels: ArenaChunks | null = null;
  try {
    kernels = new ArenaChunks(m.memory, m.layout, m.chunks);
  } catch {
    Atomics.store(ctrl, CTRL.ERR, 1);
  }
  // start from the generation the pool saw at attach: reading GEN after READY could skip a task published in between
  let seen = m.gen;
  Atomics.add(ctrl, CTRL.READY, 1);
  Atomics.notify(ctrl, CTRL.READY);
  // serve tasks until detached; blocking here is fine, this thread does nothing else
  for (;;) {
    seen = awaitChange(ctrl, CTRL.GEN, seen);
    if (Atomics.load(ctrl, CTRL.CMD) === CMD.DETACH) {
      // acknowledge the detach so the next attach cannot race this loop
      Atomics.sub(ctrl, CTRL.READY, 1);
      Atomics.notify(ctrl, CTRL.READY);
      break;
    }
    // without kernels (attach failed) the pool has thrown and will detach: claim nothing
    if (kernels) workChunks(ctrl, seen, m.chunks, kernels);
  }
});
parentPort!.postMessage('ready');
