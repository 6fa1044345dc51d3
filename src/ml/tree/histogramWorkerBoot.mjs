// Worker entry: register tsx's loader in this thread, then run the TypeScript worker
// (the same approach as bin/tradepilot.js; `execArgv: ['--import', 'tsx']` does not reach workers on Node 20).
import { register } from 'tsx/esm/api';

register();
await import('./histogramWorker.ts');
