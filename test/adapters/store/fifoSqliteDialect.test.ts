import { describe, expect, it } from 'vitest';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { FifoSqliteDialect } from '../../../src/adapters/store/fifoSqliteDialect.ts';
import { withStatementCache } from '../../../src/adapters/store/statementCache.ts';

describe('FifoSqliteDialect', () => {
  it('serves concurrent queries and transactions in arrival order, each completely', async () => {
    const db = new Kysely<{ t: { n: number } }>({ dialect: new FifoSqliteDialect({ database: withStatementCache(new SqliteDatabase(':memory:')) }) });
    await sql`create table t (n integer)`.execute(db);
    const done: number[] = [];
    // 50 writers at once, every fifth in a transaction that rolls back: all finish, in order, and the rollbacks leave nothing.
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        if (i % 5 === 0) {
          await db
            .transaction()
            .execute(async (trx) => {
              await trx.insertInto('t').values({ n: i }).execute();
              throw new Error('roll back');
            })
            .catch(() => undefined);
        } else await db.insertInto('t').values({ n: i }).execute();
        done.push(i);
      }),
    );
    expect(done).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const rows = (await db.selectFrom('t').select('n').orderBy('n').execute()).map((r) => r.n);
    expect(rows).toEqual(Array.from({ length: 50 }, (_, i) => i).filter((i) => i % 5 !== 0));
    await db.destroy();
  });
});
