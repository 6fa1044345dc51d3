import { Migrator, type Kysely, type MigrationProvider, type Transaction } from 'kysely';
import { uuidv7 } from '../../core/ids.ts';
import { ErrorCode, TradepilotError } from '../../core/errors.ts';
import { migrations, type Dialect } from './migrations.ts';
import type { Database } from './schema.ts';
import type { EventQuery, EventRecord, NewEvent, Store } from './store.ts';

/** The Store implementation shared by both dialects; adapters only build the Kysely instance. */
export class KyselyStore implements Store {
  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: Dialect,
    readonly location: string,
    counter?: () => number,
  ) {
    if (counter) this.changeCounter = counter;
  }

  /** See {@link Store.changeCounter}: set by the SQLite adapter only. */
  changeCounter?: () => number;

  /** Bring the schema up to date; safe to call on every start. */
  async migrate(): Promise<void> {
    const all = migrations(this.dialect);
    const provider: MigrationProvider = { getMigrations: async () => all };
    const { error, results } = await new Migrator({ db: this.db, provider }).migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
      throw new TradepilotError(ErrorCode.STORE_FAILED, `${this.location}: migration ${failed} failed: ${(error as Error).message}`, undefined, { cause: error });
    }
  }

  async append(events: NewEvent | readonly NewEvent[], trx?: Transaction<Database>): Promise<EventRecord[]> {
    const list = Array.isArray(events) ? (events as readonly NewEvent[]) : [events as NewEvent];
    if (list.length === 0) return [];
    const rows = list.map((e) => ({
      id: e.id ?? uuidv7(),
      ts: new Date(e.time ?? Date.now()).toISOString(),
      type: e.type,
      subject: e.subject ?? null,
      correlation_id: e.correlationId ?? null,
      payload: JSON.stringify(e.payload ?? null, safeJson),
    }));
    const write = async (t: Kysely<Database>): Promise<EventRecord[]> => {
      const out: EventRecord[] = [];
      // Chunks keep under both dialects' bound-parameter limits.
      for (let i = 0; i < rows.length; i += 500) {
        const inserted = await t.insertInto('events').values(rows.slice(i, i + 500)).returning(['seq', 'id']).execute();
        for (let j = 0; j < inserted.length; j++) {
          const r = rows[i + j]!;
          out.push({ seq: Number(inserted[j]!.seq), id: r.id, ts: r.ts, type: r.type, subject: r.subject, correlationId: r.correlation_id, payload: list[i + j]!.payload ?? null });
        }
      }
      return out;
    };
    return trx ? write(trx) : this.db.transaction().execute(write);
  }

  async events(q: EventQuery = {}): Promise<EventRecord[]> {
    let query = this.db.selectFrom('events').selectAll();
    if (q.type !== undefined) query = Array.isArray(q.type) ? query.where('type', 'in', q.type) : query.where('type', '=', q.type);
    if (q.subject !== undefined) query = query.where('subject', '=', q.subject);
    if (q.correlationId !== undefined) query = query.where('correlation_id', '=', q.correlationId);
    if (q.since !== undefined) query = query.where('ts', '>=', q.since);
    if (q.afterSeq !== undefined) query = query.where('seq', '>', q.afterSeq);
    query = query.orderBy('seq', q.order ?? 'asc');
    if (q.limit !== undefined) query = query.limit(q.limit);
    const rows = await query.execute();
    return rows.map((r) => ({
      seq: Number(r.seq),
      id: r.id,
      ts: r.ts,
      type: r.type,
      subject: r.subject,
      correlationId: r.correlation_id,
      payload: JSON.parse(r.payload as unknown as string) as unknown,
    }));
  }

  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  async getValue<T = unknown>(key: string): Promise<T | undefined> {
    const row = await this.db.selectFrom('kv').select('value').where('key', '=', key).executeTakeFirst();
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async setValue(key: string, value: unknown, trx?: Transaction<Database>): Promise<void> {
    const row = { key, value: JSON.stringify(value, safeJson), updated_at: new Date().toISOString() };
    await (trx ?? this.db)
      .insertInto('kv')
      .values(row)
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: row.value, updated_at: row.updated_at }))
      .execute();
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

/** Typed arrays become plain arrays; non-finite numbers become null. */
function safeJson(_k: string, v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  if (typeof v === 'bigint') return v.toString();
  return v;
}
