import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';
import type { Dialect } from './migrations.ts';

/** An event to append; id and time are filled in when absent. */
export interface NewEvent {
  type: string;
  payload: unknown;
  subject?: string | null;
  correlationId?: string | null;
  id?: string;
  /** Epoch ms UTC. */
  time?: number;
}

/** An event as read back. */
export interface EventRecord {
  seq: number;
  id: string;
  ts: string;
  type: string;
  subject: string | null;
  correlationId: string | null;
  payload: unknown;
}

export interface EventQuery {
  type?: string | string[];
  subject?: string;
  correlationId?: string;
  /** ISO-8601 lower bound, inclusive. */
  since?: string;
  /** Only events after this sequence number (for tailing). */
  afterSeq?: number;
  limit?: number;
  order?: 'asc' | 'desc';
}

/**
 * The state-store port. `db` is the one query layer (Kysely) over SQLite or
 * PostgreSQL; the event helpers cover the audit trail every feature writes to.
 */
export interface Store {
  readonly dialect: Dialect;
  /** Where it lives, with credentials removed (for logs and `config`). */
  readonly location: string;
  readonly db: Kysely<Database>;
  /** Append events in one transaction: all land or none do. */
  append(events: NewEvent | readonly NewEvent[], trx?: Transaction<Database>): Promise<EventRecord[]>;
  events(q?: EventQuery): Promise<EventRecord[]>;
  /** Run `fn` in a transaction; a throw rolls everything back. */
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /**
   * A number that changes whenever another connection (another process) has
   * committed to the database since the last call; absent where the database
   * cannot tell cheaply (PostgreSQL). SQLite's `PRAGMA data_version`.
   */
  changeCounter?(): number;
  getValue<T = unknown>(key: string): Promise<T | undefined>;
  setValue(key: string, value: unknown, trx?: Transaction<Database>): Promise<void>;
  close(): Promise<void>;
}
