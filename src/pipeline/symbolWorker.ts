/** Worker side of SymbolPool: models one symbol per message and posts the result (or the error's message) back. */
import { parentPort } from 'node:worker_threads';
import { symbolModel, type SymbolJob } from './symbolModel.ts';

/** A job message: the job and the index the answer carries back. */
export interface SymbolJobMessage {
  index: number;
  job: SymbolJob;
}

parentPort!.on('message', (msg: SymbolJobMessage) => {
  try {
    parentPort!.postMessage({ index: msg.index, result: symbolModel(msg.job) });
  } catch (err) {
    parentPort!.postMessage({ index: msg.index, error: err instanceof Error ? err.message : String(err) });
  }
});
