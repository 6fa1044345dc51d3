/** Minimal numeric CSV column reader for risk commands: header row, comma-separated, finite numbers. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { BadInputError, DataError, type Issue } from '../core/errors.ts';

/** A parsed numeric table: header names and one Float64Array per requested column. */
export interface NumericTable {
  header: string[];
  columns: Map<string, Float64Array>;
  rows: number;
}

/** Parse CSV text, keeping the named columns (all non-date columns when `want` is omitted). */
export function parseNumericCsv(text: string, source: string, want?: readonly string[]): NumericTable {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length < 2) throw new DataError(source, [{ reason: 'needs a header row and at least one data row' }]);
  const header = lines[0]!.split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
  const names = want ?? header.filter((h) => !/^(date|time|timestamp|day)$/i.test(h));
  const idx: number[] = [];
  const issues: Issue[] = [];
  for (const nm of names) {
    const i = header.indexOf(nm);
    if (i < 0) issues.push({ line: 1, field: nm, reason: `no such column (have ${header.join(', ')})` });
    idx.push(i);
  }
  if (issues.length) throw new DataError(source, issues);
  const n = lines.length - 1;
  const cols = names.map(() => new Float64Array(n));
  for (let r = 0; r < n; r++) {
    const cells = lines[r + 1]!.split(',');
    for (let c = 0; c < names.length; c++) {
      const raw = (cells[idx[c]!] ?? '').trim();
      const v = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(v)) {
        issues.push({ line: r + 2, field: names[c]!, reason: `"${raw}" is not a finite number` });
        if (issues.length >= 20) throw new DataError(source, issues);
      }
      cols[c]![r] = v;
    }
  }
  if (issues.length) throw new DataError(source, issues);
  return { header, columns: new Map(names.map((nm, i) => [nm, cols[i]!])), rows: n };
}

/** Read a CSV file's numeric columns; a missing file is a BadInputError naming it (exit 2). */
export function readNumericCsv(path: string, want?: readonly string[]): NumericTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new BadInputError(`${path}: cannot read the file`);
  }
  return parseNumericCsv(text, basename(path), want);
}

/** Simple returns r_t = p_t / p_{t-1} - 1 (or log returns) from a price column. */
export function toReturns(prices: Float64Array, log = false): Float64Array {
  const r = new Float64Array(Math.max(0, prices.length - 1));
  for (let t = 1; t < prices.length; t++) r[t - 1] = log ? Math.log(prices[t]! / prices[t - 1]!) : prices[t]! / prices[t - 1]! - 1;
  return r;
}
