import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/adapters/store/sqliteStore.ts';
import { runCli } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tp-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface RunJson {
  run_id: string;
  provider: string;
  symbols: { symbol: string; signal: string; confidence: number; strategy: { total_return: number; trades: number }; buy_hold: { total_return: number; trades: number } }[];
  failed: unknown[];
  summary: { symbols: number };
  dry_run: boolean;
}

describe('tradepilot run', () => {
  it('runs the main job on bundled data and stores every step', async () => {
    const db = join(dir, 'run.db');
    const r = await runCli(['run', '--json', '--db', db, '--symbol', 'TTRC,MSFT,DAX']);
    expect(r.code).toBe(0);
    const doc = r.json() as RunJson;
    expect(doc.provider).toBe('sample');
    expect(doc.dry_run).toBe(true);
    expect(doc.symbols.map((s) => s.symbol)).toEqual(['TTRC', 'MSFT', 'DAX']);
    for (const s of doc.symbols) {
      expect(['BUY', 'SELL']).toContain(s.signal);
      expect(s.confidence).toBeGreaterThan(0);
      expect(s.confidence).toBeLessThan(1);
      expect(s.strategy.trades).toBeGreaterThan(0);
      expect(s.buy_hold.trades).toBe(1);
    }
    const store = await openSqliteStore(db);
    try {
      const events = await store.events({ correlationId: doc.run_id });
      const types = events.map((e) => e.type);
      expect(types[0]).toBe('run.started');
      expect(types.at(-1)).toBe('run.completed');
      expect(types.filter((t) => t === 'data.loaded')).toHaveLength(3);
      expect(types.filter((t) => t === 'signal')).toHaveLength(3);
      expect(types.filter((t) => t === 'backtest.result')).toHaveLength(3);
      expect(await store.getValue<{ run_id: string }>('last_run')).toMatchObject({ run_id: doc.run_id });
    } finally {
      await store.close();
    }
  });

  it('prints a concise human report', async () => {
    const r = await runCli(['run', '--db', join(dir, 'h.db'), '--symbol', 'TTRC']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('buy&hold');
    expect(r.stdout).toContain('DRY_RUN: no orders placed.');
    expect(r.stdout.split('\n').length).toBeLessThan(20);
  });

  it('refuses an unknown symbol with exit code 2', async () => {
    const r = await runCli(['run', '--json', '--db', join(dir, 'bad.db'), '--symbol', 'NOPE']);
    expect(r.code).toBe(2);
    expect((r.json() as { error: { message: string } }).error.message).toMatch(/unknown symbol NOPE/);
  });

  it('refuses a bad flag value with exit code 2 and names it', async () => {
    const r = await runCli(['run', '--db', join(dir, 'bad2.db'), '--fee', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--fee');
  });
});
