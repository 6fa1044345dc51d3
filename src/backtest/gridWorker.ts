/** Worker side of `GridPool`: runs slices of sma-cross pairs over the shared moving averages, one message per slice. */
import { parentPort } from 'node:worker_threads';
import { runPairs, type GridCosts } from './smaGrid.ts';

/** One slice of a grid; the buffers are shared with the main thread. */
export interface GridJob {
  close: SharedArrayBuffer;
  mas: SharedArrayBuffer;
  pairs: SharedArrayBuffer;
  out: SharedArrayBuffer;
  windows: number[];
  from: number;
  to: number;
  costs: GridCosts;
  periodsPerYear: number;
}

parentPort!.on('message', (job: GridJob) => {
  const out = new Float64Array(job.out);
  runPairs(new Float64Array(job.close), new Float64Array(job.mas), job.windows, new Int32Array(job.pairs), job.from, job.to, job.costs, job.periodsPerYear, out.subarray(5 * job.from, 5 * job.to));
  parentPort!.postMessage('done');
});
