import { DataError, type Issue } from '../core/errors.ts';
import { parseTimestamp } from '../core/time.ts';

/**
 * What a CSV holds, decided from its header:
 * - `ohlcv`: a time column and open, high, low, close (volume optional);
 * - `close`: a time column and close (or adj close), volume optional;
 * - `wide`: a time column and one close-only column per symbol (dowjones30.csv);
 * - `values`: no time column, numbers only (a returns series such as dem2gbp.csv).
 */
export type CsvKind = 'ohlcv' | 'close' | 'wide' | 'values';

/** Value-column roles of a single-series CSV. */
export const PRICE_ROLES = ['open', 'high', 'low', 'close', 'volume'] as const;
export type PriceRole = (typeof PRICE_ROLES)[number];

/** Options of {@link parseCsv}. */
export interface CsvOptions {
  /** Name used in messages (`FILE line N: reason`). */
  source?: string;
  /** Most issues kept (all are counted). Default 50. */
  maxIssues?: number;
}

/** A parsed CSV, column-major. Rows with problems are kept and flagged so validation and repair can see them. */
export interface ParsedCsv {
  readonly source: string;
  readonly kind: CsvKind;
  /** Header cells as written. */
  readonly header: readonly string[];
  /** Name of the time column as written, if any. */
  readonly timeColumn: string | undefined;
  /** True when the time column is an ordinal index (`day`, `index`), not a timestamp. */
  readonly timeIsIndex: boolean;
  /** Value-column names: the roles for ohlcv/close (`open`...`volume`), the symbols for wide, the names for values. */
  readonly columns: readonly string[];
  /** Header cells that were not used (e.g. `adj close` beside `close`). */
  readonly ignored: readonly string[];
  /** Row count (blank lines are not rows). */
  readonly rows: number;
  /** Epoch ms UTC (or the index), NaN for a `values` file or an unparseable cell. */
  readonly time: Float64Array;
  /** One array per entry of `columns`; NaN where a cell is missing or unparseable. */
  readonly values: readonly Float64Array[];
  /** Line number (as an editor shows it, header = 1) of each row. */
  readonly lines: Int32Array;
  /** 0 when the row has a structural or cell problem already reported in `issues`. */
  readonly rowOk: Uint8Array;
  /** Problems found while parsing (up to `maxIssues`). */
  readonly issues: Issue[];
  /** All problems found while parsing, including those beyond the limit. */
  issueCount: number;
}

const TIME_NAMES = new Set(['date', 'time', 'timestamp', 'datetime', 'date time', 'ts']);
const INDEX_NAMES = new Set(['day', 'index']);
// No one-letter aliases: `C` is Citigroup's column in dowjones30.csv.
const ROLE_NAMES: Readonly<Record<string, PriceRole | 'adjclose'>> = {
  open: 'open',
  high: 'high',
  low: 'low',
  close: 'close',
  'adj close': 'adjclose',
  adjclose: 'adjclose',
  'adjusted close': 'adjclose',
  adjusted: 'adjclose',
  volume: 'volume',
  vol: 'volume',
};

