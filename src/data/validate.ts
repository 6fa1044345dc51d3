import { DataError, type Issue } from '../core/errors.ts';
import { MS_PER_DAY, toIso } from '../core/time.ts';
import type { ParsedCsv } from './csv.ts';

/** Options of {@link validateCsv}. */
export interface ValidateOptions {
  /** Drop or fix bad rows instead of rejecting the file; every change is listed. */
  repair?: boolean;
  /** Most issues / repairs / gaps listed (all are counted). Default 50. */
  maxIssues?: number;
}

/** One change `--repair` made. */
export interface Repair {
  line: number;
  action: 'dropped' | 'fixed';
  reason: string;
}

/** A hole in the series larger than its usual spacing allows (reported, never an error). */
export interface Gap {
  line: number;
  from: number;
  to: number;
}

/** The outcome of validating one parsed file. */
export interface ValidationReport {
  readonly source: string;
  readonly kind: ParsedCsv['kind'];
  /** True when nothing is wrong, or when `repair` fixed everything and rows remain. */
  readonly ok: boolean;
  readonly rows: number;
  /** Rows left after repair (equal to rows without repair). */
  readonly kept: number;
  /** Problems, sorted by line (up to maxIssues). */
  readonly issues: readonly Issue[];
  readonly issueCount: number;
  readonly repairs: readonly Repair[];
  readonly repairCount: number;
  readonly gaps: readonly Gap[];
  readonly gapCount: number;
  /** The table: repaired and compacted under `repair`, else the input. */
  readonly table: ParsedCsv;
}

/**
 * Check a parsed series: every cell a number, strictly increasing timestamps,
 * positive finite prices, `low <= min(open, close)`, `high >= max(open, close)`,
 * non-negative volume; gaps are reported. With `repair`, bad rows are dropped
 * (unparseable, duplicate, out of order, non-positive price, negative volume) and
 * inconsistent high/low are widened to bracket open and close.
 */
export function validateCsv(t: ParsedCsv, opts: ValidateOptions = {}): ValidationReport {
  const max = opts.maxIssues ?? 50;
  const repair = opts.repair === true;
  const n = t.rows;
  const issues: Issue[] = t.issues.slice(0, max);
  let issueCount = t.issueCount;
  const repairs: Repair[] = [];
  let repairCount = 0;
  const keep = new Uint8Array(n).fill(1);
  const lines = t.lines;
  const problem = (i: number, reason: string, field?: string): void => {
    issueCount++;
    if (issues.length < max) issues.push(field === undefined ? { line: lines[i]!, reason } : { line: lines[i]!, field, reason });
  };
  const fix = (i: number, action: Repair['action'], reason: string): void => {
    repairCount++;
    if (repairs.length < max) repairs.push({ line: lines[i]!, action, reason });
    if (action === 'dropped') keep[i] = 0;
  };
  // Rows the parser flagged are already in `issues`; under repair they are dropped.
  if (repair) {
    const why = new Map<number, string>();
    for (const x of t.issues) if (x.line !== undefined && !why.has(x.line)) why.set(x.line, x.field ? `${x.field}: ${x.reason}` : x.reason);
    for (let i = 0; i < n; i++) if (t.rowOk[i] === 0) fix(i, 'dropped', why.get(lines[i]!) ?? 'unparseable row');
  }

  const time = t.time;
  const hasTime = t.kind !== 'values';
  const showT = (x: number): string => (t.timeIsIndex ? String(x) : toIso(x, true));
  let last = -Infinity;
  let lastLine = 0;
  const v = t.values;
  const col = (name: string): Float64Array | undefined => {
    const k = t.columns.indexOf(name);
    return k >= 0 ? v[k] : undefined;
  };
  const O = col('open');
  const H = col('high');
  const L = col('low');
  const C = col('close');
  const V = col('volume');
  const single = t.kind === 'ohlcv' || t.kind === 'close';

  for (let i = 0; i < n; i++) {
    if (t.rowOk[i] === 0) continue;
    if (hasTime) {
      const ti = time[i]!;
      if (!(ti > last)) {
        const reason = ti === last ? `duplicate timestamp ${showT(ti)} (also on line ${lastLine})` : `out of order: ${showT(ti)} comes after ${showT(last)} (line ${lastLine})`;
        if (repair) {
          fix(i, 'dropped', reason);
          continue;
        }
        // Not repairing: keep checking the row's values so every problem is listed.
        problem(i, reason, t.timeColumn);
      } else {
        last = ti;
        lastLine = lines[i]!;
      }
    }
    if (single) {
      let bad = '';
      for (const [name, arr] of [['open', O], ['high', H], ['low', L], ['close', C]] as const) {
        if (!arr) continue;
        const x = arr[i]!;
        if (!(x > 0 && x < Infinity)) {
          bad = `${name}: not a positive finite price (${x})`;
          if (!repair) problem(i, `not a positive finite price (${x})`, name);
        }
      }
      if (V) {
        const x = V[i]!;
        if (x < 0 || x === Infinity) {
          bad = `volume: negative (${x})`;
          if (!repair) problem(i, x < 0 ? `negative (${x})` : `not finite (${x})`, 'volume');
        }
      }
      if (bad !== '' && repair) {
        fix(i, 'dropped', bad);
        continue;
      }
      if (H && L && O && C && !bad.includes('price')) {
        const o = O[i]!;
        const h = H[i]!;
        const l = L[i]!;
        const c = C[i]!;
        const top = o > c ? o : c;
        const bot = o < c ? o : c;
        let reason = '';
        if (h < l) reason = `high ${h} < low ${l}`;
        else if (h < top) reason = `high ${h} < max(open, close) ${top}`;
        else if (l > bot) reason = `low ${l} > min(open, close) ${bot}`;
        if (reason !== '') {
          if (repair) {
            const nh = Math.max(h, l, top);
            const nl = Math.min(h, l, bot);
            H[i] = nh;
            L[i] = nl;
            fix(i, 'fixed', `${reason}: high/low set to ${nh}/${nl}`);
          } else problem(i, reason);
        }
      }
    } else {
      // wide (close per symbol, missing allowed) or values (any finite number).
      for (let k = 0; k < v.length; k++) {
        const x = v[k]![i]!;
        if (x !== x) continue;
        const okv = t.kind === 'values' ? Number.isFinite(x) : x > 0 && x < Infinity;
        if (!okv) {
          const reason = t.kind === 'values' ? `not finite (${x})` : `not a positive finite price (${x})`;
          if (repair) {
            v[k]![i] = NaN;
            fix(i, 'fixed', `${t.columns[k]}: ${reason}: set to missing`);
          } else problem(i, reason, t.columns[k]);
        }
      }
    }
  }

  const table = repair ? compact(t, keep) : t;
  const kept = table.rows;
  const gaps: Gap[] = [];
  let gapCount = 0;
  if (hasTime && !t.timeIsIndex && kept > 2) {
    const limit = gapLimit(table.time);
    for (let i = 1; i < kept; i++) {
      const a = table.time[i - 1]!;
      const b = table.time[i]!;
      if (b - a > limit.ms && (limit.daily || Math.floor(a / MS_PER_DAY) === Math.floor(b / MS_PER_DAY))) {
        gapCount++;
        if (gaps.length < max) gaps.push({ line: table.lines[i]!, from: a, to: b });
      }
    }
  }
  issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  repairs.sort((a, b) => a.line - b.line);
  const ok = repair ? kept > 0 : issueCount === 0;
  return { source: t.source, kind: t.kind, ok, rows: n, kept, issues, issueCount, repairs, repairCount, gaps, gapCount, table };
}

