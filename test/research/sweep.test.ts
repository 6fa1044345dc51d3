import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/adapters/store/sqliteStore.ts';
import { InlineQueue } from '../../src/research/jobs/inlineQueue.ts';
import { runSweep, type SweepSummary } from '../../src/research/sweep/runSweep.ts';
import { createSweep, getSweep, setSweepStatus } from '../../src/research/sweep/sweepStore.ts';
import { simpleGrid } from '../../src/research/sweep/grid.ts';
import { getModel } from '../../src/strategy/models/modelStore.ts';
import { runCli } from '../support/cli.ts';

const BIN = fileURLToPath(new URL('../../bin/tradepilot.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tp-sweep-'));
const db = join(dir, 's.db');
const cli = (...a: string[]) => runCli([...a, '--db', db, '--user', 'u', '--json']);
const cfgFile = join(dir, 'grid.yaml');
writeFileSync(cfgFile, 'grid:\n  stop_loss: [0.3, 0.5]\n  take_profit: [0.5, 1.0]\n  hold_days: [0.15, 0.25]\ntags: [crash-test]\n');

type Board = { id: string; status: string; leaderboard: { rows: { idx: number; sharpe: number; trades: number; status: string }[]; winner_dsr: number; pbo: number } };

describe('sweeps', () => {
  it('a simple sweep ranks 45 rows, gates them, reports DSR and PBO, exports CSV with tags and audit events', async () => {
    expect((await cli('models', 'create', '--pack', 'trendkeeper', '--name', 'tk')).code).toBe(0);
    const r = await cli('sweep', '--model', 'tk', '--mode', 'simple', '--workers', '0', '--tags', 'first,daily');
    expect(r.code).toBe(0);
    const b = r.json() as Board & { tags: string[] };
    expect(b.leaderboard.rows).toHaveLength(45);
    expect(b.tags).toEqual(['first', 'daily']);
    const sharpes = b.leaderboard.rows.map((x) => x.sharpe);
    expect(sharpes).toEqual([...sharpes].sort((x, y) => y - x));
    expect(b.leaderboard.winner_dsr).toBeGreaterThanOrEqual(0);
    expect(b.leaderboard.winner_dsr).toBeLessThanOrEqual(1);
    expect(b.leaderboard.pbo).toBeGreaterThanOrEqual(0);
    const csv = join(dir, 'out.csv');
    expect((await cli('sweep', 'export', b.id, '--csv', csv)).code).toBe(0);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(46);
    expect(lines[0]).toMatch(/^rank,idx,allowed_hours,.*,sharpe,total_return,trades,max_drawdown,win_rate,status,reasons$/);
    const store = await openSqliteStore(db);
    const types = (await store.events({ correlationId: b.id })).map((e) => e.type);
    await store.close();
    expect(types[0]).toBe('sweep.created');
    expect(types).toEqual(expect.arrayContaining(['sweep.started', 'sweep.completed', 'sweep.exported']));
  });

  it('walk-forward stitches the out-of-sample windows', async () => {
    const r = await cli('sweep', '--model', 'tk', '--mode', 'simple', '--walk-forward', '--workers', '0');
    expect(r.code).toBe(0);
    const wf = (r.json() as { walk_forward: NonNullable<SweepSummary['walk_forward']> }).walk_forward;
    expect(wf.folds.length).toBeGreaterThanOrEqual(5);
    expect(wf.stitched.bars).toBe(wf.folds.length * 21);
    for (let k = 1; k < wf.folds.length; k++) expect(wf.folds[k]!.oos[0]).toBe(wf.folds[k - 1]!.oos[1]);
    const chained = wf.folds.reduce((a, f) => a * (1 + f.oos_return), 1) - 1;
    expect(wf.stitched.total_return).toBeCloseTo(chained, 9);
  });

  it('bad input: custom without a config, a config over 1,000', async () => {
    expect((await cli('sweep', '--model', 'tk', '--mode', 'custom')).code).toBe(2);
    const big = join(dir, 'big.yaml');
    writeFileSync(big, `grid:\n  hold_days: [${Array.from({ length: 40 }, (_, i) => i + 1).join(',')}]\n  stop_loss: [${Array.from({ length: 30 }, (_, i) => (i + 1) / 100).join(',')}]\n`);
    const r = await cli('sweep', '--model', 'tk', '--mode', 'custom', '--config', big);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('1200 combinations');
  });

  it('cancel stops a running sweep within a second (signal and `sweep cancel` from elsewhere)', async () => {
    expect((await cli('models', 'create', '--pack', 'zeroday', '--name', 'zd')).code).toBe(0);
    const store = await openSqliteStore(db);
    try {
      const model = await getModel(store, 'u', 'zd');
      for (const how of ['signal', 'status'] as const) {
        const sw = await createSweep(store, 'u', model.id, model.spec, { mode: 'simple', combos: simpleGrid(model.spec.params), walkForward: null, blocks: 12 }, []);
        const ac = new AbortController();
        let asked = 0;
        const run = runSweep(store, new InlineQueue(), sw.id, {
          chunk: 1,
          // Look for a cancel before every task: the sweep is fast enough here to finish between 100 ms polls.
          pollMs: 0,
          signal: ac.signal,
          onProgress: (p) => {
            if (p.phase === 'running' && p.done >= 2 && asked === 0) {
              asked = performance.now();
              if (how === 'signal') ac.abort();
              else void setSweepStatus(store, sw.id, 'cancelling', 'sweep.cancel_requested', {});
            }
          },
        });
        const rec = await run;
        expect(performance.now() - asked).toBeLessThan(1000);
        expect(rec.status).toBe('cancelled');
      }
    } finally {
      await store.close();
    }
  });

  it('kill -9 mid-run, resume: same leaderboard as an uninterrupted run, finished combinations not redone', async () => {
    const child = spawn(process.execPath, [BIN, 'sweep', '--model', 'zd', '--mode', 'custom', '--config', cfgFile, '--workers', '1', '--chunk', '1', '--db', db, '--user', 'u', '--json'], { stdio: 'ignore', env: { ...process.env, LOG_LEVEL: 'silent' } });
    const store = await openSqliteStore(db);
    let id = '';
    let saved = 0;
    try {
      const t0 = Date.now();
      while (Date.now() - t0 < 60_000) {
        const sw = await store.db.selectFrom('sweeps').select(['id']).where('status', '=', 'running').where('mode', '=', 'custom').executeTakeFirst();
        if (sw) {
          id = sw.id;
          const c = await store.db.selectFrom('sweep_results').select((eb) => eb.fn.countAll<number>().as('n')).where('sweep_id', '=', id).executeTakeFirstOrThrow();
          saved = Number(c.n);
          if (saved >= 2) break;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      expect(saved).toBeGreaterThanOrEqual(2);
      expect(saved).toBeLessThan(8);
      expect((await getSweep(store, id)).status).toBe('running');
    } finally {
      await store.close();
    }
    const resumed = await cli('sweep', 'resume', id, '--workers', '0');
    expect(resumed.code).toBe(0);
    // The resume ran only what was missing (the checkpoint count may have grown by one in-flight chunk).
    const m = /(\d+) of 8 to run/.exec(resumed.stderr);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeLessThanOrEqual(8 - saved);
    const fresh = await cli('sweep', '--model', 'zd', '--mode', 'custom', '--config', cfgFile, '--workers', '0');
    const a = resumed.json() as Board;
    const b = fresh.json() as Board;
    expect(a.leaderboard.rows).toHaveLength(8);
    expect(a.leaderboard).toEqual(b.leaderboard);
  }, 120_000);
});
