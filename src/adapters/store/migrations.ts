import { sql, type Kysely, type Migration } from 'kysely';

/** Whether a migration needs dialect-specific SQL. */
export type Dialect = 'sqlite' | 'postgres';

/** Migrations in order; names sort by their numeric prefix. Never edit a landed one: add the next. */
export function migrations(dialect: Dialect): Record<string, Migration> {
  const autoId = dialect === 'postgres' ? 'bigserial' : 'integer';
  return {
    '0001_events': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('events')
          .addColumn('seq', sql.raw(autoId) as never, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('ts', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('subject', 'text')
          .addColumn('correlation_id', 'text')
          .addColumn('payload', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('events_type_ts').on('events').columns(['type', 'ts']).execute();
        await db.schema.createIndex('events_subject').on('events').column('subject').execute();
        await db.schema.createIndex('events_correlation').on('events').column('correlation_id').execute();
        await db.schema
          .createTable('kv')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
  };
}
