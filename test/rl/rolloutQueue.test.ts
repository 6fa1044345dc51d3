import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BullQueue, startBullWorker } from '../../src/adapters/queue/bullmq.ts';
import { InlineQueue } from '../../src/research/jobs/inlineQueue.ts';
import type { JobQueue } from '../../src/research/jobs/jobQueue.ts';
import { ThreadQueue } from '../../src/research/jobs/threadQueue.ts';
import { PpoAgent } from '../../src/rl/agents/ppoAgent.ts';
import type { PpoIterationStats } from '../../src/rl/agents/ppo.ts';
import { QueueRollouts } from '../../src/rl/agents/queueRollouts.ts';
import { fromB64, runRolloutTask, toB64 } from '../../src/rl/agents/rolloutTask.ts';
import { sampleDaily } from '../../src/rl/data/sampleDatasets.ts';
import { VecEnv } from '../../src/rl/env/vecEnv.ts';
import { REDIS_URL, requireService } from '../support/services.ts';

const redisUp = await requireService('Redis', REDIS_URL);

// A folder without CSVs: data/raw falls back to the bundled TTRC daily bars on every worker.
const rawDir = mkdtempSync(join(tmpdir(), 'tp-rollouts-'));
const ttrc = sampleDaily().find((s) => s.instrument === 'TTRC')!;
const split = Math.floor(ttrc.close.length * 0.7);
const obsDim = new VecEnv(ttrc, 1, { episodeLength: 16, window: 8, end: split }).obsDim;
const ITERS = 2;

/** Two PPO iterations with rollouts on `queue`: final weights (bytes) and statistics. */
async function trainOn(queue: JobQueue): Promise<{ weights: string[]; stats: PpoIterationStats[] }> {
  const agent = new PpoAgent({ obsDim, seed: 7, rolloutSteps: 16, seqLen: 16, minibatchChunks: 4, epochs: 2 });
  const source = new QueueRollouts(queue, { rawDir, instrument: 'TTRC', numEnvs: 6, shards: 2, seed: 7, episodeLength: 16, window: 8, end: split, obsDim });
  try {
    const stats = await agent.learn(source, ITERS);
    return { weights: agent.policy.orderedParams().map((p) => toB64(p.data)), stats };
  } finally {
    await agent.close();
    await queue.close();
  }
}

describe('PPO rollouts on the job queue', () => {
  it('a shard task is deterministic, exact through base64, and refuses a malformed task naming the field', () => {
    const agent = new PpoAgent({ obsDim, seed: 1 });
    const task = {
      kind: 'rollout' as const, data: { rawDir, instrument: 'TTRC' }, env: { total: 4, from: 2, to: 4, seed: 3, episodeLength: 16, window: 8, end: split },
      policy: { obsDim, hidden: 32, dtype: 'float32' as const, params: agent.policy.orderedParams().map((p) => toB64(p.data)) }, iteration: 0, shard: 1, steps: 16, seqLen: 16,
    };
    const a = runRolloutTask(JSON.parse(JSON.stringify(task)));
    const b = runRolloutTask(task);
    expect(a).toEqual(b);
    expect(a.numEnvs).toBe(2);
    expect(fromB64(a.obs, Float32Array)).toHaveLength(16 * 2 * obsDim);
    expect(a.episodeReturns).toHaveLength(2); // 16-step episodes end with the 16-step rollout
    expect(new Set(fromB64(a.actions, Int32Array)).size).toBeGreaterThan(1);
    expect(() => runRolloutTask({ ...task, steps: 'many' })).toThrow(/rollout task: steps/);
  });

  it('the embedded thread pool gives the same training as this thread, and training moves the weights', async () => {
    const inline = await trainOn(new InlineQueue());
    const threads = await trainOn(new ThreadQueue(2));
    expect(threads.weights).toEqual(inline.weights);
    expect(threads.stats).toEqual(inline.stats);
    const fresh = new PpoAgent({ obsDim, seed: 7 }).policy.orderedParams().map((p) => toB64(p.data));
    expect(inline.weights).not.toEqual(fresh);
    expect(inline.stats.map((s) => s.episodes)).toEqual([6, 6]);
  }, 60_000);

  it.skipIf(!redisUp)('training with two BullMQ workers gives the same result as the embedded run for a seed', async () => {
    const embedded = await trainOn(new ThreadQueue(2));
    const name = `tp-rollouts-${process.pid}-${Date.now()}`;
    const seen = [0, 0];
    const workers = [0, 1].map((k) => startBullWorker(REDIS_URL, { name, onJob: () => seen[k]!++ }));
    try {
      const distributed = await trainOn(await BullQueue.open(REDIS_URL, { name }));
      expect(distributed.weights).toEqual(embedded.weights);
      expect(distributed.stats).toEqual(embedded.stats);
      expect(seen[0]! + seen[1]!).toBe(2 * ITERS);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
    }
  }, 90_000);
});
