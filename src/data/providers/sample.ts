import { join } from 'node:path';
import type { BarSeries } from '../../core/bar.ts';
import { BadInputError } from '../../core/errors.ts';
import { parseCsv } from '../csv.ts';
import { tableToSeries } from '../csvSeries.ts';
import { readCsvFile } from '../loadCsv.ts';
import type { BarRequest, DataProvider } from '../provider.ts';
import { sliceByTime } from '../range.ts';
import { eustockDayToTime, loadUniverse, SAMPLE_DIR, SAMPLE_FILES, type UniverseEntry } from '../universe.ts';
import { readFileSync } from 'node:fs';

/** The bundled real data (TTR's ttrc, the 30 Dow stocks, four European indices): daily bars, offline, the default. */
export class SampleProvider implements DataProvider {
  readonly name = 'sample';
  private readonly dir: string;
  private universe: UniverseEntry[] | undefined;
  private readonly files = new Map<string, Map<string, BarSeries>>();

  constructor(opts: { dir?: string } = {}) {
    this.dir = opts.dir ?? SAMPLE_DIR;
  }

  /** Every bundled symbol with its file and group. */
  entries(): UniverseEntry[] {
    this.universe ??= loadUniverse(this.dir);
    return this.universe;
  }

  async listSymbols(): Promise<string[]> {
    return this.entries().map((e) => e.symbol);
  }

  async getBars(req: BarRequest): Promise<BarSeries> {
    const want = req.symbol.toUpperCase();
    const entry = this.entries().find((e) => e.symbol.toUpperCase() === want);
    if (!entry) {
      throw new BadInputError(`unknown symbol ${req.symbol} in the bundled sample data; available: ${this.entries().map((e) => e.symbol).join(', ')}`);
    }
    if (req.timeframe !== '1d') {
      throw new BadInputError(`the bundled sample data is daily; ask for --timeframe 1d, or use --provider mock for ${req.timeframe} bars`);
    }
    const series = this.fileSeries(entry.file).get(entry.symbol)!;
    return sliceByTime(series, req.start, req.end);
  }

  private fileSeries(file: string): Map<string, BarSeries> {
    let m = this.files.get(file);
    if (!m) {
      const isEu = file.endsWith(SAMPLE_FILES.eu);
      const table = readCsvFile(file).table;
      const list = tableToSeries(table, { timeframe: '1d', symbol: 'TTRC', indexToTime: isEu ? eustockDayToTime : undefined });
      m = new Map(list.map((s) => [s.symbol, s]));
      this.files.set(file, m);
    }
    return m;
  }
}

/** DEM/GBP daily percent returns (R fGarch `dem2gbp`, 1974 values): the GARCH benchmark series. */
export function loadSampleReturns(dir: string = SAMPLE_DIR): Float64Array {
  const path = join(dir, SAMPLE_FILES.dem2gbp);
  const t = parseCsv(readFileSync(path), { source: path });
  if (t.issueCount > 0) throw new BadInputError(`${path}: ${t.issues[0]!.reason}`);
  return Float64Array.from(t.values[0]!);
}
