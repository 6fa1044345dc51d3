import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

describe('tradepilot models', () => {
  const db = join(mkdtempSync(join(tmpdir(), 'tp-models-')), 'm.db');
  const cli = (...a: string[]) => runCli([...a, '--db', db, '--user', 'alice', '--json']);

  it('creates from a pack with defaults, refuses duplicates and anything outside the pack', async () => {
    const ok = await cli('models', 'create', '--pack', 'swingsigma', '--name', 'my-swing', '--indicators', 'rsi_14,sma_50', '--ticker', 'AA');
    expect(ok.code).toBe(0);
    const rec = ok.json() as { spec: { indicators: { id: string }[]; settings: Record<string, unknown>; risk: { position_size: number } } };
    expect(rec.spec.indicators.map((i) => i.id)).toEqual(['rsi_14', 'sma_50']);
    expect(rec.spec.settings).toEqual({ ticker: 'AA', position_type: 'long', share_size: 0 });
    expect((await cli('models', 'create', '--pack', 'swingsigma', '--name', 'my-swing')).code).toBe(1);
    // another user may reuse the name
    expect((await runCli(['models', 'create', '--pack', 'swingsigma', '--name', 'my-swing', '--db', db, '--user', 'bob', '--json'])).code).toBe(0);
    const bad = [
      ['--indicators', 'rsi_14,vwap', /indicators: "vwap" is not in pack swingsigma/],
      ['--indicators', '', /at least one/],
      ['--strategy', 'nope', /strategy: "nope" is not in pack/],
      ['--instrument', 'future', /instrument: future is not supported/],
      ['--risk-profile', 'aggressive', /bolder than pack swingsigma allows \(moderate\)/],
      ['--instrument', 'option', '--option-type', 'straddle', /option settings: option_type/],
      ['--ticker', 'X', '--contract-month', '2024-01', /stock settings: contract_month: not a stock setting/],
    ] as const;
    for (const b of bad) {
      const r = await cli('models', 'create', '--pack', 'swingsigma', '--name', `x${Math.random().toString(36).slice(2, 7)}`, ...(b.slice(0, -1) as string[]));
      expect(r.code, String(b[0])).toBe(2);
      expect(r.stderr).toMatch(b[b.length - 1] as RegExp);
    }
    const zero = await cli('models', 'create', '--pack', 'zeroday', '--name', 'zd', '--default-dte', '5');
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('default_dte');
  });

  it('lists, shows, publishes and discards with audit events', async () => {
    const list = (await cli('models', 'list')).json() as { name: string; status: string }[];
    expect(list.map((m) => m.name)).toEqual(['my-swing']);
    expect(((await cli('models', 'show', 'my-swing')).json() as { name: string }).name).toBe('my-swing');
    expect((await cli('models', 'publish', 'my-swing', '--reason', 'good')).code).toBe(0);
    expect(((await cli('models', 'list')).json() as { status: string }[])[0]!.status).toBe('published');
    expect((await cli('models', 'discard', 'my-swing')).code).toBe(0);
    expect((await cli('models', 'list')).json()).toEqual([]);
    expect((await cli('models', 'show', 'my-swing')).code).toBe(1);
    const { openSqliteStore } = await import('../../src/adapters/store/sqliteStore.ts');
    const store = await openSqliteStore(db);
    const types = (await store.events({ type: ['model.created', 'model.published', 'model.discarded'] })).map((e) => e.type);
    await store.close();
    expect(types).toEqual(['model.created', 'model.created', 'model.published', 'model.discarded']);
  });
});
