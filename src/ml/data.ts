/**
 * Numeric tables and matrices for the models: a column-major Float64Array with
 * its shape, and a fast strict CSV reader for all-numeric tables (features + label).
 */
import { readFileSync } from 'node:fs';
import { DataError, type Issue } from '../core/errors.ts';

/** A dense matrix, column-major: element (row i, column j) is `data[j * rows + i]`. */
export interface Matrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/** A numeric table as read from CSV: named columns over a column-major matrix. */
export interface NumericTable extends Matrix {
  readonly columns: readonly string[];
}

/** A zero matrix of the given shape. */
export function zeros(rows: number, cols: number): Matrix {
  return { data: new Float64Array(rows * cols), rows, cols };
}

/** Build a column-major matrix from row arrays (tests, small inputs). */
export function fromRows(rowsIn: readonly (readonly number[])[]): Matrix {
  const rows = rowsIn.length;
  const cols = rows > 0 ? rowsIn[0]!.length : 0;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[j * rows + i] = rowsIn[i]![j]!;
  return { data, rows, cols };
}

/** Column j as a view (no copy). */
export function col(m: Matrix, j: number): Float64Array {
  return m.data.subarray(j * m.rows, (j + 1) * m.rows);
}

/** Element (i, j). */
export function at(m: Matrix, i: number, j: number): number {
  return m.data[j * m.rows + i]!;
}

/** The listed rows of a matrix, in the given order (fold selection). */
export function takeRows(m: Matrix, idx: ArrayLike<number>): Matrix {
  const n = idx.length;
  const out = new Float64Array(n * m.cols);
  for (let j = 0; j < m.cols; j++) {
    const src = j * m.rows;
    const dst = j * n;
    for (let k = 0; k < n; k++) out[dst + k] = m.data[src + idx[k]!]!;
  }
  return { data: out, rows: n, cols: m.cols };
}

/** Values of `y` at the listed positions. */
export function takeValues(y: ArrayLike<number>, idx: ArrayLike<number>): Float64Array {
  const out = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) out[k] = y[idx[k]!]!;
  return out;
}

/** Features and target split out of a table by the target's column name. */
export interface Dataset {
  readonly X: Matrix;
  readonly y: Float64Array;
  readonly featureNames: readonly string[];
}

/** Split a numeric table into feature matrix and label vector; the label column must exist. */
export function toDataset(table: NumericTable, label: string, source = 'table'): Dataset {
  const li = table.columns.indexOf(label);
  if (li < 0) throw new DataError(source, [{ line: 1, field: label, reason: `label column not found (columns: ${table.columns.join(', ')})` }]);
  const names = table.columns.filter((_, j) => j !== li);
  const X = new Float64Array(table.rows * names.length);
  let k = 0;
  for (let j = 0; j < table.cols; j++) {
    if (j === li) continue;
    X.set(table.data.subarray(j * table.rows, (j + 1) * table.rows), k * table.rows);
    k++;
  }
  return { X: { data: X, rows: table.rows, cols: names.length }, y: table.data.slice(li * table.rows, (li + 1) * table.rows), featureNames: names };
}

/** Reorder a table's columns to a given feature list; refuses a missing column. */
export function selectColumns(table: NumericTable, names: readonly string[], source = 'table'): Matrix {
  const out = new Float64Array(table.rows * names.length);
  names.forEach((name, k) => {
    const j = table.columns.indexOf(name);
    if (j < 0) throw new DataError(source, [{ line: 1, field: name, reason: 'feature column not found' }]);
    out.set(table.data.subarray(j * table.rows, (j + 1) * table.rows), k * table.rows);
  });
  return { data: out, rows: table.rows, cols: names.length };
}

const MISSING = new Set(['', 'nan', 'NaN', 'NA', 'na', 'null', 'NULL']);

/**
 * Parse an all-numeric CSV (header row, comma-separated). Empty, `nan` and `NA`
 * cells are missing (NaN). Any other non-number is an error naming line and column.
 */
export function parseNumericCsv(text: string, source = 'csv'): NumericTable {
  let pos = 0;
  const len = text.length;
  let headerEnd = text.indexOf('\n');
  if (headerEnd < 0) headerEnd = len;
  const headerLine = text.slice(0, headerEnd).replace(/\r$/, '').replace(/^\uFEFF/, '');
  if (headerLine.trim().length === 0) throw new DataError(source, [{ line: 1, reason: 'empty file: expected a header row' }]);
  const columns = headerLine.split(',').map((s) => s.trim());
  const ncol = columns.length;
  pos = headerEnd + 1;
  // Grow per-column buffers geometrically; the final matrix is packed once.
  let cap = Math.max(1024, Math.ceil(len / Math.max(1, headerLine.length)) + 16);
  let buf = new Float64Array(cap * ncol);
  let nrow = 0;
  let line = 1;
  const issues: Issue[] = [];
  while (pos < len) {
    line++;
    let end = text.indexOf('\n', pos);
    if (end < 0) end = len;
    let lineEnd = end;
    if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    if (lineEnd === pos) {
      pos = end + 1;
      continue; // blank line
    }
    if (nrow >= cap) {
      const nb = new Float64Array(cap * 2 * ncol);
      nb.set(buf);
      buf = nb;
      cap *= 2;
    }
    let c = 0;
    let start = pos;
    const base = nrow * ncol; // row-major while reading; transposed at the end
    for (let p = pos; p <= lineEnd; p++) {
      if (p === lineEnd || text.charCodeAt(p) === 44) {
        if (c < ncol) {
          const cell = text.slice(start, p);
          let v = Number(cell);
          if (Number.isNaN(v) || cell.length === 0) {
            const t = cell.trim();
            if (MISSING.has(t)) v = NaN;
            else if (t.length > 0 && !Number.isNaN(Number(t))) v = Number(t);
            else if (issues.length < 20) issues.push({ line, field: columns[c], reason: `not a number: "${cell}"` });
          }
          buf[base + c] = v;
        }
        c++;
        start = p + 1;
      }
    }
    if (c !== ncol && issues.length < 20) issues.push({ line, reason: `expected ${ncol} fields, found ${c}` });
    nrow++;
    pos = end + 1;
  }
  if (issues.length > 0) throw new DataError(source, issues);
  const data = new Float64Array(nrow * ncol);
  for (let i = 0; i < nrow; i++) {
    const b = i * ncol;
    for (let j = 0; j < ncol; j++) data[j * nrow + i] = buf[b + j]!;
  }
  return { data, rows: nrow, cols: ncol, columns };
}

/** Read a numeric CSV file; a missing file is a DataError naming it. */
export function readNumericCsv(path: string): NumericTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new DataError(path, [{ reason: `cannot read file (${(err as NodeJS.ErrnoException).code ?? 'error'})` }], { cause: err });
  }
  return parseNumericCsv(text, path);
}
