// Piscina entry: register tsx's loader in this thread, then load the TypeScript worker
// (`execArgv: ['--import', 'tsx']` does not reach worker threads on Node 20).
import { register } from 'tsx/esm/api';

register();
const worker = await import('./sweepWorker.ts');

export default worker.default;
