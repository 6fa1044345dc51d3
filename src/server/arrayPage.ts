import { checkPaging, decodeCursor, encodeCursor } from './pagination.ts';

/**
 * A page of an in-memory list already sorted by `keyOf` (ascending, unique):
 * items after the cursor's key, or `offset` items skipped, then `limit` of them.
 * Same query fields and page shape as the SQL listings.
 */
export function pageArray<T, U>(items: readonly T[], q: { limit: number; cursor?: string; offset?: number }, keyOf: (t: T) => string, map: (t: T) => U): { items: U[]; nextCursor: string | null; limit: number } {
  checkPaging(q);
  let start = q.offset ?? 0;
  if (q.cursor !== undefined) {
    const [after] = decodeCursor(q.cursor, ['string']) as [string];
    start = items.findIndex((t) => keyOf(t) > after);
    if (start < 0) start = items.length;
  }
  const kept = items.slice(start, start + q.limit);
  const more = start + q.limit < items.length;
  return { items: kept.map(map), nextCursor: more && kept.length > 0 ? encodeCursor([keyOf(kept[kept.length - 1]!)]) : null, limit: q.limit };
}
