import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely } from 'kysely';
import { ErrorCode, TradepilotError } from '../../core/errors.ts';
import { FifoSqliteDialect } from './fifoSqliteDialect.ts';
import { KyselyStore } from './kyselyStore.ts';
import { withStatementCache } from './statementCache.ts';
import type { Database } from './schema.ts';

/** The embedded store: one SQLite file in WAL mode (better-sqlite3 is imported only here). */
export async function openSqliteStore(file: string): Promise<KyselyStore> {
  const path = file === ':memory:' ? file : resolve(file);
  let sqlite: SqliteDatabase.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    sqlite = new SqliteDatabase(path);
    sqlite.pragma('journal_mode = WAL');
    // WAL + NORMAL: a crash can lose the last commits but never corrupts or half-writes one.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
  } catch (err) {
    throw new TradepilotError(ErrorCode.STORE_FAILED, `${path}: cannot open SQLite database: ${(err as Error).message}`, undefined, { cause: err });
  }
  const db = new Kysely<Database>({ dialect: new FifoSqliteDialect({ database: withStatementCache(sqlite) }) });
  // data_version moves when another connection commits; read straight off the handle (no query building, no connection queue).
  const dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
  const store = new KyselyStore(db, 'sqlite', path, () => dataVersion.get() as number);
  await store.migrate();
  return store;
}
