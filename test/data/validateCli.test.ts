import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cliHarness.ts';

const dir = mkdtempSync(join(tmpdir(), 'tp-validate-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const HEAD = 'date,open,high,low,close,volume\n';
const ROW1 = '2024-01-02,10,11,9,10.5,1000\n';
const ROW2 = '2024-01-03,10.5,11.5,10,11,1200\n';

/** Every rejection of the issue's "Done when": the line, the reason, exit 2, no stack trace. */
const CASES: { name: string; text: string; line: number; reason: RegExp }[] = [
  { name: 'high-below-low', text: HEAD + ROW1 + '2024-01-03,10,9,9.5,9.8,100\n', line: 3, reason: /high 9 < low 9\.5/ },
  { name: 'duplicate-date', text: HEAD + ROW1 + ROW1, line: 3, reason: /duplicate timestamp 2024-01-02 \(also on line 2\)/ },
  { name: 'out-of-order', text: HEAD + ROW2 + ROW1, line: 3, reason: /out of order: 2024-01-02 comes after 2024-01-03/ },
  { name: 'text-in-number', text: HEAD + ROW1 + '2024-01-03,10.5,abc,10,11,1200\n', line: 3, reason: /high: not a number: "abc"/ },
  { name: 'missing-column', text: 'date,open,high,close,volume\n2024-01-02,10,11,10.5,1000\n', line: 1, reason: /missing column: low/ },
  { name: 'missing-date-column', text: 'open,high,low,close\n10,11,9,10.5\n', line: 1, reason: /missing column: date/ },
  { name: 'empty-file', text: '', line: 1, reason: /empty file/ },
  { name: 'header-only', text: HEAD, line: 1, reason: /no data rows \(header only\)/ },
  { name: 'negative-volume', text: HEAD + ROW1 + '2024-01-03,10.5,11.5,10,11,-5\n', line: 3, reason: /volume: negative \(-5\)/ },
  { name: 'bad-date', text: HEAD + ROW1 + '2024-02-30,10.5,11.5,10,11,5\n', line: 3, reason: /date: not a timestamp: "2024-02-30"/ },
  { name: 'field-count', text: HEAD + ROW1 + '2024-01-03,10.5,11.5\n', line: 3, reason: /expected 6 fields, found 3/ },
  { name: 'zero-price', text: HEAD + ROW1 + '2024-01-03,0,11.5,10,11,5\n', line: 3, reason: /open: not a positive finite price \(0\)/ },
];

describe('tradepilot data validate', () => {
  it.each(CASES)('rejects $name with line and reason, exit 2', async ({ name, text, line, reason }) => {
    const p = file(`${name}.csv`, text);
    const r = await runCli(['data', 'validate', p]);
    expect(r.code).toBe(2);
    const msg = r.stderr.split('\n').find((l) => l.includes(`${p} line ${line}:`));
    expect(msg, r.stderr).toBeDefined();
    expect(msg).toMatch(reason);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const j = await runCli(['data', 'validate', p, '--json']);
    expect(j.code).toBe(2);
    const doc = JSON.parse(j.stdout) as { error: { code: string; details: { issues: { line: number; reason: string }[] } } };
    expect(doc.error.code).toBe('DATA_INVALID');
    expect(doc.error.details.issues.some((i) => i.line === line)).toBe(true);
  });

  it('lists every problem of a file, in line order, up to the limit', async () => {
    const rows = Array.from({ length: 80 }, (_, i) => `2024-01-${String((i % 28) + 1).padStart(2, '0')},1,2,0.5,1.5,-1\n`).join('');
    const p = file('many.csv', HEAD + rows);
    const r = await runCli(['data', 'validate', p, '--max-issues', '10', '--json']);
    expect(r.code).toBe(2);
    const issues = (JSON.parse(r.stdout) as { error: { details: { issues: { line?: number; reason: string }[] } } }).error.details.issues;
    expect(issues).toHaveLength(11);
    expect(issues[10]!.reason).toMatch(/more problems not shown/);
    const lines = issues.slice(0, 10).map((i) => i.line!);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });

  it('accepts the bundled shared data', async () => {
    for (const f of ['ttrc.csv', 'dowjones30.csv', 'eustockmarkets.csv', 'dem2gbp.csv']) {
      const r = await runCli(['data', 'validate', join('data/sample', f), '--json']);
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as { ok: boolean; kind: string; rows: number; columns: string[] };
      expect(doc.ok).toBe(true);
      if (f === 'dowjones30.csv') {
        expect(doc.kind).toBe('wide');
        expect(doc.columns).toHaveLength(30);
      }
      if (f === 'ttrc.csv') expect(doc.rows).toBe(5550);
    }
  });

  it('--repair drops or fixes bad rows, says which, and writes --out', async () => {
    const p = file('repair.csv', HEAD + ROW1 + ROW1 + '2024-01-03,10,9.5,9.8,10.2,100\n' + '2024-01-04,1,x,1,1,1\n' + '2024-01-05,10,11,9,10,-1\n' + '2024-01-08,10,11,9,10,7\n');
    const out = join(dir, 'repaired.csv');
    const r = await runCli(['data', 'validate', p, '--repair', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { kept: number; rows: number; repairs: { line: number; action: string; reason: string }[] };
    expect(doc.rows).toBe(6);
    expect(doc.kept).toBe(3);
    expect(doc.repairs.map((x) => [x.line, x.action])).toEqual([
      [3, 'dropped'],
      [4, 'fixed'],
      [5, 'dropped'],
      [6, 'dropped'],
    ]);
    expect(doc.repairs[1]!.reason).toMatch(/high 9\.5 < low 9\.8: high\/low set to 10\.2\/9\.5/);
    const again = await runCli(['data', 'validate', out]);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')[2]).toBe('2024-01-03,10,10.2,9.5,10.2,100');
  });

  it('a missing file is bad input (exit 2), not a crash', async () => {
    const r = await runCli(['data', 'validate', join(dir, 'nope.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read .*nope\.csv: ENOENT/);
  });
});
