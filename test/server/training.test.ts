import { existsSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InlineQueue } from '../../src/research/jobs/inlineQueue.ts';
import { customGrid } from '../../src/research/sweep/grid.ts';
import { runSweep, type SweepSummary } from '../../src/research/sweep/runSweep.ts';
import { createSweep } from '../../src/research/sweep/sweepStore.ts';
import { TrainingRunner } from '../../src/research/training/trainingRunner.ts';
import { buildModel } from '../../src/strategy/models/buildModel.ts';
import { createModel } from '../../src/strategy/models/modelStore.ts';
import { findPack } from '../../src/strategy/packs/load.ts';
import { bearer, makeHarness, type Harness } from './harness.ts';
import { readSse } from '../support/sse.ts';

const SMALL = { n_estimators: [5, 10], max_depth: [2], learning_rate: [0.1] };

describe('training routes', () => {
  let h: Harness;
  let base: string;
  const runner = new TrainingRunner();
  const sweeps: Record<string, { id: string; pass: number[]; fail: number }> = {};
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, key?: string, payload?: unknown) =>
    h.app.inject({ method, url, headers: key ? bearer(key) : {}, ...(payload !== undefined ? { payload: payload as object } : {}) });

  beforeAll(async () => {
    h = await makeHarness({ config: { MODEL_DIR: mkdtempSync(join(tmpdir(), 'tp-train-api-')) }, deps: { training: runner }, options: { ssePollMs: 20 } });
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(h.app.server!.address() as AddressInfo).port}`;
    // One finished sweep owned by the user key and one by someone else.
    for (const user of [h.keyIds.user, 'someone']) {
      const spec = buildModel(findPack('trendkeeper').pack, { name: 'tk' });
      const m = await createModel(h.store, user, spec);
      const combos = customGrid(spec.params, { grid: { threshold: [0.5, 0.6], top_pct: [0.3, 0.5], hold_days: [2, 3, 5], entry_type: ['level'] } }, spec.instrument, 3);
      const sw = await createSweep(h.store, user, m.id, spec, { mode: 'custom', combos, walkForward: null, blocks: 12 }, []);
      const lb = ((await runSweep(h.store, new InlineQueue(), sw.id)).summary as SweepSummary).leaderboard;
      sweeps[user] = { id: sw.id, pass: lb.rows.filter((r) => r.status !== 'FAIL').map((r) => r.rank), fail: lb.rows.find((r) => r.status === 'FAIL')!.rank };
    }
  });
  afterAll(async () => {
    await h.close();
  });

  it('401 without a key, 400 for a bad body or a FAIL row, 403 for another user\'s sweep', async () => {
    const body = { sweep: sweeps[h.keyIds.user]!.id, select: [sweeps[h.keyIds.user]!.pass[0]!], grid: SMALL };
    expect((await call('POST', '/training', undefined, body)).statusCode).toBe(401);
    const empty = await call('POST', '/training', h.keys.user, { ...body, select: [] });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.field).toBe('select');
    expect((await call('POST', '/training', h.keys.user, { ...body, extra: 1 })).statusCode).toBe(400);
    const fail = await call('POST', '/training', h.keys.user, { ...body, select: [sweeps[h.keyIds.user]!.fail] });
    expect(fail.statusCode).toBe(400);
    expect(fail.json().error.message).toMatch(/FAILs its gates/);
    expect((await call('POST', '/training', h.keys.user, { ...body, sweep: sweeps.someone!.id })).statusCode).toBe(403);
    expect((await call('GET', '/training/nope', h.keys.user)).statusCode).toBe(404);
  });

  it('POST starts a training; its events stream until it completes; status, results, publish, discard', async () => {
    const s = sweeps[h.keyIds.user]!;
    const started = await call('POST', '/training', h.keys.user, { sweep: s.id, select: s.pass.slice(0, 2), grid: SMALL, folds: 3 });
    expect(started.statusCode).toBe(202);
    const id = started.json().id as string;
    expect(started.json()).toMatchObject({ status: 'pending', total: 6, folds: 3, selected: [{ rank: s.pass[0] }, { rank: s.pass[1] }] });
    const { res, frames } = await readSse(`${base}/training/${id}/events`, bearer(h.keys.user), (f) => f.some((x) => x.event === 'training.completed'));
    expect(res.headers['content-type']).toContain('text/event-stream');
    expect(frames[0]!.event).toBe('training.state');
    expect(frames.map((f) => f.event)).toContain('training.completed');
    await runner.idle();

    const got = await call('GET', `/training/${id}`, h.keys.user);
    expect(got.statusCode).toBe(200);
    const v = got.json();
    expect(v).toMatchObject({ status: 'done', done: 6, total: 6 });
    expect(v.configs).toHaveLength(2);
    expect(v.configs[0].importance.length).toBeGreaterThan(0);
    // Another user's key may not look; an admin may.
    expect((await call('GET', `/training/${id}`, h.keys.premium)).statusCode).toBe(403);
    expect((await call('GET', `/training/${id}`, h.keys.admin)).statusCode).toBe(200);

    const results = await call('GET', `/training/${id}/results`, h.keys.user);
    expect(results.statusCode).toBe(200);
    expect(results.json().result.configs[0].grid).toHaveLength(2);

    expect((await call('POST', `/training/${id}/publish`, h.keys.user, { rank: 999 })).statusCode).toBe(400);
    const pub = await call('POST', `/training/${id}/publish`, h.keys.user, {});
    expect(pub.statusCode).toBe(200);
    expect(pub.json()).toMatchObject({ status: 'published', published: { config: v.best_config } });

    const del = await call('DELETE', `/training/${id}?reason=test`, h.keys.user);
    expect(del.statusCode).toBe(200);
    expect(del.json().status).toBe('discarded');
    expect(existsSync(v.configs[0].model.registry)).toBe(false);
    expect((await h.store.events({ type: 'training.discarded', subject: id }))[0]!.payload).toMatchObject({ reason: 'test', was: 'published' });
    expect((await call('GET', `/training/${id}/results`, h.keys.user)).statusCode).toBe(409);
  });

  it('DELETE on a running training cancels it', async () => {
    const s = sweeps[h.keyIds.user]!;
    const started = await call('POST', '/training', h.keys.user, { sweep: s.id, select: [s.pass[0]!], grid: { n_estimators: [200], max_depth: [7], learning_rate: [0.1] } });
    const id = started.json().id as string;
    const del = await call('DELETE', `/training/${id}`, h.keys.user);
    expect(del.statusCode).toBe(202);
    await runner.idle();
    expect((await call('GET', `/training/${id}`, h.keys.user)).json().status).toBe('cancelled');
  });
});

describe('training routes with a job queue', () => {
  it('without a runner of its own, POST /training runs its units on the server\'s job queue', async () => {
    const h = await makeHarness({ config: { MODEL_DIR: mkdtempSync(join(tmpdir(), 'tp-train-api-q-')) }, deps: { jobs: new InlineQueue() } });
    try {
      const spec = buildModel(findPack('trendkeeper').pack, { name: 'tk' });
      const m = await createModel(h.store, h.keyIds.user, spec);
      const combos = customGrid(spec.params, { grid: { threshold: [0.5, 0.6], top_pct: [0.3, 0.5], hold_days: [2, 3, 5], entry_type: ['level'] } }, spec.instrument, 3);
      const sw = await createSweep(h.store, h.keyIds.user, m.id, spec, { mode: 'custom', combos, walkForward: null, blocks: 12 }, []);
      const lb = ((await runSweep(h.store, new InlineQueue(), sw.id)).summary as SweepSummary).leaderboard;
      const rank = lb.rows.find((r) => r.status !== 'FAIL')!.rank;
      const started = await h.app.inject({ method: 'POST', url: '/training', headers: bearer(h.keys.user), payload: { sweep: sw.id, select: [rank], grid: SMALL, folds: 3 } });
      expect(started.statusCode).toBe(202);
      const id = started.json().id as string;
      let status = 'pending';
      for (let i = 0; i < 600 && !['done', 'failed', 'cancelled'].includes(status); i++) {
        await new Promise((r) => setTimeout(r, 50));
        status = (await h.app.inject({ method: 'GET', url: `/training/${id}`, headers: bearer(h.keys.user) })).json().status as string;
      }
      expect(status).toBe('done');
      expect((await h.store.events({ type: 'training.started', subject: id }))[0]!.payload).toMatchObject({ queue: 'inline', workers: 1 });
    } finally {
      await h.close();
    }
  }, 60_000);
});
