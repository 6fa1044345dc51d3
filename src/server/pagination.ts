import type { SelectQueryBuilder } from 'kysely';
import { z } from 'zod';
import { HttpError } from './httpErrors.ts';
import { ErrorCode } from '../core/errors.ts';

/** Largest page any listing returns. */
export const MAX_PAGE = 500;

/** Query fields of every listing: `limit`, and either an opaque `cursor` (preferred) or an `offset`. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50).describe(`items per page, 1..${MAX_PAGE}`),
  cursor: z.string().min(1).max(200).optional().describe('opaque cursor from the previous page (`nextCursor`)'),
  offset: z.coerce.number().int().min(0).max(100_000).optional().describe('items to skip (instead of a cursor)'),
};

/** A page of items: `nextCursor` is null on the last page. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable(), limit: z.number().int() });
}

/** The page of `limit` items from `limit + 1` fetched rows, with the cursor of the last item kept. */
export function toPage<R, T>(rows: readonly R[], limit: number, map: (r: R) => T, cursorOf: (r: R) => readonly (string | number)[]): { items: T[]; nextCursor: string | null; limit: number } {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return { items: kept.map(map), nextCursor: more ? encodeCursor(cursorOf(kept[kept.length - 1]!)) : null, limit };
}

/** An opaque cursor: base64url of the sort key of the last item served. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Decode a cursor made by {@link encodeCursor} with `arity` parts; a bad one is a 400 naming `cursor`. */
export function decodeCursor(cursor: string, kinds: readonly ('string' | 'number')[]): (string | number)[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== kinds.length || parsed.some((v, i) => typeof v !== kinds[i])) {
    throw new HttpError(400, ErrorCode.BAD_INPUT, 'querystring.cursor: not a cursor this listing issued', 'cursor');
  }
  return parsed as (string | number)[];
}

/** Refuse `cursor` together with `offset` (they would disagree about where the page starts). */
export function checkPaging(q: { cursor?: string; offset?: number }): void {
  if (q.cursor !== undefined && q.offset !== undefined) throw new HttpError(400, ErrorCode.BAD_INPUT, 'querystring.offset: give either cursor or offset, not both', 'offset');
}

/** Add `column = value` for every filter whose value is given. */
export function filterEq<DB, TB extends keyof DB, O>(q: SelectQueryBuilder<DB, TB, O>, filters: Partial<Record<string & keyof DB[TB], string | number | undefined>>): SelectQueryBuilder<DB, TB, O> {
  let out = q;
  for (const [col, v] of Object.entries(filters)) if (v !== undefined) out = out.where(col as never, '=', v as never);
  return out;
}

/**
 * Newest-first keyset paging over (created_at, id): rows strictly older than
 * the cursor, or `offset` rows skipped, then `limit + 1` fetched to know if more remain.
 */
export function pageByCreated<DB, TB extends keyof DB, O>(q: SelectQueryBuilder<DB, TB, O>, page: { limit: number; cursor?: string; offset?: number }): SelectQueryBuilder<DB, TB, O> {
  checkPaging(page);
  let out = q;
  if (page.cursor !== undefined) {
    const [at, id] = decodeCursor(page.cursor, ['string', 'string']);
    out = out.where((eb) => eb.or([eb('created_at' as never, '<', at as never), eb.and([eb('created_at' as never, '=', at as never), eb('id' as never, '<', id as never)])]));
  }
  out = out.orderBy('created_at' as never, 'desc').orderBy('id' as never, 'desc').limit(page.limit + 1);
  if (page.offset !== undefined) out = out.offset(page.offset);
  return out;
}
