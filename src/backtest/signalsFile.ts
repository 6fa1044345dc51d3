import { DataError, type Issue } from '../core/errors.ts';
import { parseTimestamp } from '../core/time.ts';

/** Parsed signal columns from a `--signals` file, aligned to the price bars. */
export type SignalTable =
  | { kind: 'flags'; entries: Uint8Array; exits: Uint8Array }
  | { kind: 'weight'; target: Float64Array }
  | { kind: 'weights'; symbols: string[]; weights: Float64Array[] };

const MAX_ISSUES = 20;

/** `--signals FILE` reader: entry/exit flags or target weights, aligned to the price bars by timestamp. */
function splitRows(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r?\n/);
}

function cells(line: string): string[] {
  return line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
}

/**
 * Read a `--signals` CSV and align it to the price bars by timestamp:
 * `date,entry,exit` (1/0/true/false), `date,weight` (target fraction of equity),
 * or `date,SYM1,SYM2,...` (target weights per symbol). Bars missing from the file
 * get no signal (weights NaN = hold); a row whose time is not a price bar is an error.
 */
export function parseSignalsCsv(text: string, source: string, barTimes: Float64Array): SignalTable {
  const rows = splitRows(text);
  const rawHead = cells(rows[0] ?? '');
  const head = rawHead.map((h) => h.toLowerCase());
  const n = barTimes.length;
  const at = new Map<number, number>();
  barTimes.forEach((t, i) => at.set(t, i));
  const issues: Issue[] = [];
  const kind = head.includes('entry') && head.includes('exit') ? 'flags' : head.length === 2 && head[1] === 'weight' ? 'weight' : 'weights';
  const entries = new Uint8Array(n);
  const exits = new Uint8Array(n);
  const cols = rawHead.slice(1).map(() => new Float64Array(n).fill(NaN));
  const flag = (raw: string, line: number, field: string): number => {
    const v = raw.toLowerCase();
    if (v === '1' || v === 'true') return 1;
    if (v === '0' || v === 'false' || v === '') return 0;
    issues.push({ line, field, reason: `expected 1/0/true/false, got "${raw}"` });
    return 0;
  };
  for (let i = 1; i < rows.length && issues.length < MAX_ISSUES; i++) {
    if (rows[i]!.trim() === '') continue;
    const c = cells(rows[i]!);
    if (c.length !== head.length) {
      issues.push({ line: i + 1, reason: `expected ${head.length} fields, found ${c.length}` });
      continue;
    }
    const t = parseTimestamp(c[0]!);
    const bar = at.get(t);
    if (bar === undefined) {
      issues.push({ line: i + 1, field: rawHead[0]!, reason: Number.isNaN(t) ? `not a timestamp: "${c[0]}"` : `${c[0]} is not a bar of the price file` });
      continue;
    }
    if (kind === 'flags') {
      entries[bar] = flag(c[head.indexOf('entry')]!, i + 1, 'entry');
      exits[bar] = flag(c[head.indexOf('exit')]!, i + 1, 'exit');
    } else {
      for (let k = 1; k < c.length; k++) {
        const v = c[k] === '' ? NaN : Number(c[k]);
        if (c[k] !== '' && !Number.isFinite(v)) issues.push({ line: i + 1, field: rawHead[k]!, reason: `expected a number, got "${c[k]}"` });
        cols[k - 1]![bar] = v;
      }
    }
  }
  if (issues.length > 0) throw new DataError(source, issues);
  if (kind === 'flags') return { kind, entries, exits };
  if (kind === 'weight') return { kind, target: cols[0]! };
  return { kind: 'weights', symbols: rawHead.slice(1), weights: cols };
}
