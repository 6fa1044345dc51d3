/**
 * Worker side of the parallel histogram: waits on the shared control block,
 * builds its share of the features for the current node into the shared
 * output histogram, signals done. Started by HistogramPool.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { histogramFeatures, histogramWords } from './histogram.ts';
import { CTRL, type AttachMessage } from './histogramPool.ts';

const ctrl = new Int32Array((workerData as { ctrl: SharedArrayBuffer }).ctrl);
const me = (workerData as { index: number }).index;

parentPort!.on('message', (m: AttachMessage) => {
  if (m.type !== 'attach') return;
  const binsRow = new Uint8Array(m.binsRow);
  const words = new Uint32Array(m.binsRow);
  const rowIdx = new Int32Array(m.rowIdx);
  const gh = new Float64Array(m.gh);
  const out = new Float64Array(m.out);
  const feats = new Int32Array(m.features);
  const nw = m.stride >> 2;
  // start from the generation the pool saw at attach: reading GEN after READY could skip a task published in between
  let seen = m.gen;
  Atomics.add(ctrl, CTRL.READY, 1);
  Atomics.notify(ctrl, CTRL.READY);
  // serve tasks until detached; blocking here is fine, this thread does nothing else
  for (;;) {
    Atomics.wait(ctrl, CTRL.GEN, seen);
    seen = Atomics.load(ctrl, CTRL.GEN);
    if (Atomics.load(ctrl, CTRL.CMD) === 0) {
      // acknowledge the detach so the next attach cannot race this loop
      Atomics.sub(ctrl, CTRL.READY, 1);
      Atomics.notify(ctrl, CTRL.READY);
      break;
    }
    const start = ctrl[CTRL.START]!;
    const end = ctrl[CTRL.END]!;
    const nf = ctrl[CTRL.NFEAT]!;
    const parts = ctrl[CTRL.PARTS]!;
    const part = me + 1; // part 0 is the main thread's
    if (nf < 0) {
      const q0 = Math.floor((part * nw) / parts);
      const q1 = Math.floor(((part + 1) * nw) / parts);
      histogramWords(words, nw, q0, q1, rowIdx, start, end, gh, out);
    } else {
      const a = Math.floor((part * nf) / parts);
      const b = Math.floor(((part + 1) * nf) / parts);
      histogramFeatures(binsRow, m.stride, feats.subarray(a, b), rowIdx, start, end, gh, out);
    }
    Atomics.add(ctrl, CTRL.DONE, 1);
    Atomics.notify(ctrl, CTRL.DONE);
  }
});
parentPort!.postMessage('ready');
