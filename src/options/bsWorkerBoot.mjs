// Worker entry: register tsx's loader in this thread, then run the TypeScript worker
// (as bin/tradepilot.js does; `execArgv: ['--import', 'tsx']` does not reach workers on Node 20).
import { register } from 'tsx/esm/api';

register();
await import('./bsWorker.ts');
