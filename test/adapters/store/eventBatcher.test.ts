import { describe, expect, it } from 'vitest';
import { EventBatcher } from '../../../src/adapters/store/eventBatcher.ts';
import { openSqliteStore } from '../../../src/adapters/store/sqliteStore.ts';
import type { NewEvent, Store } from '../../../src/adapters/store/store.ts';

/** The store with its append calls counted. */
function counted(store: Store): { store: Store; calls: number[] } {
  const calls: number[] = [];
  const append = store.append.bind(store);
  store.append = (events, trx) => {
    calls.push(Array.isArray(events) ? events.length : 1);
    return append(events, trx);
  };
  return { store, calls };
}

describe('EventBatcher (group commit)', () => {
  it('writes concurrent appends in few transactions, in arrival order, each promise settling after its commit', async () => {
    const { store, calls } = counted(await openSqliteStore(':memory:'));
    try {
      const b = new EventBatcher(store);
      const seen: number[] = [];
      await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          b.append({ type: 'test.e', subject: String(i), payload: { i } }).then(async () => {
            // committed before the promise settles: the event is readable now
            const got = await store.events({ type: 'test.e', subject: String(i) });
            if (got.length === 1) seen.push(i);
          }),
        ),
      );
      expect(seen).toHaveLength(200);
      expect((await store.events({ type: 'test.e' })).map((e) => (e.payload as { i: number }).i)).toEqual(Array.from({ length: 200 }, (_, i) => i));
      expect(calls.reduce((a, n) => a + n, 0)).toBe(200);
      // appends of one event-loop turn share one transaction
      expect(calls).toEqual([200]);
      // once idle, the next append starts its own transaction at once
      await b.append({ type: 'test.e', subject: 'late', payload: null });
      expect(calls.at(-1)).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('a bad event fails alone: the batch is retried one event per transaction', async () => {
    const { store, calls } = counted(await openSqliteStore(':memory:'));
    try {
      const b = new EventBatcher(store);
      const bad = { type: null } as unknown as NewEvent; // events.type is NOT NULL
      const [a, x, c] = [b.append({ type: 'test.e', subject: 'a', payload: null }), b.append(bad), b.append({ type: 'test.e', subject: 'c', payload: null })];
      await expect(a).resolves.toBeUndefined();
      await expect(x).rejects.toThrow();
      await expect(c).resolves.toBeUndefined();
      expect(calls).toEqual([3, 1, 1, 1]);
      await expect(b.append({ type: 'test.e', subject: 'd', payload: null })).resolves.toBeUndefined();
      expect((await store.events({ type: 'test.e' })).map((e) => e.subject)).toEqual(['a', 'c', 'd']);
    } finally {
      await store.close();
    }
  });
});