/** Lower-case, trim, strip quotes, and treat `_`/`-`/repeated spaces as one space (`Adj_Close` -> `adj close`). */
export function normalizeColumnName(s: string): string {
  return s.trim().replace(/^"|"$/g, '').trim().toLowerCase().replace(/[\s_-]+/g, ' ');
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
const COMMA = 44;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const SPACE = 32;
const TAB = 9;

/**
 * Parse a decimal number from bytes [s, e) with no allocation. Exact: for at most 15
 * significant digits and a power of ten within 1e22 the integer/power division is
 * correctly rounded (Clinger's fast path); anything else goes through Number().
 * Returns NaN for anything that is not a plain decimal number.
 */
export function parseNumberBytes(b: Uint8Array, s: number, e: number): number {
  while (s < e && (b[s] === SPACE || b[s] === TAB)) s++;
  while (e > s && (b[e - 1] === SPACE || b[e - 1] === TAB)) e--;
  if (s >= e) return NaN;
  let i = s;
  let neg = false;
  let c = b[i]!;
  if (c === 45 || c === 43) {
    neg = c === 45;
    i++;
  }
  let mant = 0;
  let digits = 0;
  let exp = 0;
  let any = false;
  while (i < e) {
    c = b[i]! - 48;
    if (c < 0 || c > 9) break;
    if (digits > 0 || c !== 0) digits++;
    mant = mant * 10 + c;
    any = true;
    i++;
  }
  if (i < e && b[i] === 46) {
    i++;
    while (i < e) {
      c = b[i]! - 48;
      if (c < 0 || c > 9) break;
      if (digits > 0 || c !== 0) digits++;
      mant = mant * 10 + c;
      exp--;
      any = true;
      i++;
    }
  }
  if (!any) return NaN;
  if (i < e && (b[i] === 101 || b[i] === 69)) {
    i++;
    let eneg = false;
    if (i < e && (b[i] === 45 || b[i] === 43)) {
      eneg = b[i] === 45;
      i++;
    }
    let ev = 0;
    let eany = false;
    while (i < e) {
      c = b[i]! - 48;
      if (c < 0 || c > 9) break;
      ev = ev * 10 + c;
      eany = true;
      i++;
      if (ev > 100000) break;
    }
    if (!eany) return NaN;
    exp += eneg ? -ev : ev;
  }
  if (i !== e) return NaN;
  let v: number;
  if (digits <= 15 && exp >= -22 && exp <= 22) v = exp < 0 ? mant / POW10[-exp]! : mant * POW10[exp]!;
  else v = Number(latin1(b, s, e));
  return neg ? -v : v;
}

function latin1(b: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(b[i]!);
  return out;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && leap ? 29 : MONTH_DAYS[m]!);
}

function dig(b: Uint8Array, i: number): number {
  const c = b[i]! - 48;
  return c >= 0 && c <= 9 ? c : -1000;
}

/**
 * Parse a timestamp cell from bytes: ISO date, ISO date-time (zone-less = UTC,
 * `Z` or `+hh:mm` offsets), or epoch seconds/ms. Same rules as core
 * `parseTimestamp`, which handles the rare forms this fast path leaves to it.
 */
