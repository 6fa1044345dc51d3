import { openSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MS_PER_DAY } from '../core/time.ts';

/** Where the bundled sample data lives (`data/sample` at the package root). */
export const SAMPLE_DIR = fileURLToPath(new URL('../../data/sample/', import.meta.url));

/** One bundled symbol: where it lives and what it holds. */
export interface UniverseEntry {
  symbol: string;
  file: string;
  /** `ohlcv` for full bars, `close` for close-only columns of a wide file. */
  kind: 'ohlcv' | 'close';
  /** Group it belongs to (`ttr`, `dow30`, `eu-indices`). */
  group: string;
  description: string;
}

/** The bundled files and what each holds (dem2gbp.csv is returns, not bars: see loadSampleReturns). */
export const SAMPLE_FILES = {
  ttrc: 'ttrc.csv',
  dow30: 'dowjones30.csv',
  eu: 'eustockmarkets.csv',
  dem2gbp: 'dem2gbp.csv',
} as const;

function headerOf(path: string): string[] {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.toString('utf8', 0, n).split(/\r?\n/)[0]!.split(',').map((s) => s.trim());
  } finally {
    closeSync(fd);
  }
}

/** Every symbol the bundled sample data can serve offline, read from the file headers. */
export function loadUniverse(dir: string = SAMPLE_DIR): UniverseEntry[] {
  const out: UniverseEntry[] = [
    { symbol: 'TTRC', file: join(dir, SAMPLE_FILES.ttrc), kind: 'ohlcv', group: 'ttr', description: 'TTR package sample stock, daily OHLCV 1985-2006' },
  ];
  for (const s of headerOf(join(dir, SAMPLE_FILES.dow30)).slice(1)) {
    out.push({ symbol: s, file: join(dir, SAMPLE_FILES.dow30), kind: 'close', group: 'dow30', description: `Dow Jones 30 member ${s}, daily close 1990-2001` });
  }
  for (const s of headerOf(join(dir, SAMPLE_FILES.eu)).slice(1)) {
    out.push({ symbol: s, file: join(dir, SAMPLE_FILES.eu), kind: 'close', group: 'eu-indices', description: `${s} index, daily close 1991-1998 (business-day calendar)` });
  }
  return out;
}

/** Monday 1990-12-31, the week 1991 starts in. */
const MONDAY_1990_12_31 = Date.UTC(1990, 11, 31);

/**
 * Date of row `day` (1..1860) of eustockmarkets.csv. R's EuStockMarkets is a ts that
 * starts at 1991 observation 130 with frequency 260 (business days, holidays ignored),
 * so row `day` is business day 129 + day of 1991, counting Monday-Friday from Tuesday
 * 1991-01-01: row 1 is Monday 1991-07-01 and row 1860 is Friday 1998-08-14.
 * Deterministic, approximate around holidays (the source has no dates).
 */
export function eustockDayToTime(day: number): number {
  // Business days since Monday 1990-12-31 (Tuesday 1991-01-01 is business day 1 there).
  const k = 129 + day;
  const weeks = Math.floor(k / 5);
  const rem = k % 5;
  return MONDAY_1990_12_31 + (weeks * 7 + rem) * MS_PER_DAY;
}
