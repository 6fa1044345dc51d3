import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { redactUrl } from '../../config/config.ts';
import { ErrorCode, TradepilotError } from '../../core/errors.ts';
import { KyselyStore } from './kyselyStore.ts';
import type { Database } from './schema.ts';

// BIGINT (the events sequence) arrives as a string by default; our sequences fit a double.
pg.types.setTypeParser(20, (v: string) => Number(v));

export interface PostgresStoreOptions {
  /** Use (and create) this schema instead of `public`: tests isolate themselves this way. */
  schema?: string;
  max?: number;
}

/** The scale-out store: PostgreSQL through pg (imported only here). */
export async function openPostgresStore(url: string, opts: PostgresStoreOptions = {}): Promise<KyselyStore> {
  const schema = opts.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new TradepilotError(ErrorCode.BAD_INPUT, `invalid schema name ${schema}`);
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: 5000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  const location = redactUrl(url) + (schema ? `#${schema}` : '');
  try {
    const client = await pool.connect();
    try {
      if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new TradepilotError(ErrorCode.STORE_FAILED, `${location}: cannot connect to PostgreSQL: ${(err as Error).message}`, undefined, { cause: err });
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const store = new KyselyStore(db, 'postgres', location);
  await store.migrate();
  return store;
}

/** Drop a schema created for a test. */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }) });
  try {
    await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db);
  } finally {
    await db.destroy();
  }
}
