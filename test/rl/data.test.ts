import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/errors.ts';
import { loadFinalData } from '../../src/rl/data/finalData.ts';
import { instrumentsFromFinal } from '../../src/rl/data/instruments.ts';
import { loadRawData } from '../../src/rl/data/rawData.ts';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'rl-data-'));

describe('data/final loader', () => {
  it('concatenates files keeping every column, skipping empty and corrupt files with a log line', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.csv'), 'date,instrument,timeframe,close,rsi\n2020-01-01,AAA,1d,10,55\n2020-01-02,AAA,1d,11,60\n');
    writeFileSync(join(dir, 'b.csv'), 'date,instrument,timeframe,close,macd\n2020-01-01,BBB,1d,20,0.5\n');
    writeFileSync(join(dir, 'c.csv'), '');
    writeFileSync(join(dir, 'd.csv'), 'date,close\n2020-01-01,1,2\n');
    const logged: string[] = [];
    const t = loadFinalData(dir, (f, r) => logged.push(`${f}: ${r}`));
    expect(t.rows).toBe(3);
    expect(t.columns).toEqual(['date', 'instrument', 'timeframe', 'close', 'rsi', 'macd']);
    expect(Array.from(t.numeric.get('rsi')!)).toEqual([55, 60, NaN]);
    expect(Array.from(t.numeric.get('macd')!)).toEqual([NaN, NaN, 0.5]);
    expect(t.text.get('instrument')).toEqual(['AAA', 'AAA', 'BBB']);
    expect(t.skipped.map((s) => s.file)).toEqual([join(dir, 'c.csv'), join(dir, 'd.csv')]);
    expect(logged[1]).toMatch(/d\.csv line 2: 3 cells, header has 2/);
    const inst = instrumentsFromFinal(t);
    expect(inst.map((s) => s.instrument)).toEqual(['AAA', 'BBB']);
    expect(Array.from(inst[0]!.close)).toEqual([10, 11]);
  });

  it('falls back to the bundled sample data (stock/index/fx at 1d and 1w)', () => {
    const t = loadFinalData(join(tmp(), 'missing'));
    const inst = instrumentsFromFinal(t);
    const tasks = new Set(inst.map((s) => `${s.type}/${s.timeframe}`));
    expect([...tasks].sort()).toEqual(['fx/1d', 'fx/1w', 'index/1d', 'index/1w', 'stock/1d', 'stock/1w']);
    const ttrc = inst.find((s) => s.instrument === 'TTRC' && s.timeframe === '1d')!;
    expect(ttrc.close.length).toBe(5550);
    expect(ttrc.close[0]).toBeCloseTo(3.08, 10);
  });
});

describe('data/raw loader', () => {
  it('reads one OHLC file per symbol and rejects a bar with high below close, naming file and line', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'Nifty_2.csv'), 'date,open,high,low,close\n2020-01-01,10,11,9,10.5\n2020-01-02,10.5,12,10,11\n');
    const [s] = loadRawData(dir);
    expect(s!.instrument).toBe('Nifty_2');
    expect(Array.from(s!.high)).toEqual([11, 12]);
    writeFileSync(join(dir, 'Bad.csv'), 'date,open,high,low,close\n2020-01-01,10,11,9,10.5\n2020-01-02,10.5,10.8,10,11\n');
    expect(() => loadRawData(dir)).toThrow(DataError);
    expect(() => loadRawData(dir)).toThrow(/Bad\.csv line 3/);
  });

  it('defaults to the bundled TTRC bars', () => {
    const raw = loadRawData(join(tmp(), 'none'));
    expect(raw.map((s) => s.instrument)).toEqual(['TTRC']);
  });
});
