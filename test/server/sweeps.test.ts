import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/adapters/store/sqliteStore.ts';
import { InlineQueue } from '../../src/research/jobs/inlineQueue.ts';
import type { JobQueue } from '../../src/research/jobs/jobQueue.ts';
import { simpleGrid } from '../../src/research/sweep/grid.ts';
import { runSweep, type SweepSummary } from '../../src/research/sweep/runSweep.ts';
import { createSweep } from '../../src/research/sweep/sweepStore.ts';
import type { JobResult, JobTask } from '../../src/research/jobs/jobTask.ts';
import { bearer, makeHarness, type Harness } from './harness.ts';

/**
 * The real inline queue behind a gate: while closed, tasks wait (until
 * released or aborted), so a test can look at a sweep that is running.
 */
class GatedQueue implements JobQueue {
  readonly kind = 'inline-gated';
  readonly concurrency = 1;
  private readonly inner = new InlineQueue();
  private open = true;
  private waiters: (() => void)[] = [];
  started = 0;

  close(): Promise<void> {
    return this.inner.close();
  }
  hold(): void {
    this.open = false;
  }
  release(): void {
    this.open = true;
    for (const w of this.waiters.splice(0)) w();
  }
  async run<T extends JobTask>(task: T, signal?: AbortSignal): Promise<JobResult<T>> {
    this.started++;
    if (!this.open) {
      await new Promise<void>((resolve, reject) => {
        this.waiters.push(resolve);
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }
    return this.inner.run(task, signal);
  }
}

const until = async (cond: () => Promise<boolean>, what: string): Promise<void> => {
  for (let i = 0; i < 600; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
};

describe('sweep routes', () => {
  let h: Harness;
  const queue = new GatedQueue();
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, key?: string, payload?: unknown) => h.app.inject({ method, url, headers: key ? bearer(key) : {}, ...(payload !== undefined ? { payload: payload as object } : {}) });
  let sweepId = '';

  beforeAll(async () => {
    h = await makeHarness({ deps: { jobs: queue } });
    for (const key of [h.keys.user, h.keys.premium]) expect((await call('POST', '/models', key, { pack: 'swingsigma', name: 'sw' })).statusCode).toBe(201);
  });
  afterAll(async () => {
    queue.release();
    await h.close();
  });

  it('POST /sweeps/estimate sizes a sweep and estimates its runtime without starting it', async () => {
    const res = await call('POST', '/sweeps/estimate', h.keys.user, { model: 'sw' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ model: 'sw', mode: 'simple', combinations: 45, folds: 0, evaluations: 45, workers: 1 });
    expect(res.json().estimatedSeconds).toBeGreaterThan(0);
    // 5 folds of 120 in-sample + 20 out-of-sample bars need 220 bars of the ~250-bar window.
    const wf = (await call('POST', '/sweeps/estimate', h.keys.premium, { model: 'sw', mode: 'custom', grid: { hold_days: [3, 7] }, walkForward: { is_bars: 120, oos_bars: 20 } })).json();
    expect(wf).toMatchObject({ combinations: 2, evaluations: 2 * wf.folds + wf.folds });
    expect(wf.folds).toBe(Math.floor((wf.windowBars - 140) / 20) + 1);
    const long = await call('POST', '/sweeps/estimate', h.keys.user, { model: 'sw', walkForward: { is_bars: 5000, oos_bars: 20 } });
    expect(long.statusCode).toBe(400);
    expect(long.json().error.field).toBe('walkForward');
    expect((await call('POST', '/sweeps/estimate', h.keys.user, { model: 'sw', mode: 'custom', grid: { hold_days: [3] } })).statusCode).toBe(403);
    expect(await h.store.db.selectFrom('sweeps').select('id').execute()).toEqual([]);
  });

  it('POST starts a simple sweep in the background and answers 202 with its id and estimated runtime', async () => {
    const res = await call('POST', '/sweeps', h.keys.user, { model: 'sw', tags: ['api'] });
    expect(res.statusCode).toBe(202);
    const b = res.json();
    expect(b).toMatchObject({ mode: 'simple', model: 'sw', total: 45, tags: ['api'], walkForward: null, userId: expect.stringMatching(/^key_/) });
    expect(['running', 'done']).toContain(b.status);
    expect(b.estimatedSeconds).toBeGreaterThan(0);
    sweepId = b.id;
    await until(async () => (await call('GET', `/sweeps/${sweepId}`, h.keys.user)).json().status === 'done', 'the sweep to finish');
    const done = (await call('GET', `/sweeps/${sweepId}`, h.keys.user)).json();
    expect(done.progress).toMatchObject({ done: 45, total: 45, fraction: 1 });
  });

  it('the leaderboard equals the same sweep run by runSweep (as the CLI does), with DSR and PBO', async () => {
    const res = await call('GET', `/sweeps/${sweepId}/results`, h.keys.user);
    expect(res.statusCode).toBe(200);
    const lb = res.json().leaderboard;
    expect(lb.rows).toHaveLength(45);
    expect(lb.totalRows).toBe(45);
    expect(lb.rows.map((r: { rank: number }) => r.rank)).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
    // Reference: a fresh store, the CLI's path.
    const store = await openSqliteStore(':memory:');
    try {
      const model = (await call('GET', '/models/sw', h.keys.user)).json();
      const sw = await createSweep(store, 'ref', model.id, model.spec, { mode: 'simple', combos: simpleGrid(model.spec.params), walkForward: null, blocks: 12 }, []);
      const ref = (await runSweep(store, new InlineQueue(), sw.id)).summary as SweepSummary;
      const want = JSON.parse(JSON.stringify(ref.leaderboard)) as SweepSummary['leaderboard'];
      expect(lb.rows.map((r: { idx: number; sharpe: number }) => [r.idx, r.sharpe])).toEqual(want.rows.map((r) => [r.idx, r.sharpe]));
      expect(lb.winner_dsr).toBe(want.winner_dsr);
      expect(lb.pbo).toBe(want.pbo);
      expect(lb.counts).toEqual(want.counts);
      expect(lb.trials).toBe(want.trials);
    } finally {
      await store.close();
    }
    const pass = (await call('GET', `/sweeps/${sweepId}/results?status=FAIL&limit=2&offset=1`, h.keys.user)).json().leaderboard;
    expect(pass.rows.length).toBeLessThanOrEqual(2);
    expect(pass.rows.every((r: { status: string }) => r.status === 'FAIL')).toBe(true);
    expect(pass.totalRows).toBe(lb.counts.FAIL);
  });

  it('?format=csv exports the leaderboard as CSV', async () => {
    const res = await call('GET', `/sweeps/${sweepId}/results?format=csv`, h.keys.user);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain(`sweep-${sweepId}.csv`);
    const lines = res.body.trim().split('\n');
    expect(lines[0]).toMatch(/^rank,idx,.*allowed_hours.*threshold.*top_pct.*,sharpe,total_return,trades,max_drawdown,win_rate,status,reasons$/);
    expect(lines).toHaveLength(46);
    expect(lines[1]).toMatch(/^1,/);
    expect((await h.store.events({ type: 'sweep.exported', subject: sweepId })).length).toBe(1);
  });

  it('the SSE stream of a finished sweep is its snapshot; of a running one, its events to the end', async () => {
    const doneStream = await call('GET', `/sweeps/${sweepId}/events`, h.keys.user);
    expect(doneStream.headers['content-type']).toContain('text/event-stream');
    expect(doneStream.body).toContain('event: sweep\ndata: ');
    expect(JSON.parse(/event: sweep\ndata: (.*)\n/.exec(doneStream.body)![1]!)).toMatchObject({ id: sweepId, status: 'done' });
    queue.hold();
    const started = (await call('POST', '/sweeps', h.keys.user, { model: 'sw' })).json();
    expect(started.status).toBe('running');
    const stream = call('GET', `/sweeps/${started.id}/events`, h.keys.user);
    await until(async () => queue.started > 0, 'a task to start');
    queue.release();
    const body = (await stream).body;
    const events = [...body.matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
    expect(events[0]).toBe('sweep');
    expect(events.at(-1)).toBe('sweep.completed');
    const completed = JSON.parse(/event: sweep.completed\ndata: (.*)\n/.exec(body)![1]!);
    expect(completed.payload).toMatchObject({ rows: 45 });
  });

  it('DELETE cancels a running sweep: it stops, keeps what it finished, and its results are a 409', async () => {
    queue.hold();
    const started = (await call('POST', '/sweeps', h.keys.user, { model: 'sw' })).json();
    expect((await call('GET', `/sweeps/${started.id}/results`, h.keys.user)).statusCode).toBe(409);
    const running = (await call('GET', `/sweeps/${started.id}`, h.keys.user)).json();
    expect(running).toMatchObject({ status: 'running', progress: { done: 0, total: 45, etaSeconds: expect.any(Number) } });
    const res = await call('DELETE', `/sweeps/${started.id}`, h.keys.user);
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('cancelled');
    queue.release();
    const types = (await h.store.events({ subject: started.id })).map((e) => e.type);
    expect(types).toEqual(['sweep.created', 'sweep.started', 'sweep.cancel_requested', 'sweep.cancelled']);
    expect((await call('DELETE', `/sweeps/${started.id}`, h.keys.user)).json().status).toBe('cancelled');
    const results = await call('GET', `/sweeps/${started.id}/results`, h.keys.user);
    expect(results.statusCode).toBe(409);
    expect(results.json().error.message).toContain('cancelled');
    expect((await call('DELETE', `/sweeps/${sweepId}`, h.keys.user)).statusCode).toBe(409);
    const audit = (await h.store.events({ type: 'api.request' })).map((e) => e.payload as { route: string; method: string; status: number }).filter((a) => a.route === '/sweeps/:id' && a.method === 'DELETE');
    expect(audit.map((a) => a.status)).toEqual([200, 200, 409]);
  });

  it('custom mode needs premium (403); premium runs a custom grid with walk-forward', async () => {
    const grid = { stop_loss: [0.03, 0.06], hold_days: [3, 7] };
    const denied = await call('POST', '/sweeps', h.keys.user, { model: 'sw', mode: 'custom', grid });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('FORBIDDEN');
    const res = await call('POST', '/sweeps', h.keys.premium, { model: 'sw', mode: 'custom', grid, walkForward: { is_bars: 120, oos_bars: 40 } });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ mode: 'custom', total: 4, walkForward: { is_bars: 120, oos_bars: 40 } });
    const id = res.json().id;
    await until(async () => (await call('GET', `/sweeps/${id}`, h.keys.premium)).json().status === 'done', 'the custom sweep');
    const r = (await call('GET', `/sweeps/${id}/results`, h.keys.premium)).json();
    expect(r.leaderboard.rows).toHaveLength(4);
    const folds = (r.walkForward as { folds: unknown[] }).folds.length;
    expect(folds).toBeGreaterThan(0);
    // Progress counts every fold's evaluations: 4 combinations in each fold plus its out-of-sample run.
    const progress = (await call('GET', `/sweeps/${id}`, h.keys.premium)).json().progress;
    expect(progress).toEqual({ done: 5 * folds, total: 5 * folds, fraction: 1, etaSeconds: null, elapsedMs: null });
    // Another key's sweep does not exist for you.
    expect((await call('GET', `/sweeps/${id}`, h.keys.user)).statusCode).toBe(404);
  });

  it('400 names the field; 404 for an unknown model or sweep; 401 without a key', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      [h.keys.premium, { model: 'sw', mode: 'custom' }, 'grid'],
      [h.keys.user, { model: 'sw', grid: { hold_days: [3] } }, 'grid'],
      [h.keys.premium, { model: 'sw', mode: 'custom', grid: { threshold: [2] } }, 'grid.threshold.0'],
      [h.keys.premium, { model: 'sw', mode: 'custom', grid: { dte_target: [1, 2] } }, 'grid.dte_target'],
      [h.keys.premium, { model: 'sw', mode: 'custom', grid: { stop_loss: Array.from({ length: 40 }, (_, i) => i / 100), hold_days: Array.from({ length: 30 }, (_, i) => i + 1) } }, 'grid'],
      [h.keys.user, { model: 'sw', mode: 'fancy' }, 'mode'],
      [h.keys.user, { model: 'sw', walkForward: { is_bars: 5, oos_bars: 5 } }, 'walkForward.is_bars'],
      [h.keys.user, { model: 'sw', walkForward: { is_bars: 5000, oos_bars: 20 } }, 'walkForward'],
      [h.keys.user, {}, 'model'],
    ];
    const before = (await h.store.db.selectFrom('sweeps').select('id').execute()).length;
    for (const [key, body, field] of cases) {
      const res = await call('POST', '/sweeps', key, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.field, JSON.stringify(res.json())).toBe(field);
    }
    expect((await h.store.db.selectFrom('sweeps').select('id').execute()).length).toBe(before);
    expect((await call('POST', '/sweeps', h.keys.user, { model: 'nope' })).statusCode).toBe(404);
    expect((await call('GET', '/sweeps/0000aaaa', h.keys.user)).statusCode).toBe(404);
    expect((await call('GET', '/sweeps/not-hex!', h.keys.user)).json().error.field).toBe('id');
    expect((await call('GET', `/sweeps/${sweepId}`)).statusCode).toBe(401);
    expect((await call('POST', '/sweeps', undefined, { model: 'sw' })).statusCode).toBe(401);
  });

