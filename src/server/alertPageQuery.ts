import type { Dialect } from '../adapters/store/migrations.ts';

/** The filters of a GET /alerts page, already validated and normalised. */
export interface AlertPageFilter {
  limit: number;
  cursor?: readonly [timestamp: string, alertId: string];
  offset?: number;
  symbol?: string;
  kind?: string;
  modelId?: string;
  status?: 'open' | 'acknowledged' | 'expired';
  since?: string;
  until?: string;
}

/** One page query: SQL text and its parameters, in placeholder order. */
export interface AlertPageSql {
  sql: string;
  params: (string | number)[];
}

/**
 * The listing query of GET /alerts as plain SQL, written once per filter
 * shape (which filters are present) and per dialect, instead of built by
 * Kysely on every request. Same text for the same shape, so the driver's
 * statement cache (SQLite) prepares each shape once. Reads only the covering
 * index `alerts_page` columns plus the filter columns.
 */
export class AlertPageQuery {
  private readonly texts = new Map<string, string>();

  constructor(private readonly dialect: Dialect) {}

  /** The SQL and parameters of `f`'s page (limit + 1 rows, to tell whether more remain); `now` decides open vs expired. */
  build(f: AlertPageFilter, nowIso: string): AlertPageSql {
    const params: (string | number)[] = [];
    let shape = '';
    // Each present filter adds one fixed clause; the shape string names them in order.
    if (f.symbol !== undefined) {
      shape += 's';
      params.push(f.symbol);
    }
    if (f.kind !== undefined) {
      shape += 'k';
      params.push(f.kind);
    }
    if (f.modelId !== undefined) {
      shape += 'm';
      params.push(f.modelId);
    }
    if (f.since !== undefined) {
      shape += 'f';
      params.push(f.since);
    }
    if (f.until !== undefined) {
      shape += 'u';
      params.push(f.until);
    }
    if (f.status === 'acknowledged') shape += 'A';
    else if (f.status === 'open') {
      shape += 'O';
      params.push(nowIso);
    }
    else if (f.status === 'expired') {
      shape += 'E';
      params.push(nowIso);
    }
    if (f.cursor !== undefined) {
      shape += 'c';
      params.push(f.cursor[0], f.cursor[1]);
    }
    params.push(f.limit + 1);
    if (f.offset !== undefined) {
      shape += 'o';
      params.push(f.offset);
    }
    let sql = this.texts.get(shape);
    if (sql === undefined) {
      sql = this.text(shape);
      this.texts.set(shape, sql);
    }
    return { sql, params };
  }

  private text(shape: string): string {
    let n = 0;
    const p = (): string => (this.dialect === 'postgres' ? `$${++n}` : '?');
    const where: string[] = [];
    for (const c of shape) {
      if (c === 's') where.push(`"ticker" = ${p()}`);
      else if (c === 'k') where.push(`"instrument" = ${p()}`);
      else if (c === 'm') where.push(`"model_id" = ${p()}`);
      else if (c === 'f') where.push(`"timestamp" >= ${p()}`);
      else if (c === 'u') where.push(`"timestamp" < ${p()}`);
      else if (c === 'A') where.push(`"acknowledged_at" is not null`);
      else if (c === 'O') where.push(`"acknowledged_at" is null and "valid_until" > ${p()}`);
      else if (c === 'E') where.push(`"acknowledged_at" is null and "valid_until" <= ${p()}`);
      // A row-value comparison: one range on the index (SQLite 3.15+, PostgreSQL).
      else if (c === 'c') where.push(`("timestamp", "alert_id") < (${p()}, ${p()})`);
    }
    let sql = `select "alert_id", "acknowledged_at", "acknowledged_by" from "alerts"${where.length ? ` where ${where.join(' and ')}` : ''} order by "timestamp" desc, "alert_id" desc limit ${p()}`;
    if (shape.includes('o')) sql += ` offset ${p()}`;
    return sql;
  }
}
