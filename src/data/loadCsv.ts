import { readFileSync, statSync } from 'node:fs';
import type { BarSeries } from '../core/bar.ts';
import { BadInputError } from '../core/errors.ts';
import { parseCsv } from './csv.ts';
import { tableToSeries, type TableSeriesOptions } from './csvSeries.ts';
import { assertValid, validateCsv, type ValidationReport } from './validate.ts';

/** Options of {@link readCsvFile}. */
export interface ReadCsvOptions {
  repair?: boolean;
  maxIssues?: number;
  /** Name in messages; default the path as given. */
  source?: string;
}

/** Read, parse and validate a CSV file. Throws BadInputError when unreadable, DataError when invalid (unless repaired). */
export function readCsvFile(path: string, opts: ReadCsvOptions = {}): ValidationReport {
  let bytes: Buffer;
  try {
    if (statSync(path).isDirectory()) throw new BadInputError(`${path} is a directory, not a CSV file`);
    bytes = readFileSync(path);
  } catch (err) {
    if (err instanceof BadInputError) throw err;
    throw new BadInputError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { path });
  }
  const report = validateCsv(parseCsv(bytes, { source: opts.source ?? path, maxIssues: opts.maxIssues }), { repair: opts.repair, maxIssues: opts.maxIssues });
  assertValid(report);
  return report;
}

/** Read a CSV file into validated bar series (one per symbol for a wide file). */
export function loadCsvSeries(path: string, opts: ReadCsvOptions & TableSeriesOptions = {}): BarSeries[] {
  return tableToSeries(readCsvFile(path, opts).table, opts);
}
