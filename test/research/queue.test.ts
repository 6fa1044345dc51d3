import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/adapters/store/sqliteStore.ts';
import type { Store } from '../../src/adapters/store/store.ts';
import { BullQueue, startBullWorker } from '../../src/adapters/queue/bullmq.ts';
import { ThreadQueue } from '../../src/research/jobs/threadQueue.ts';
import { InlineQueue } from '../../src/research/jobs/inlineQueue.ts';
import { customGrid, simpleGrid } from '../../src/research/sweep/grid.ts';
import { runSweep, type SweepSummary } from '../../src/research/sweep/runSweep.ts';
import { createSweep } from '../../src/research/sweep/sweepStore.ts';
import { newTraining } from '../../src/research/training/newTraining.ts';
import { runTraining, type TrainingResult } from '../../src/research/training/runTraining.ts';
import type { TrainingRecord } from '../../src/research/training/trainingStore.ts';
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

  it.skipIf(!redisUp)('a training on two BullMQ workers equals the same training on this thread', async () => {
    const spec = buildModel(findPack('trendkeeper').pack, { name: 'q2' });
    const model = await createModel(store, 'u', spec);
    const combos = customGrid(spec.params, { grid: { threshold: [0.5, 0.6], top_pct: [0.3, 0.5], hold_days: [2, 3, 5], entry_type: ['level'] } }, spec.instrument, 3);
    const sw = await createSweep(store, 'u', model.id, spec, { mode: 'custom', combos, walkForward: null, blocks: 12 }, []);
    const lb = ((await runSweep(store, new InlineQueue(), sw.id)).summary as SweepSummary).leaderboard;
    const ranks = lb.rows.filter((r) => r.status !== 'FAIL').slice(0, 2).map((r) => r.rank);
    const modelDir = mkdtempSync(join(tmpdir(), 'tp-queue-train-'));
    const train = async (queue?: BullQueue): Promise<TrainingRecord> => {
      const { training } = await newTraining(store, { userId: 'u', sweepId: sw.id, ranks, modelDir, grid: { n_estimators: [10, 20], max_depth: [2, 3], learning_rate: [0.1] }, folds: 3 });
      return runTraining(store, training.id, queue ? { queue } : {});
    };
    // What may differ between two runs of a plan: its folder, its duration.
    const comparable = (tr: TrainingRecord): unknown => {
      const r = tr.result as TrainingResult;
      return { ...r, elapsed_ms: 0, configs: r.configs.map(({ model: m, ...rest }) => ({ ...rest, files: m.files, classifier: readFileSync(join(tr.dir, m.files.classifier!), 'utf8') })) };
    };
    const here = await train();
    const name = `tp-test-train-${process.pid}-${Date.now()}`;
    const kinds: string[] = [];
    const workers = [0, 1].map(() => startBullWorker(REDIS_URL, { name, onJob: (t) => kinds.push((t as { kind?: string }).kind ?? 'sweep') }));
    const queue = await BullQueue.open(REDIS_URL, { name, concurrency: 4 });
    try {
      const distributed = await train(queue);
      expect(distributed.status).toBe('done');
      expect(comparable(distributed)).toEqual(comparable(here));
      // Six (configuration, fold) units and two final refits, all through Redis.
      expect(kinds.sort()).toEqual([...Array<string>(2).fill('trainingFinal'), ...Array<string>(6).fill('trainingFold')]);
    } finally {
      await queue.close();
      await Promise.all(workers.map((w) => w.close()));
    }
  }, 120_000);
});
