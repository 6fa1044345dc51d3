/** Where a universe's scan models live. */
import { join } from 'node:path';

/** Models of a universe live in MODEL_DIR/scan/<slug> (`mock:1500` -> `mock-1500`). */
export function scanModelDir(modelRoot: string, universe: string): string {
  const slug = universe.replace(/^mock:/, 'mock-').replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '') || 'universe';
  return join(modelRoot, 'scan', slug);
}
