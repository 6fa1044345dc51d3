/** Worker side of `runSmaGrid`: runs a slice of the pairs over the shared moving averages. */
import { parentPort, workerData } from 'node:worker_threads';
import { runPairs, type GridCosts } from './smaGrid.ts';

interface Job {
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

const job = workerData as Job;
const close = new Float64Array(job.close);
const mas = new Float64Array(job.mas);
const pairs = new Int32Array(job.pairs);
const out = new Float64Array(job.out);
runPairs(close, mas, job.windows, pairs, job.from, job.to, job.costs, job.periodsPerYear, out.subarray(5 * job.from, 5 * job.to));
parentPort!.postMessage('done');