  it('lists your sweeps with filters and paging', async () => {
    const all = (await call('GET', '/sweeps', h.keys.user)).json();
    expect(all.items).toHaveLength(3);
    expect((await call('GET', '/sweeps?status=cancelled', h.keys.user)).json().items).toHaveLength(1);
    expect((await call('GET', '/sweeps?tag=api', h.keys.user)).json().items.map((s: { id: string }) => s.id)).toEqual([sweepId]);
    const p1 = (await call('GET', '/sweeps?limit=2', h.keys.user)).json();
    expect(p1.items).toHaveLength(2);
    expect((await call('GET', `/sweeps?limit=2&cursor=${p1.nextCursor}`, h.keys.user)).json().items).toHaveLength(1);
    expect((await call('GET', '/sweeps', h.keys.premium)).json().items.map((s: { mode: string }) => s.mode)).toEqual(['custom']);
    expect((await call('GET', '/sweeps?status=paused', h.keys.user)).json().error.field).toBe('status');
  });
});

describe('sweeps under the rate limit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness({ deps: { jobs: new InlineQueue() }, options: { rateLimits: { anonymous: 1, user: 2, premium: 2, admin: 2 } } });
  });
  afterAll(async () => {
    await h.close();
  });
  it('429 after the per-key limit; no sweep is created', async () => {
    expect((await h.app.inject({ method: 'POST', url: '/models', headers: bearer(h.keys.user), payload: { pack: 'swingsigma', name: 'sw' } })).statusCode).toBe(201);
    expect((await h.app.inject({ method: 'GET', url: '/sweeps', headers: bearer(h.keys.user) })).statusCode).toBe(200);
    const res = await h.app.inject({ method: 'POST', url: '/sweeps', headers: bearer(h.keys.user), payload: { model: 'sw' } });
    expect(res.statusCode).toBe(429);
    expect(await h.store.db.selectFrom('sweeps').select('id').execute()).toEqual([]);
  });
});
