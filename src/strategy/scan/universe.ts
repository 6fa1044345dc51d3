/**
 * Scan universes: the bundled Dow 30 (`dow30`), a folder of CSV files (one
 * symbol per file, named after the file), or a compact mock universe
 * (`mock:1500`). Each resolves to a symbol list, a DataProvider and the
 * benchmarks the risk stage compares against.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { closeOnlySeries, type BarSeries } from '../../core/bar.ts';
import { BadInputError } from '../../core/errors.ts';
import type { BarRequest, DataProvider } from '../../data/provider.ts';
import { CsvProvider } from '../../data/providers/csv.ts';
import { SampleProvider } from '../../data/providers/sample.ts';
import { sliceByTime } from '../../data/range.ts';
import { MockUniverseProvider } from './mockUniverse.ts';

/** A resolved universe. */
export interface Universe {
  /** The spec it came from (`dow30`, `mock:1500`, a directory). */
  name: string;
  symbols: string[];
  provider: DataProvider;
  /** Benchmark symbols the provider serves (the risk stage's SPY/QQQ or their stand-ins). */
  benchmarks: string[];
}

/** Options when resolving: the mock universe's date and seed. */
export interface UniverseOptions {
  /** As-of time of a mock universe (default now). */
  asOf?: number;
  seed?: number;
  /** mock:N only: weekdays with 1-minute bars (default 80; `scan train` asks for two years). */
  intradayDays?: number;
  /** Benchmarks to use instead of the universe's own. */
  benchmarks?: string[];
}

/** One CSV file per symbol in a folder, served through the data layer's CsvProvider. */
export class CsvFolderProvider implements DataProvider {
  readonly name = 'csv-folder';
  private readonly files = new Map<string, CsvProvider>();

  constructor(readonly dir: string) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      throw new BadInputError(`--universe ${dir}: not a readable directory`);
    }
    for (const f of names.sort()) {
      if (extname(f).toLowerCase() !== '.csv') continue;
      const path = join(dir, f);
      if (!statSync(path).isFile()) continue;
      this.files.set(basename(f, extname(f)).toUpperCase(), new CsvProvider({ file: path }));
    }
    if (this.files.size === 0) throw new BadInputError(`--universe ${dir}: no .csv files in the directory`);
  }

  async listSymbols(): Promise<string[]> {
    return [...this.files.keys()];
  }

  async getBars(req: BarRequest): Promise<BarSeries> {
    const p = this.files.get(req.symbol.toUpperCase());
    if (!p) throw new BadInputError(`symbol ${req.symbol} has no file in ${this.dir}`);
    return p.getBars({ ...req, symbol: req.symbol.toUpperCase() });
  }
}

/** Name of the equal-weight index served beside the bundled Dow 30 (the bundled data has no SPY/QQQ). */
export const DOW30_INDEX = 'DOW30';
/** Name of the equal-weight index of a CSV folder without SPY/QQQ files. */
export const FOLDER_INDEX = 'EW_INDEX';

/**
 * A provider plus an equal-weight index of `members` under `indexName`: the index
 * closes at 100 * exp(cumulative mean of the members' daily log returns), each
 * day averaged over the members that have both that day and the one before.
 */
export class IndexedProvider implements DataProvider {
  readonly name: string;
  private index: BarSeries | undefined;

  constructor(
    private readonly inner: DataProvider,
    private readonly members: readonly string[],
    readonly indexName: string,
  ) {
    this.name = `${inner.name}+${indexName}`;
  }

  async listSymbols(): Promise<string[]> {
    return [...this.members, this.indexName];
  }

  async getBars(req: BarRequest): Promise<BarSeries> {
    if (req.symbol.toUpperCase() !== this.indexName) return this.inner.getBars(req);
    if (req.timeframe !== '1d') throw new BadInputError(`${this.indexName} is a daily index; it has no ${req.timeframe} bars`);
    this.index ??= await this.build();
    return sliceByTime(this.index, req.start, req.end);
  }

  private async build(): Promise<BarSeries> {
    const sum = new Map<number, { r: number; k: number }>();
    for (const m of this.members) {
      const s = await this.inner.getBars({ symbol: m, timeframe: '1d' });
      for (let i = 1; i < s.close.length; i++) {
        const e = sum.get(s.time[i]!) ?? { r: 0, k: 0 };
        e.r += Math.log(s.close[i]! / s.close[i - 1]!);
        e.k++;
        sum.set(s.time[i]!, e);
      }
    }
    const times = [...sum.keys()].sort((a, b) => a - b);
    const time = Float64Array.from(times);
    const close = new Float64Array(times.length);
    let level = 100;
    times.forEach((t, i) => {
      const e = sum.get(t)!;
      level *= Math.exp(e.r / e.k);
      close[i] = level;
    });
    return closeOnlySeries(this.indexName, '1d', time, close);
  }
}

/** Resolve `dow30`, `mock:N` or a directory into a Universe. */
export async function resolveUniverse(spec: string, opts: UniverseOptions = {}): Promise<Universe> {
  const m = /^mock:(\d+)$/.exec(spec);
  if (m) {
    const size = Number(m[1]);
    if (size < 3 || size > 20000) throw new BadInputError(`--universe mock:N: N must be 3-20000, got ${size}`);
    const provider = new MockUniverseProvider({ size, asOf: opts.asOf ?? Date.now(), seed: opts.seed, intradayDays: opts.intradayDays });
    return { name: spec, symbols: [...provider.symbols], provider, benchmarks: opts.benchmarks ?? ['SPY', 'QQQ'] };
  }
  if (spec === 'dow30') {
    const sample = new SampleProvider();
    const members = sample.entries().filter((e) => e.group === 'dow30').map((e) => e.symbol);
    return { name: spec, symbols: members, provider: new IndexedProvider(sample, members, DOW30_INDEX), benchmarks: opts.benchmarks ?? [DOW30_INDEX] };
  }
  const folder = new CsvFolderProvider(spec);
  const symbols = await folder.listSymbols();
  const bench = opts.benchmarks ?? symbols.filter((s) => s === 'SPY' || s === 'QQQ');
  if (bench.length > 0) return { name: spec, symbols, provider: folder, benchmarks: bench };
  return { name: spec, symbols, provider: new IndexedProvider(folder, symbols, FOLDER_INDEX), benchmarks: [FOLDER_INDEX] };
}
