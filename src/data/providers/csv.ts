import { basename, extname } from 'node:path';
import type { BarSeries } from '../../core/bar.ts';
import { BadInputError } from '../../core/errors.ts';
import type { Timeframe } from '../../core/time.ts';
import { tableToSeries } from '../csvSeries.ts';
import { readCsvFile } from '../loadCsv.ts';
import type { BarRequest, DataProvider } from '../provider.ts';
import { sliceByTime } from '../range.ts';

/** Options of the csv provider. */
export interface CsvProviderOptions {
  /** The CSV file (OHLCV, close-only or wide multi-symbol). */
  file: string;
  /** Drop or fix bad rows instead of rejecting the file. */
  repair?: boolean;
  /** Intraday timestamps mark the bar's open or close (default close). */
  stamp?: 'open' | 'close';
  /** Bar interval of the file; inferred when absent. */
  timeframe?: Timeframe;
}

/** Any OHLCV or close-only CSV file, or a wide file with one close column per symbol. */
export class CsvProvider implements DataProvider {
  readonly name = 'csv';
  private series: Map<string, BarSeries> | undefined;
  private single = false;

  constructor(private readonly opts: CsvProviderOptions) {}

  private load(): Map<string, BarSeries> {
    if (!this.series) {
      const report = readCsvFile(this.opts.file, { repair: this.opts.repair });
      const symbol = basename(this.opts.file, extname(this.opts.file)).toUpperCase();
      const list = tableToSeries(report.table, { symbol, stamp: this.opts.stamp, timeframe: this.opts.timeframe });
      this.single = report.kind === 'ohlcv' || report.kind === 'close';
      this.series = new Map(list.map((s) => [s.symbol.toUpperCase(), s]));
    }
    return this.series;
  }

  async listSymbols(): Promise<string[]> {
    return [...this.load().values()].map((s) => s.symbol);
  }

  async getBars(req: BarRequest): Promise<BarSeries> {
    const all = this.load();
    let s = this.single ? [...all.values()][0]! : all.get(req.symbol.toUpperCase());
    if (!s) throw new BadInputError(`symbol ${req.symbol} is not a column of ${this.opts.file}; it has ${[...all.values()].map((x) => x.symbol).join(', ')}`);
    if (req.timeframe !== s.timeframe) {
      throw new BadInputError(`${this.opts.file} holds ${s.timeframe} bars, not ${req.timeframe}; resample with \`tradepilot data resample\``);
    }
    if (this.single && s.symbol !== req.symbol) s = { ...s, symbol: req.symbol };
    return sliceByTime(s, req.start, req.end);
  }
}
