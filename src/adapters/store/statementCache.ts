import type SqliteDatabase from 'better-sqlite3';

/**
 * better-sqlite3 as Kysely's SQLite dialect sees it, with prepared statements
 * reused by SQL text: Kysely prepares every query afresh, and preparing
 * costs more than running a short indexed read. Bounded (least recently used
 * dropped first), since `in (?, ?, ...)` lists make one text per length.
 */
export function withStatementCache(db: SqliteDatabase.Database, max = 256): { close(): void; prepare(sql: string): SqliteDatabase.Statement } {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare(sql: string): SqliteDatabase.Statement {
      const hit = cache.get(sql);
      if (hit) {
        // A statement still being iterated (a streamed query) cannot run again until it finishes: use a fresh one.
        if (hit.busy) return db.prepare(sql);
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const stmt = db.prepare(sql);
      cache.set(sql, stmt);
      if (cache.size > max) cache.delete(cache.keys().next().value!);
      return stmt;
    },
  };
}
