import type { Store } from '../../adapters/store/store.ts';

const generations = new WeakMap<Store, number>();

/**
 * A counter per store, bumped after every write to the alerts table made in
 * this process (AlertStore.save, POST /alerts/acknowledge): whatever was read
 * from the table under an older value may be stale. In-process only; writes
 * by other processes are caught by {@link Store.changeCounter} (SQLite) or a
 * cache TTL (PostgreSQL).
 */
export function alertGeneration(store: Store): number {
  return generations.get(store) ?? 0;
}

/** Mark the alerts of `store` changed; call after the write has committed (or failed). */
export function bumpAlertGeneration(store: Store): void {
  generations.set(store, (generations.get(store) ?? 0) + 1);
}
