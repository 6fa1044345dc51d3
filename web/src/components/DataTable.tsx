/** A table with sortable columns and optional checkbox selection of rows. */
import { useMemo, useState, type ReactNode } from 'react';

/** One column: a header, how to read the sort value, how to render a cell. */
export interface Column<T> {
  key: string;
  label: string;
  value: (row: T) => unknown;
  render?: (row: T) => ReactNode;
  /** Right-align (numbers). */
  numeric?: boolean;
  sortable?: boolean;
}

function compare(a: unknown, b: unknown): number {
  // Missing values sort last in both directions' natural reading (treated as -Infinity / "").
  if (typeof a === 'number' || typeof b === 'number') {
    const x = typeof a === 'number' && Number.isFinite(a) ? a : -Infinity;
    const y = typeof b === 'number' && Number.isFinite(b) ? b : -Infinity;
    return x === y ? 0 : x < y ? -1 : 1;
  }
  return String(a ?? '').localeCompare(String(b ?? ''));
}

/** Sortable table; with `selected`/`onSelect`, a checkbox column. */
export function DataTable<T>({
  rows,
  columns,
  rowKey,
  selected,
  onSelect,
  initialSort,
  label,
}: {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  selected?: ReadonlySet<string>;
  onSelect?: (next: Set<string>) => void;
  initialSort?: { key: string; dir: 'asc' | 'desc' };
  label: string;
}) {
  const [sort, setSort] = useState(initialSort ?? null);
  const sorted = useMemo(() => {
    if (!sort) return rows;
    const col = columns.find((c) => c.key === sort.key);
    if (!col) return rows;
    const s = [...rows].sort((a, b) => compare(col.value(a), col.value(b)));
    return sort.dir === 'desc' ? s.reverse() : s;
  }, [rows, columns, sort]);
  const toggleSort = (key: string): void => setSort((s) => (s?.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'desc' }));
  const allKeys = rows.map(rowKey);
  const allOn = selected !== undefined && allKeys.length > 0 && allKeys.every((k) => selected.has(k));
  const toggle = (k: string): void => {
    if (!selected || !onSelect) return;
    const next = new Set(selected);
    if (next.has(k)) next.delete(k);
    else next.add(k);
    onSelect(next);
  };
  return (
    <div className="table-wrap">
      <table aria-label={label}>
        <thead>
          <tr>
            {onSelect ? (
              <th className="check">
                <input type="checkbox" aria-label="select all" checked={allOn} onChange={() => onSelect(allOn ? new Set() : new Set(allKeys))} />
              </th>
            ) : null}
            {columns.map((c) => (
              <th key={c.key} className={c.numeric ? 'num' : undefined} aria-sort={sort?.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                {c.sortable === false ? (
                  c.label
                ) : (
                  <button type="button" className="sort" onClick={() => toggleSort(c.key)}>
                    {c.label}
                    {sort?.key === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                  </button>
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => {
            const k = rowKey(r);
            return (
              <tr key={k} data-key={k} className={selected?.has(k) ? 'selected' : undefined}>
                {onSelect ? (
                  <td className="check">
                    <input type="checkbox" aria-label={`select ${k}`} checked={selected?.has(k) ?? false} onChange={() => toggle(k)} />
                  </td>
                ) : null}
                {columns.map((c) => (
                  <td key={c.key} className={c.numeric ? 'num' : undefined}>
                    {c.render ? c.render(r) : String(c.value(r) ?? '–')}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
