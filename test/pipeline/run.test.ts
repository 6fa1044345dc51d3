import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/adapters/store/sqliteStore.ts';
import type { RunReport } from '../../src/pipeline/runReport.ts';
import { defaultWorkers } from '../../src/pipeline/symbolPool.ts';
import { runCli } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tp-mainjob-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// INTC and DAX end the bundled data with strong BUY signals, so the risk gate approves alerts for them.
const SYMBOLS = 'INTC,DAX,KO';

type RunJson = RunReport & { store: string; dry_run: boolean };

describe('tradepilot run (the main job)', () => {
  it('runs every stage on bundled data, stores every step, and a pending alert confirmed later places a paper order', async () => {
    const db = join(dir, 'run.db');
    const html = join(dir, 'report.html');
    const r = await runCli(['run', '--json', '--db', db, '--symbol', SYMBOLS, '--report', html]);
    expect(r.code, r.stderr).toBe(0);
    const doc = r.json() as RunJson;
    // Progress goes to stderr, never into the JSON on stdout.
    expect(r.stderr).toContain('run: trained');
    expect(doc.provider).toBe('sample');
    expect(doc.dry_run).toBe(true);
    expect(doc.pack.namespace).toBe('swingsigma');
    expect(doc.model).toMatchObject({ kind: 'gbdt', calibration: 'platt', trials: 3 });
    expect(doc.symbols.map((s) => s.symbol)).toEqual(['INTC', 'DAX', 'KO']);
    for (const s of doc.symbols) {
      expect(s.model.folds).toBeGreaterThan(3);
      expect(s.model.oos_brier).toBeGreaterThan(0.15);
      expect(s.model.oos_brier).toBeLessThan(0.35);
      expect(s.strategy.trades).toBeGreaterThan(5);
      expect(s.buy_hold.trades).toBe(1);
      expect(s.trials).toBe(3);
      // Deflating by three trials can only lower the probabilistic Sharpe ratio.
      expect(s.strategy.dsr).toBeLessThanOrEqual(s.strategy.psr + 1e-12);
      expect(s.strategy.dsr).toBeGreaterThanOrEqual(0);
      expect(s.signal.prob).toBeGreaterThan(0);
      expect(s.signal.prob).toBeLessThan(1);
      expect(s.signal.action).toBe(s.signal.prob >= s.signal.threshold ? 'BUY' : 'SELL');
      expect(s.model.today_trained_to < s.last).toBe(true);
    }
    expect(doc.signals).toHaveLength(3);
    expect(doc.alerts.length).toBeGreaterThanOrEqual(1);
    expect(doc.alerts.length).toBe(doc.risk.filter((d) => d.approved).length);
    for (const a of doc.alerts) {
      expect(a.action).toBe('BUY');
      expect(a.quantity).toBeGreaterThanOrEqual(1);
      expect(a.quantity * a.entry_price).toBeLessThanOrEqual(10_000);
    }
    expect(doc.confirmations.every((c) => c.status === 'pending')).toBe(true);
    expect(doc.orders).toEqual([]);
    expect(doc.report).toBe(html);
    expect(readFileSync(html, 'utf8')).toContain('<svg');
    expect(Object.keys(doc.timings)).toEqual(expect.arrayContaining(['data', 'features', 'models', 'backtest', 'risk', 'alerts', 'confirm', 'report']));

    const store = await openSqliteStore(db);
    try {
      const types = (await store.events({ correlationId: doc.run_id })).map((e) => e.type);
      expect(types[0]).toBe('run.started');
      expect(types.at(-1)).toBe('run.completed');
      for (const t of ['data.loaded', 'features.built', 'model.trained', 'backtest.result', 'signal']) expect(types.filter((x) => x === t), t).toHaveLength(3);
      expect(types.filter((t) => t === 'risk.decision')).toHaveLength(doc.risk.length);
      expect(types.filter((t) => t === 'run.alert')).toHaveLength(doc.alerts.length);
      expect(await store.db.selectFrom('alerts').select('alert_id').execute()).toHaveLength(doc.alerts.length);
      const pending = await store.db.selectFrom('confirmations').selectAll().where('status', '=', 'pending').execute();
      expect(pending).toHaveLength(doc.alerts.length);
      expect(await store.getValue<{ run_id: string }>('last_run')).toMatchObject({ run_id: doc.run_id });
    } finally {
      await store.close();
    }

    // Later: the operator answers YES from the terminal, and the paper order goes through the gate.
    const c = doc.confirmations[0]!;
    const yes = await runCli(['confirm', c.confirmation_id, 'yes', '--json', '--db', db]);
    expect(yes.code, yes.stderr).toBe(0);
    expect((yes.json() as { outcome: { kind: string } }).outcome.kind).toBe('executed');
    const after = await openSqliteStore(db);
    try {
      const orders = await after.db.selectFrom('orders').selectAll().execute();
      expect(orders).toHaveLength(1);
      const alert = doc.alerts.find((a) => a.alert_id === c.alert_id)!;
      expect(orders[0]).toMatchObject({ symbol: c.symbol, side: 'buy', qty: c.quantity, mode: 'paper', broker: 'paper', status: 'filled', confirmation_id: c.confirmation_id, ref_price: alert.entry_price });
      const conf = await after.db.selectFrom('confirmations').selectAll().where('id', '=', c.confirmation_id).executeTakeFirstOrThrow();
      expect(conf.status).toBe('executed');
    } finally {
      await after.close();
    }
  });

  it('with --yes places the paper orders in the run and prints a concise report', async () => {
    const db = join(dir, 'yes.db');
    const r = await runCli(['run', '--db', db, '--symbol', 'DAX', '--yes', '--no-report']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('buy&hold');
    expect(r.stdout).toContain('DRY_RUN: orders go to the simulated paper broker only.');
    expect(r.stdout).toMatch(/DAX BUY \d+ \[ID \w+\]: executed \(paper order filled\)/);
    expect(r.stdout.split('\n').length).toBeLessThan(25);
    const store = await openSqliteStore(db);
    try {
      const orders = await store.db.selectFrom('orders').selectAll().execute();
      expect(orders.map((o) => [o.symbol, o.mode, o.status])).toEqual([['DAX', 'paper', 'filled']]);
    } finally {
      await store.close();
    }
    expect(existsSync(join(dir, 'reports'))).toBe(false);
  });

  it('models symbols in worker threads with the same results as in the calling thread', async () => {
    const args = ['run', '--json', '--no-report', '--no-confirm', '--symbol', 'DAX,SMI'];
    const inline = await runCli([...args, '--db', join(dir, 'w0.db'), '--workers', '0']);
    const threads = await runCli([...args, '--db', join(dir, 'w2.db'), '--workers', '2']);
    expect(inline.code, inline.stderr).toBe(0);
    expect(threads.code, threads.stderr).toBe(0);
    expect(threads.stderr).toContain('on 2 threads');
    const pick = (d: RunJson): unknown => d.symbols.map((s) => ({ strategy: s.strategy, buy_hold: s.buy_hold, model: s.model, prob: s.signal.prob }));
    expect(pick(threads.json() as RunJson)).toEqual(pick(inline.json() as RunJson));
  });

  it('uses worker threads only with several idle cores and several symbols', () => {
    expect(defaultWorkers(35, 2, 0.5)).toBe(2);
    expect(defaultWorkers(35, 8, 1)).toBe(4);
    expect(defaultWorkers(1, 8, 0)).toBe(0);
    expect(defaultWorkers(35, 1, 0)).toBe(0);
    // Busy cores: threads would share the same CPU slice and only add start-up time.
    expect(defaultWorkers(35, 2, 3.5)).toBe(0);
  });

  it('refuses an unknown symbol with exit code 2, naming --symbol', async () => {
    const r = await runCli(['run', '--json', '--db', join(dir, 'bad.db'), '--symbol', 'NOPE']);
    expect(r.code).toBe(2);
    expect((r.json() as { error: { message: string } }).error.message).toMatch(/^--symbol: unknown symbol NOPE/);
  });

  it('refuses an unknown pack with exit code 2, naming --pack and the packs there are', async () => {
    const r = await runCli(['run', '--db', join(dir, 'bad2.db'), '--pack', 'nosuchpack', '--symbol', 'DAX']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--pack: no pack "nosuchpack"; packs: .*swingsigma/);
  });

  it('refuses a pack that does not trade daily bars, naming --pack', async () => {
    const r = await runCli(['run', '--db', join(dir, 'bad3.db'), '--pack', 'zeroday', '--symbol', 'DAX']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--pack');
  });
});