export function parseTimestampBytes(b: Uint8Array, s: number, e: number): number {
  while (s < e && (b[s] === SPACE || b[s] === TAB)) s++;
  while (e > s && (b[e - 1] === SPACE || b[e - 1] === TAB)) e--;
  const len = e - s;
  if (len >= 10 && b[s + 4] === 45 && b[s + 7] === 45) {
    const y = dig(b, s) * 1000 + dig(b, s + 1) * 100 + dig(b, s + 2) * 10 + dig(b, s + 3);
    const mo = dig(b, s + 5) * 10 + dig(b, s + 6);
    const d = dig(b, s + 8) * 10 + dig(b, s + 9);
    if (y < 0 || mo < 0 || d < 0 || !validDate(y, mo, d)) return NaN;
    const day = daysFromCivil(y, mo, d) * 86_400_000;
    if (len === 10) return day;
    const sep = b[s + 10];
    if ((sep !== 84 && sep !== SPACE) || len < 16 || b[s + 13] !== 58) return parseTimestamp(latin1(b, s, e));
    const hh = dig(b, s + 11) * 10 + dig(b, s + 12);
    const mi = dig(b, s + 14) * 10 + dig(b, s + 15);
    if (hh < 0 || hh > 23 || mi < 0 || mi > 59) return NaN;
    let i = s + 16;
    let sec = 0;
    let ms = 0;
    if (i < e && b[i] === 58) {
      if (i + 3 > e) return NaN;
      sec = dig(b, i + 1) * 10 + dig(b, i + 2);
      if (sec < 0 || sec > 60) return NaN;
      i += 3;
      if (i < e && b[i] === 46) {
        i++;
        let scale = 100;
        let any = false;
        while (i < e && dig(b, i) >= 0) {
          ms += dig(b, i) * scale;
          scale /= 10;
          any = true;
          i++;
        }
        if (!any) return NaN;
        ms = Math.round(ms);
      }
    }
    let t = day + hh * 3_600_000 + mi * 60_000 + sec * 1000 + ms;
    if (i === e) return t;
    if (b[i] === 90 && i + 1 === e) return t;
    if (b[i] === 43 || b[i] === 45) {
      const sign = b[i] === 45 ? -1 : 1;
      const oh = dig(b, i + 1) * 10 + dig(b, i + 2);
      let j = i + 3;
      if (b[j] === 58) j++;
      const om = dig(b, j) * 10 + dig(b, j + 1);
      if (oh < 0 || om < 0 || j + 2 !== e) return NaN;
      t -= sign * (oh * 60 + om) * 60_000;
      return t;
    }
    return NaN;
  }
  // Epoch seconds or milliseconds.
  if (len > 0 && len <= 16) {
    let v = 0;
    let i = s;
    const neg = b[i] === 45;
    if (neg) i++;
    if (i === e) return NaN;
    for (; i < e; i++) {
      const c = b[i]! - 48;
      if (c < 0 || c > 9) return parseTimestamp(latin1(b, s, e));
      v = v * 10 + c;
    }
    if (neg) v = -v;
    return Math.abs(v) < 1e11 ? v * 1000 : v;
  }
  return len === 0 ? NaN : parseTimestamp(latin1(b, s, e));
}

/** Split one CSV line (with RFC 4180 quotes) into cells; used for the header and for quoted rows. */
function splitLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inQ = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (inQ) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else inQ = false;
      } else cur += ch;
    } else if (ch === '"') inQ = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

interface Layout {
  kind: CsvKind;
  timeCol: number;
  timeIsIndex: boolean;
  /** For each header cell, the output column it feeds, or -1 when ignored. */
  target: Int32Array;
  columns: string[];
  ignored: string[];
}

function layoutFromHeader(source: string, header: string[]): Layout {
  const names = header.map(normalizeColumnName);
  const missing = (what: string): never => {
    throw new DataError(source, [{ line: 1, reason: `missing column: ${what} (header is ${JSON.stringify(header.join(','))})` }]);
  };
  const dup = names.findIndex((n, i) => n !== '' && names.indexOf(n) !== i);
  if (dup >= 0) throw new DataError(source, [{ line: 1, reason: `duplicate column: ${header[dup]!.trim()}` }]);
  let timeCol = names.findIndex((n) => TIME_NAMES.has(n));
  let timeIsIndex = false;
  if (timeCol < 0) {
    timeCol = names.findIndex((n) => INDEX_NAMES.has(n));
    timeIsIndex = timeCol >= 0;
  }
  const roleAt = new Map<string, number>();
  names.forEach((n, i) => {
    const r = ROLE_NAMES[n];
    if (r && !roleAt.has(r)) roleAt.set(r, i);
  });
  const target = new Int32Array(names.length).fill(-1);
  const ignored: string[] = [];
  if (roleAt.size > 0) {
    if (timeCol < 0) missing('date (or time, timestamp, datetime)');
    const closeCol = roleAt.get('close') ?? roleAt.get('adjclose');
    if (closeCol === undefined) missing('close');
    const hasOhl = roleAt.has('open') || roleAt.has('high') || roleAt.has('low');
    if (hasOhl) for (const r of ['open', 'high', 'low'] as const) if (!roleAt.has(r)) missing(r);
    const columns: string[] = hasOhl ? ['open', 'high', 'low', 'close'] : ['close'];
    if (roleAt.has('volume')) columns.push('volume');
    for (const [r, i] of roleAt) {
      const idx = r === 'adjclose' ? (i === closeCol ? columns.indexOf('close') : -1) : columns.indexOf(r);
      target[i] = idx;
    }
    names.forEach((_, i) => {
      if (i !== timeCol && target[i] === -1) ignored.push(header[i]!.trim());
    });
    return { kind: hasOhl ? 'ohlcv' : 'close', timeCol, timeIsIndex, target, columns, ignored };
  }
  const columns: string[] = [];
  names.forEach((n, i) => {
    if (i === timeCol) return;
    if (n === '') {
      ignored.push(header[i]!);
      return;
    }
    target[i] = columns.length;
    columns.push(header[i]!.trim().replace(/^"|"$/g, ''));
  });
  if (columns.length === 0) missing(timeCol >= 0 ? 'close (or one column per symbol)' : 'a value column');
  return { kind: timeCol >= 0 ? 'wide' : 'values', timeCol, timeIsIndex, target, columns, ignored };
}

