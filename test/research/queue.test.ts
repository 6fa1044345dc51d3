import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/adapters/store/sqliteStore.ts';
import type { Store } from '../../src/adapters/store/store.ts';
import { BullQueue, startBullWorker } from '../../src/adapters/queue/bullmq.ts';
import { ThreadQueue } from '../../src/research/jobs/threadQueue.ts';
import { simpleGrid } from '../../src/research/sweep/grid.ts';
import { runSweep, type SweepSummary } from '../../src/research/sweep/runSweep.ts';
import { createSweep } from '../../src/research/sweep/sweepStore.ts';
import { buildModel } from '../../src/strategy/models/buildModel.ts';
import { createModel } from '../../src/strategy/models/modelStore.ts';
import { findPack } from '../../src/strategy/packs/load.ts';
import { REDIS_URL, requireService } from '../support/services.ts';

const redisUp = await requireService('Redis', REDIS_URL);

describe('job queues give identical leaderboards', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'tp-queue-')), 'q.db'));
  });
  afterAll(async () => store?.close());

  async function sweepOn(queue: { run: ThreadQueue['run']; close(): Promise<void>; kind: string; concurrency: number }, modelId: string, spec: ReturnType<typeof buildModel>): Promise<SweepSummary> {
    const sw = await createSweep(store, 'u', modelId, spec, { mode: 'simple', combos: simpleGrid(spec.params), walkForward: null, blocks: 12 }, []);
    const rec = await runSweep(store, queue, sw.id, { chunk: 5 });
    expect(rec.status).toBe('done');
    return rec.summary as SweepSummary;
  }

  it.skipIf(!redisUp)('a sweep on two BullMQ workers equals the same sweep on the embedded thread pool', async () => {
    const spec = buildModel(findPack('swingsigma').pack, { name: 'q1' });
    const model = await createModel(store, 'u', spec);
    const threads = new ThreadQueue(2);
    let embedded: SweepSummary;
    try {
      embedded = await sweepOn(threads, model.id, spec);
    } finally {
      await threads.close();
    }
    const name = `tp-test-${process.pid}-${Date.now()}`;
    const seen = [0, 0];
    const workers = [0, 1].map((k) => startBullWorker(REDIS_URL, { name, onJob: () => seen[k]!++ }));
    const queue = await BullQueue.open(REDIS_URL, { name, concurrency: 4 });
    try {
      const distributed = await sweepOn(queue, model.id, spec);
      expect(distributed.leaderboard).toEqual(embedded.leaderboard);
      expect(seen[0]! + seen[1]!).toBe(9);
    } finally {
      await queue.close();
      await Promise.all(workers.map((w) => w.close()));
    }
  }, 60_000);
});
