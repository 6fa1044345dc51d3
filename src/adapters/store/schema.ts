import type { ColumnType, Generated } from 'kysely';

/**
 * The database, one interface for both dialects (SQLite and PostgreSQL).
 * Times are ISO-8601 UTC strings (sortable as text); JSON is stored as text.
 * Later features add their tables here and a migration in migrations.ts.
 */
export interface Database {
  events: EventsTable;
  kv: KvTable;
}

/** The append-only audit trail: raw fetches, features, model versions, predictions, messages, confirmations, orders. */
export interface EventsTable {
  /** Insertion order (dialect-native auto increment); the id is the public key. */
  seq: Generated<number>;
  id: string;
  /** ISO-8601 UTC. */
  ts: string;
  type: string;
  /** What the event is about (a symbol, a prediction id, a run id), for read-back. */
  subject: string | null;
  /** Groups the events of one run or one prediction. */
  correlation_id: string | null;
  payload: ColumnType<string, string, never>;
}

/** Small named documents (last run, settings switched at run time). */
export interface KvTable {
  key: string;
  value: string;
  updated_at: string;
}
