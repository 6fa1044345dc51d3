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
      // the first append goes alone, the rest wait for it and go together
      expect(calls.length).toBeLessThanOrEqual(3);
      expect(calls[0]).toBe(1);
      // once idle, the next append starts its own transaction at once
      await b.append({ type: 'test.e', subject: 'late' });
      expect(calls.at(-1)).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('rejects every caller of a failed batch and goes on with the next', async () => {
    const store = await openSqliteStore(':memory:');
    try {
      const b = new EventBatcher(store);
      const bad = { type: null } as unknown as NewEvent; // events.type is NOT NULL
      const first = b.append({ type: 'test.e', subject: 'a' });
      const failing = [b.append(bad), b.append({ type: 'test.e', subject: 'b' })];
      await expect(first).resolves.toBeUndefined();
      for (const p of failing) await expect(p).rejects.toThrow();
      await expect(b.append({ type: 'test.e', subject: 'c' })).resolves.toBeUndefined();
      expect((await store.events({ type: 'test.e' })).map((e) => e.subject)).toEqual(['a', 'c']);
    } finally {
      await store.close();
    }
  });
});