/** True when the cell is empty or an explicit missing marker (NA, NaN, null). */
function isMissingCell(b: Uint8Array, s: number, e: number): boolean {
  while (s < e && (b[s] === SPACE || b[s] === TAB)) s++;
  while (e > s && (b[e - 1] === SPACE || b[e - 1] === TAB)) e--;
  if (s === e) return true;
  const t = latin1(b, s, e).toLowerCase();
  return t === 'na' || t === 'nan' || t === 'null' || t === '#n/a';
}

function showCell(b: Uint8Array, s: number, e: number): string {
  const t = latin1(b, s, Math.min(e, s + 40));
  return JSON.stringify(e - s > 40 ? `${t}...` : t);
}

/**
 * Parse a CSV (bytes or text) into columns in one pass over the bytes: no per-row
 * strings, regexes or objects on the hot path. Structural problems (empty file,
 * header only, missing or duplicate column) throw a DataError at once; cell problems
 * (text in a number column, bad timestamp, wrong field count) are collected with
 * their line numbers and the row is flagged, so `validate` can report or repair them.
 */
export function parseCsv(input: Uint8Array | string, opts: CsvOptions = {}): ParsedCsv {
  const source = opts.source ?? 'input';
  const maxIssues = opts.maxIssues ?? 50;
  const b = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const n = b.length;
  let pos = 0;
  if (n >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) pos = 3;
  // Header: the first line (blank leading lines are not allowed: an editor shows them as line 1).
  let hEnd = pos;
  while (hEnd < n && b[hEnd] !== LF) hEnd++;
  const headerText = Buffer.from(b.buffer, b.byteOffset + pos, hEnd - pos).toString('utf8').replace(/\r$/, '');
  if (headerText.trim() === '') {
    const onlyBlank = hEnd >= n || latin1(b, hEnd, n).trim() === '';
    throw new DataError(source, [{ line: 1, reason: onlyBlank ? 'empty file' : 'empty header line' }]);
  }
  const header = splitLine(headerText);
  const layout = layoutFromHeader(source, header);
  const ncell = header.length;
  const ncol = layout.columns.length;

  // Upper bound on rows: newlines after the header (+1 for a last line without one).
  let cap = 1;
  for (let i = b.indexOf(LF, hEnd + 1); i !== -1; i = b.indexOf(LF, i + 1)) cap++;
  const time = new Float64Array(cap).fill(NaN);
  const values: Float64Array[] = [];
  for (let c = 0; c < ncol; c++) values.push(new Float64Array(cap));
  const lines = new Int32Array(cap);
  const rowOk = new Uint8Array(cap);
  const issues: Issue[] = [];
  let issueCount = 0;
  const report = (line: number, reason: string, field?: string): void => {
    issueCount++;
    if (issues.length < maxIssues) issues.push(field === undefined ? { line, reason } : { line, field, reason });
  };

  const { timeCol, target, kind, timeIsIndex } = layout;
  const missingAllowed = kind === 'wide';
  const colNames = layout.columns;
  let row = 0;
  let line = 1;
  pos = hEnd + 1;
  while (pos < n) {
    line++;
    // Blank line (or a lone CR): not a row.
    if (b[pos] === LF || (b[pos] === CR && (pos + 1 >= n || b[pos + 1] === LF))) {
      pos += b[pos] === CR ? 2 : 1;
      continue;
    }
    lines[row] = line;
    let ok = 1;
    let cell = 0;
    let p = pos;
    const startLine = line;
    // Cells of this row.
    while (true) {
      let s = p;
      let e: number;
      let quoted = false;
      if (b[p] === QUOTE) {
        // Slow path: a quoted cell; may hold commas, doubled quotes and newlines.
        quoted = true;
        let q = p + 1;
        while (q < n) {
          if (b[q] === QUOTE) {
            if (b[q + 1] === QUOTE) q += 2;
            else break;
          } else {
            if (b[q] === LF) line++;
            q++;
          }
        }
        s = p + 1;
        e = q;
        p = q < n ? q + 1 : q;
        while (p < n && b[p] !== COMMA && b[p] !== LF) p++;
      } else {
        while (p < n) {
          const ch = b[p];
          if (ch === COMMA || ch === LF) break;
          p++;
        }
        e = p;
        if (e > s && b[e - 1] === CR && (p >= n || b[p] === LF)) e--;
      }
      if (cell < ncell) {
        const cellText = quoted ? Buffer.from(latin1(b, s, e).replace(/""/g, '"'), 'latin1') : null;
        const cb = cellText ?? b;
        const cs = cellText ? 0 : s;
        const ce = cellText ? cellText.length : e;
        if (cell === timeCol) {
          const t = timeIsIndex ? parseNumberBytes(cb, cs, ce) : parseTimestampBytes(cb, cs, ce);
          time[row] = t;
          if (t !== t) {
            ok = 0;
            report(startLine, isMissingCell(cb, cs, ce) ? 'missing timestamp' : `not a ${timeIsIndex ? 'number' : 'timestamp'}: ${showCell(cb, cs, ce)}`, header[timeCol]!.trim());
          }
        } else {
          const k = target[cell]!;
          if (k >= 0) {
            const v = parseNumberBytes(cb, cs, ce);
            values[k]![row] = v;
            if (v !== v) {
              if (isMissingCell(cb, cs, ce)) {
                if (!missingAllowed) {
                  ok = 0;
                  report(startLine, 'missing value', colNames[k]);
                }
              } else {
                ok = 0;
                report(startLine, `not a number: ${showCell(cb, cs, ce)}`, colNames[k]);
              }
            }
          }
        }
      }
      cell++;
      if (p >= n || b[p] === LF) break;
      p++; // the comma
    }
    if (cell !== ncell) {
      ok = 0;
      report(startLine, `expected ${ncell} fields, found ${cell}`);
      // Cells a short row never reached hold no value.
      for (let c = cell; c < ncell; c++) {
        if (c === timeCol) time[row] = NaN;
        else if (target[c]! >= 0) values[target[c]!]![row] = NaN;
      }
    }
    rowOk[row] = ok;
    row++;
    pos = p + 1;
  }
  if (row === 0) throw new DataError(source, [{ line: 1, reason: 'no data rows (header only)' }]);
  return {
    source,
    kind,
    header,
    timeColumn: timeCol >= 0 ? header[timeCol]!.trim() : undefined,
    timeIsIndex,
    columns: layout.columns,
    ignored: layout.ignored,
    rows: row,
    time: time.subarray(0, row),
    values: values.map((v) => v.subarray(0, row)),
    lines: lines.subarray(0, row),
    rowOk: rowOk.subarray(0, row),
    issues,
    issueCount,
  };
}
