import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../main.ts';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await main(['node', 'tradepilot', ...args], { stdout, stderr }, {});
  return { code, out, err };
}

const ttrc = 'data/sample/ttrc.csv';

describe('tradepilot backtest', () => {
  it('--json prints one object with the issue fields, reproducing the vectorbt fixture', async () => {
    const r = await cli(['backtest', '--csv', ttrc, '--strategy', 'sma-cross', '--fast', '10', '--slow', '50', '--fee', '0.001', '--fill', 'close', '--cash', '100', '--ma', 'vectorbt', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    for (const k of ['total_return', 'cagr', 'sharpe', 'sortino', 'max_drawdown', 'win_rate', 'profit_factor', 'avg_trade_pnl', 'trades', 'exposure', 'var_95', 'es_95', 'buy_hold_return']) {
      expect(typeof j[k]).toBe('number');
    }
    expect(Math.abs(j.total_return - 5.9135889774152615) / 5.9135889774152615).toBeLessThan(1e-9);
    expect(j.trades).toBe(69);
  });

  it('writes a self-contained HTML report and a short summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bt-'));
    const file = join(dir, 'out.html');
    const r = await cli(['backtest', '--csv', ttrc, '--strategy', 'rsi', '--fee', '0.001', '--stop-loss', '0.1', '--report', file]);
    expect(r.code).toBe(0);
    expect(r.out.split('\n').length).toBeLessThan(8);
    expect(r.out).toMatch(/buy & hold/);
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/<svg/);
    expect(html).toMatch(/buy and hold/);
    expect(html).not.toMatch(/<script|https?:\/\//);
  });

  it('runs the windows grid with combos, seconds and ranked results', async () => {
    const r = await cli(['backtest', '--csv', ttrc, '--windows', '5..20/5,30', '--combos', '--fee', '0.001', '--json']);
    const j = JSON.parse(r.out);
    expect(j.combos).toBe(10);
    expect(j.seconds).toBeGreaterThan(0);
    expect(j.results[0].sharpe).toBeGreaterThanOrEqual(j.results[9].sharpe);
  });

  it('portfolio on the wide Dow CSV and --signals files', async () => {
    const p = await cli(['backtest', '--csv', 'data/sample/dowjones30.csv', '--max-positions', '10', '--fee', '0.001', '--json']);
    expect(p.code).toBe(0);
    expect(JSON.parse(p.out).trades).toBeGreaterThan(100);
    const dir = mkdtempSync(join(tmpdir(), 'bt-'));
    const sig = join(dir, 'sig.csv');
    writeFileSync(sig, 'date,entry,exit\n1985-01-02,1,0\n1990-01-02,0,1\n');
    const s = await cli(['backtest', '--csv', ttrc, '--signals', sig, '--json']);
    expect(s.code).toBe(0);
    expect(JSON.parse(s.out).trades).toBe(1);
  });

  it('bad input exits 2 with a message naming the file and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bt-'));
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'date,open,high,low,close\n2020-01-02,1,2,0.5,1\n2020-01-03,1,2,0.5,oops\n');
    const r = await cli(['backtest', '--csv', bad]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.csv line 3: close: not a number/);
    const f = await cli(['backtest', '--csv', ttrc, '--fee', '-1']);
    expect(f.code).toBe(2);
    expect(f.err).toMatch(/--fee/);
  });
});