/** Largest normal spacing: 4 calendar days for daily data (long weekends), else twice the median step within a day. */
function gapLimit(time: Float64Array): { ms: number; daily: boolean } {
  const step = Math.max(1, Math.floor(time.length / 2001));
  const diffs: number[] = [];
  for (let i = step; i < time.length; i += step) diffs.push(time[i]! - time[i - 1]!);
  diffs.sort((a, b) => a - b);
  const med = diffs[diffs.length >> 1] ?? MS_PER_DAY;
  if (med >= 0.8 * MS_PER_DAY) return { ms: 4 * MS_PER_DAY, daily: true };
  return { ms: 2 * med, daily: false };
}

/** Throw a DataError listing the report's problems (with a count of those beyond the limit). */
export function assertValid(r: ValidationReport): void {
  if (r.ok) return;
  const issues = r.issues.slice();
  if (r.issueCount > issues.length) issues.push({ reason: `${r.issueCount - issues.length} more problems not shown` });
  if (issues.length === 0) issues.push({ reason: 'no rows left after repair' });
  throw new DataError(r.source, issues);
}

/** A copy of the table with only the rows whose `keep` flag is set. */
export function compact(t: ParsedCsv, keep: Uint8Array): ParsedCsv {
  let m = 0;
  for (let i = 0; i < t.rows; i++) m += keep[i]!;
  if (m === t.rows) return t;
  const time = new Float64Array(m);
  const lines = new Int32Array(m);
  const values = t.values.map(() => new Float64Array(m));
  let j = 0;
  for (let i = 0; i < t.rows; i++) {
    if (!keep[i]) continue;
    time[j] = t.time[i]!;
    lines[j] = t.lines[i]!;
    for (let k = 0; k < values.length; k++) values[k]![j] = t.values[k]![i]!;
    j++;
  }
  return { ...t, rows: m, time, lines, values, rowOk: new Uint8Array(m).fill(1), issues: [], issueCount: 0 };
}
