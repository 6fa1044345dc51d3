/** Hand-fused batch loops for the hottest indicators; each must equal its kernel (fast.test.ts). */
import type { Columns, Params } from './types.ts';

/** A fused batch implementation keyed by indicator name. */
export type FastBatch = (cols: Columns, p: Params) => Float64Array[];

export const FAST_BATCH: Readonly<Record<string, FastBatch>> = {};
