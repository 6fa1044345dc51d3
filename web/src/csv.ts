/** CSV text (RFC 4180 quoting, spreadsheet formulas defused). Pure: unit-tested from test/web. */

function cell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : Array.isArray(v) ? v.join('/') : JSON.stringify(v);
  // A leading =, +, - or @ would run as a formula in a spreadsheet; a quote mark stops that.
  const safe = /^[=+\-@]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows of objects as CSV with the given columns (header first). */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return `${[columns.map(cell).join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n')}\n`;
}
