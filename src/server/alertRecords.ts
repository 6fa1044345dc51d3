import type { Kysely } from 'kysely';
import type { Database } from '../adapters/store/schema.ts';

/** The columns of a stored alert that never change once stored. */
export interface StoredAlert {
  /** The alert record as JSON text. */
  record: string;
  timestamp: string;
  valid_until: string;
  created_at: string;
}

/**
 * The unchanging part of stored alerts by id, cached: an alert's record and
 * times never change once stored (acknowledgement lives in other columns),
 * so a cached copy is never stale. A listing then reads only ids and
 * acknowledgements from the covering index, and the table only for alerts
 * it has not seen. Bounded: the oldest entries go first.
 */
export class AlertRecords {
  private readonly cache = new Map<string, StoredAlert>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly max = 20_000,
  ) {}

  /** The stored alerts of `ids` (ids with no stored alert are absent from the map). */
  async get(ids: readonly string[]): Promise<Map<string, StoredAlert>> {
    const out = new Map<string, StoredAlert>();
    const missing: string[] = [];
    for (const id of ids) {
      const r = this.cache.get(id);
      if (r === undefined) missing.push(id);
      else out.set(id, r);
    }
    for (let i = 0; i < missing.length; i += 500) {
      const rows = await this.db.selectFrom('alerts').select(['alert_id', 'record', 'timestamp', 'valid_until', 'created_at']).where('alert_id', 'in', missing.slice(i, i + 500)).execute();
      for (const r of rows) {
        const s: StoredAlert = { record: r.record, timestamp: r.timestamp, valid_until: r.valid_until, created_at: r.created_at };
        out.set(r.alert_id, s);
        this.cache.set(r.alert_id, s);
      }
    }
    while (this.cache.size > this.max) this.cache.delete(this.cache.keys().next().value!);
    return out;
  }
}
