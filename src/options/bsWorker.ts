/** Worker side of BsPool: prices its slice of shared arrays with the same kernel as the main thread. */
import { parentPort } from 'node:worker_threads';
import { bsPriceBatch } from './blackScholes.ts';
import type { BsSlice } from './bsPool.ts';

parentPort!.on('message', (m: BsSlice) => {
  const view = (b: SharedArrayBuffer): Float64Array => new Float64Array(b, m.start * 8, m.end - m.start);
  bsPriceBatch(m.type, view(m.spot), view(m.strike), view(m.t), m.rate, view(m.vol), m.div, view(m.out));
  parentPort!.postMessage(m.id);
});
