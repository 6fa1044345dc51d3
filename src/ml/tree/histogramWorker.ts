/**
 * Worker side of the parallel grower: on attach, instantiates the wasm kernels
 * for its slice of the features on the grower's shared arena memory; then
 * waits on the shared control block and does its slice of each published task
 * (root or children) in that memory, and signals done. Started by HistogramPool.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ArenaSlice, partFeatures } from './histKernel.ts';
import { awaitChange, CMD, CTRL, type AttachMessage } from './histogramPool.ts';

const ctrl = new Int32Array((workerData as { ctrl: SharedArrayBuffer }).ctrl);

function fail(): void {
  Atomics.store(ctrl, CTRL.ERR, 1);
}

parentPort!.on('message', (m: AttachMessage) => {
  if (m.type !== 'attach') return;
  const { layout } = m;
  let slice: ArenaSlice | null = null;
  try {
    const [f0, f1] = partFeatures(layout.nFeatures, m.parts, m.part);
    slice = new ArenaSlice(m.memory, layout, f0, f1);
  } catch {
    fail();
  }
  const ioA = ArenaSlice.ioAt(layout, m.part, 0);
  const ioB = ArenaSlice.ioAt(layout, m.part, 1);
  // start from the generation the pool saw at attach: reading GEN after READY could skip a task published in between
  let seen = m.gen;
  Atomics.add(ctrl, CTRL.READY, 1);
  Atomics.notify(ctrl, CTRL.READY);
  // serve tasks until detached; blocking here is fine, this thread does nothing else
  for (;;) {
    seen = awaitChange(ctrl, CTRL.GEN, seen);
    const cmd = Atomics.load(ctrl, CTRL.CMD);
    if (cmd === CMD.DETACH) {
      // acknowledge the detach so the next attach cannot race this loop
      Atomics.sub(ctrl, CTRL.READY, 1);
      Atomics.notify(ctrl, CTRL.READY);
      break;
    }
    try {
      const start = ctrl[CTRL.START]!;
      const end = ctrl[CTRL.END]!;
      if (!slice) throw new Error('no kernels');
      if (cmd === CMD.ROOT) slice.root(start, end, ctrl[CTRL.A]!, ioA);
      else slice.children(start, end, ctrl[CTRL.A]!, ctrl[CTRL.B]!, ioA, ioB);
    } catch {
      fail();
    }
    Atomics.add(ctrl, CTRL.DONE, 1);
    Atomics.notify(ctrl, CTRL.DONE);
  }
});
parentPort!.postMessage('ready');
