import { describe, expect, it } from 'vitest';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { withStatementCache } from '../../../src/adapters/store/statementCache.ts';

describe('withStatementCache', () => {
  it('reuses a statement per SQL text and drops the least recently used past the bound', () => {
    const raw = new SqliteDatabase(':memory:');
    const db = withStatementCache(raw, 2);
    const a = db.prepare('select 1 as x');
    expect(db.prepare('select 1 as x')).toBe(a);
    db.prepare('select 2 as x');
    db.prepare('select 1 as x'); // touch: 'select 2' is now the oldest
    db.prepare('select 3 as x');
    expect(db.prepare('select 1 as x')).toBe(a);
    expect(db.prepare('select 2 as x').get()).toEqual({ x: 2 });
    db.close();
    expect(raw.open).toBe(false);
  });

  it('a streamed query left early does not block the same query afterwards', async () => {
    const db = new Kysely<{ t: { n: number } }>({ dialect: new SqliteDialect({ database: withStatementCache(new SqliteDatabase(':memory:')) }) });
    await sql`create table t (n integer)`.execute(db);
    await db.insertInto('t').values([{ n: 1 }, { n: 2 }, { n: 3 }]).execute();
    const query = () => db.selectFrom('t').select('n').orderBy('n');
    for await (const row of query().stream()) {
      expect(row.n).toBe(1);
      break;
    }
    expect((await query().execute()).map((r) => r.n)).toEqual([1, 2, 3]);
    await db.destroy();
  });
});
