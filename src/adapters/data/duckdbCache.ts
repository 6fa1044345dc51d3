import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { allocSeries, type BarSeries, type SeriesFields } from '../../core/bar.ts';
import { ErrorCode, TradepilotError } from '../../core/errors.ts';
import type { BarCache, CachedBars, CacheKey } from '../../data/barCache.ts';

/** Sidecar of each Parquet file: the range already asked of the provider and which fields are real. */
interface Meta {
  coveredStart: number;
  coveredEnd: number;
  fields: SeriesFields;
}

function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_');
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * Bar cache as one Parquet file per provider/interval/symbol, read and written
 * through an in-process DuckDB. Writes go to a temporary file renamed into place,
 * so a crash never leaves a half-written cache entry.
 */
export class DuckDbBarCache implements BarCache {
  private constructor(
    private readonly dir: string,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
  ) {}

  /** Open (creating the directory) a cache rooted at `dir`. */
  static async open(dir: string): Promise<DuckDbBarCache> {
    const root = resolve(dir);
    mkdirSync(root, { recursive: true });
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    return new DuckDbBarCache(root, instance, conn);
  }

  private paths(key: CacheKey): { parquet: string; meta: string } {
    const base = join(this.dir, safe(key.provider), safe(key.timeframe), safe(key.symbol.toUpperCase()));
    return { parquet: `${base}.parquet`, meta: `${base}.meta.json` };
  }

  async read(key: CacheKey): Promise<CachedBars | undefined> {
    const p = this.paths(key);
    if (!existsSync(p.parquet) || !existsSync(p.meta)) return undefined;
    const meta = JSON.parse(readFileSync(p.meta, 'utf8')) as Meta;
    const reader = await this.conn.runAndReadAll(`SELECT time, open, high, low, close, volume FROM read_parquet(${sqlString(p.parquet)}) ORDER BY time`);
    const cols = reader.getColumns() as (number | null)[][];
    const n = cols[0]?.length ?? 0;
    const s = allocSeries(key.symbol.toUpperCase(), key.timeframe, n, meta.fields);
    const arrays = [s.time, s.open, s.high, s.low, s.close, s.volume];
    for (let c = 0; c < 6; c++) {
      const src = cols[c]!;
      const dst = arrays[c]!;
      for (let i = 0; i < n; i++) dst[i] = src[i] ?? NaN;
    }
    return { series: s, coveredStart: meta.coveredStart, coveredEnd: meta.coveredEnd };
  }

  async merge(key: CacheKey, series: BarSeries, coveredStart: number, coveredEnd: number): Promise<CachedBars> {
    const p = this.paths(key);
    mkdirSync(dirname(p.parquet), { recursive: true });
    await this.conn.run('CREATE OR REPLACE TEMP TABLE incoming (time DOUBLE, open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE)');
    const app = await this.conn.createAppender('incoming');
    for (let i = 0; i < series.time.length; i++) {
      app.appendDouble(series.time[i]!);
      app.appendDouble(series.open[i]!);
      app.appendDouble(series.high[i]!);
      app.appendDouble(series.low[i]!);
      app.appendDouble(series.close[i]!);
      app.appendDouble(series.volume[i]!);
      app.endRow();
    }
    app.closeSync();
    const old = existsSync(p.parquet)
      ? `SELECT * FROM read_parquet(${sqlString(p.parquet)}) WHERE time NOT IN (SELECT time FROM incoming) UNION ALL `
      : '';
    const tmp = `${p.parquet}.tmp-${process.pid}`;
    try {
      await this.conn.run(`COPY (SELECT * FROM (${old}SELECT * FROM incoming) ORDER BY time) TO ${sqlString(tmp)} (FORMAT parquet)`);
    } catch (err) {
      throw new TradepilotError(ErrorCode.STORE_FAILED, `bar cache: cannot write ${p.parquet}: ${(err as Error).message}`, undefined, { cause: err });
    }
    renameSync(tmp, p.parquet);
    const prev = existsSync(p.meta) ? (JSON.parse(readFileSync(p.meta, 'utf8')) as Meta) : undefined;
    const meta: Meta = {
      coveredStart: Math.min(coveredStart, prev?.coveredStart ?? coveredStart),
      coveredEnd: Math.max(coveredEnd, prev?.coveredEnd ?? coveredEnd),
      fields: { ...series.fields },
    };
    writeFileSync(`${p.meta}.tmp`, JSON.stringify(meta));
    renameSync(`${p.meta}.tmp`, p.meta);
    return (await this.read(key))!;
  }

  async close(): Promise<void> {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

/** Open the DuckDB/Parquet bar cache at `dir`. */
export function openDuckDbCache(dir: string): Promise<DuckDbBarCache> {
  return DuckDbBarCache.open(dir);
}
