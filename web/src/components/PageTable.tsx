/** A loaded page of rows (GET /things) as a sortable table, with its loading, error and empty states. */
import type { Page } from '../api.ts';
import type { Loaded } from '../hooks.ts';
import { DataTable, type Column } from './DataTable.tsx';
import { LoadState } from './ui.tsx';

export function PageTable<T>({ load, label, empty, columns, rowKey }: { load: Loaded<Page<T>>; label: string; empty: string; columns: readonly Column<T>[]; rowKey: (row: T) => string }) {
  return (
    <>
      <LoadState loading={load.loading && !load.data} error={load.error} empty={load.data && load.data.items.length === 0 ? empty : false} />
      {load.data && load.data.items.length > 0 ? <DataTable label={label} rows={load.data.items} columns={columns} rowKey={rowKey} /> : null}
    </>
  );
}
