/** Run the momentum scanner over a universe: fetch each symbol's recent daily bars, score, rank, keep the top. */
import { tail } from '../../data/range.ts';
import type { Universe } from './universe.ts';
import { rankRows, SCAN_LOOKBACK, scanSeries, type ScanRow } from './scanner.ts';

/** Scanner options. */
export interface ScannerOptions {
  /** How many rows to keep (the issue asks for 30-50; default 40). */
  top?: number;
  /** Signal time: no bar after it is read (default now). */
  asOf?: number;
  /** Requests in flight at once (default 16). */
  concurrency?: number;
}

/** The scanner's JSON document; `results` is what POST /api/ml/scan takes. */
export interface ScannerReport {
  universe: string;
  as_of: string;
  scanned: number;
  results: ScanRow[];
  /** Symbols with too few bars or a failed fetch, and why. */
  skipped: { symbol: string; reason: string }[];
  timestamp: string;
  ms: number;
}

/** Scan every symbol of the universe (benchmarks excluded) as of `asOf`. */
export async function runScanner(u: Universe, opts: ScannerOptions = {}): Promise<ScannerReport> {
  const t0 = performance.now();
  const asOf = opts.asOf ?? Date.now();
  const top = opts.top ?? 40;
  const rows: ScanRow[] = [];
  const skipped: ScannerReport['skipped'] = [];
  const bench = new Set(u.benchmarks);
  const symbols = u.symbols.filter((s) => !bench.has(s));
  const scratch = new Float64Array(SCAN_LOOKBACK * 2);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < symbols.length) {
      const symbol = symbols[next++]!;
      try {
        const s = tail(await u.provider.getBars({ symbol, timeframe: '1d', end: asOf }), SCAN_LOOKBACK);
        const row = scanSeries(s, scratch);
        if (row) rows.push(row);
        else skipped.push({ symbol, reason: `${s.close.length} bars up to ${new Date(asOf).toISOString().slice(0, 10)}; the scanner needs 51` });
      } catch (err) {
        skipped.push({ symbol, reason: err instanceof Error ? err.message : String(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 16) }, worker));
  return {
    universe: u.name,
    as_of: new Date(asOf).toISOString(),
    scanned: symbols.length,
    results: rankRows(rows, top),
    skipped: skipped.sort((a, b) => (a.symbol < b.symbol ? -1 : 1)),
    timestamp: new Date().toISOString(),
    ms: performance.now() - t0,
  };
}
