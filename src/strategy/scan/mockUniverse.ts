/**
 * A compact synthetic universe for scanning at scale (`mock:1500`). The data
 * layer's MockProvider regenerates every daily series from the year 2000 (tens of
 * ms per symbol), too slow for 1,500 symbols; this provider generates a fixed
 * window of `days` weekdays per symbol ending at `asOf`, and 1-minute bars for the
 * last `intradayDays` of them as a bridge from each day's open to its close, so
 * daily and intraday bars agree. Every bar depends only on (seed, symbol, date):
 * asking for less (an earlier end) never changes a bar that is returned.
 */
import { allocSeries, type BarSeries } from '../../core/bar.ts';
import { BadInputError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { MS_PER_DAY, MS_PER_MINUTE, usSession } from '../../core/time.ts';
import { hash32, isWeekday } from '../../data/mock.ts';
import { MOCK_SYMBOLS } from '../../data/providers/mock.ts';
import type { BarRequest, DataProvider } from '../../data/provider.ts';
import { sliceByTime } from '../../data/range.ts';
import { resample } from '../../data/resample.ts';

/** Options of {@link MockUniverseProvider}. */
export interface MockUniverseOptions {
  /** Number of symbols (the benchmarks SPY and QQQ and MOCK_SYMBOLS first, then M0001...). */
  size: number;
  /** Last date of the window (epoch ms; its UTC day is used). */
  asOf: number;
  seed?: number;
  /** Daily bars per symbol (default 600 weekdays, about 2.4 years). */
  days?: number;
  /** Trailing weekdays that also have 1-minute bars (default 80). */
  intradayDays?: number;
}

/** Ticker names of a mock universe of `size` symbols. */
export function mockUniverseSymbols(size: number): string[] {
  if (!Number.isInteger(size) || size < 1) throw new BadInputError(`mock universe size must be a positive integer, got ${size}`);
  const out: string[] = [...MOCK_SYMBOLS].slice(0, size);
  for (let i = out.length; i < size; i++) out.push(`M${String(i - MOCK_SYMBOLS.length + 1).padStart(4, '0')}`);
  return out;
}

/** Per-symbol character: drift (some trend, some mean-revert), volatility, base volume, beta to the market factor. */
function character(rng: Rng, symbol: string): { drift: number; vol: number; volume: number; beta: number; price: number } {
  const isIndex = symbol === 'SPY' || symbol === 'QQQ';
  return {
    drift: (rng.next() - 0.45) * 0.0012,
    vol: isIndex ? 0.004 : 0.007 + 0.014 * rng.next(),
    volume: Math.exp(11 + 4 * rng.next()),
    beta: isIndex ? 1 : 0.4 + 1.2 * rng.next(),
    price: 10 + 300 * rng.next(),
  };
}

/** Standard normals in pairs by Box-Muller on the seeded stream (cheaper than the polar method for bulk generation). */
class Normals {
  private spare = NaN;
  constructor(private readonly rng: Rng) {}
  next(): number {
    if (this.spare === this.spare) {
      const v = this.spare;
      this.spare = NaN;
      return v;
    }
    const u = (this.rng.nextU32() + 1) / 4294967297;
    const v = this.rng.nextU32() / 4294967296;
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

/** The shared market factor's daily return on weekday `d` (same for every symbol of a seed). */
function marketReturn(seed: number, d: number): number {
  const r = new Rng(hash32('MKT', seed ^ Math.imul(d, 0x85ebca6b)));
  return 0.0003 + 0.0095 * r.normal();
}

/** The compact synthetic universe as a DataProvider (daily and intraday bars). */
export class MockUniverseProvider implements DataProvider {
  readonly name = 'mock-universe';
  readonly symbols: readonly string[];
  private readonly seed: number;
  private readonly lastDay: number;
  private readonly days: number;
  private readonly intradayDays: number;
  private readonly known: Set<string>;
  private readonly weekdays: Int32Array;
  private readonly market: Float64Array;
  private readonly recent = new Map<string, BarSeries>();
  private readonly recentMinutes = new Map<string, BarSeries>();

  constructor(opts: MockUniverseOptions) {
    this.symbols = mockUniverseSymbols(opts.size);
    this.known = new Set(this.symbols);
    this.seed = opts.seed ?? 42;
    this.days = opts.days ?? 600;
    this.intradayDays = Math.min(opts.intradayDays ?? 80, this.days);
    let d = Math.floor(opts.asOf / MS_PER_DAY);
    while (!isWeekday(d)) d--;
    this.lastDay = d;
    const wd = new Int32Array(this.days);
    for (let k = this.days - 1; k >= 0; k--) {
      wd[k] = d;
      d--;
      while (!isWeekday(d)) d--;
    }
    this.weekdays = wd;
    this.market = new Float64Array(this.days);
    for (let k = 0; k < this.days; k++) this.market[k] = marketReturn(this.seed, wd[k]!);
  }

  async listSymbols(): Promise<string[]> {
    return [...this.symbols];
  }

  /** Daily bars of the whole window (stamped at UTC midnight of the date). */
  daily(symbol: string): BarSeries {
    const sym = symbol.toUpperCase();
    const hit = this.recent.get(sym);
    if (hit) return hit;
    const s = this.generate(sym);
    // A few recent series are kept: one scan asks for the same symbol on six timeframes in a row.
    this.recent.set(sym, s);
    if (this.recent.size > 64) this.recent.delete(this.recent.keys().next().value!);
    return s;
  }

  private generate(sym: string): BarSeries {
    if (!this.known.has(sym)) throw new BadInputError(`unknown symbol ${sym} in the mock universe of ${this.symbols.length} (M0001...)`);
    const rng = new Rng(hash32(sym, this.seed));
    const ch = character(rng, sym);
    const n = this.days;
    const s = allocSeries(sym, '1d', n);
    let prev = ch.price;
    let h = ch.vol * ch.vol;
    let eps = 0;
    let regime = 0;
    const z = new Normals(rng);
    for (let k = 0; k < n; k++) {
      // Rare regime flips give some symbols runs of momentum for the scanner to find.
      if (rng.nextU32() < 85899346) regime = (rng.nextU32() % 3) - 1;
      h = ch.vol * ch.vol * 0.05 + 0.1 * eps * eps + 0.85 * h;
      const sd = Math.sqrt(h);
      eps = sd * z.next();
      const ret = ch.drift + regime * 0.002 + ch.beta * (this.market[k]! - 0.0003) + eps;
      const open = prev * Math.exp(0.2 * sd * z.next());
      const close = prev * Math.exp(ret);
      const u = rng.nextU32() / 4294967296;
      s.time[k] = this.weekdays[k]! * MS_PER_DAY;
      s.open[k] = open;
      s.close[k] = close;
      s.high[k] = Math.max(open, close) * (1 + 0.6 * sd * u);
      s.low[k] = Math.min(open, close) * (1 - 0.6 * sd * (1 - u));
      s.volume[k] = Math.round(ch.volume * Math.exp(0.35 * z.next()) * (1 + Math.abs(ret) / ch.vol));
      prev = close;
    }
    return s;
  }

  /** 1-minute bars (stamped at close, 09:31-16:00 New York) of the intraday days within [start, end]. */
  minutes(symbol: string, start: number, end: number): BarSeries {
    const sym = symbol.toUpperCase();
    let full = this.recentMinutes.get(sym);
    if (!full) {
      // The whole intraday window once per symbol: a scan asks for five intraday timeframes in a row.
      full = this.generateMinutes(sym);
      this.recentMinutes.set(sym, full);
      if (this.recentMinutes.size > 8) this.recentMinutes.delete(this.recentMinutes.keys().next().value!);
    }
    return sliceByTime(full, start, end);
  }

  private generateMinutes(symbol: string): BarSeries {
    const d = this.daily(symbol);
    const ks: number[] = [];
    for (let k = this.days - this.intradayDays; k < this.days; k++) ks.push(k);
    const s = allocSeries(d.symbol, '1m', ks.length * 390);
    let i = 0;
    const steps = new Float64Array(390);
    for (const k of ks) {
      const day = this.weekdays[k]!;
      const rng = new Rng(hash32(d.symbol, this.seed ^ Math.imul(day, 0x9e3779b1)));
      const date = new Date(day * MS_PER_DAY);
      const { open: sessionOpen } = usSession(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
      const o = d.open[k]!;
      const c = d.close[k]!;
      const sd = Math.max(1e-4, Math.log(d.high[k]! / d.low[k]!)) / 12;
      let sum = 0;
      const z = new Normals(rng);
      for (let m = 0; m < 390; m++) {
        const shape = 0.7 + 3.2 * (m / 390 - 0.5) ** 2;
        steps[m] = sd * shape * z.next();
        sum += steps[m]!;
      }
      // Bridge: spread the gap between the walk's end and the day's close evenly, so minutes end at the daily close.
      const fix = (Math.log(c / o) - sum) / 390;
      let price = o;
      const volBase = d.volume[k]! / 390;
      for (let m = 0; m < 390; m++) {
        const r = steps[m]! + fix;
        const next = price * Math.exp(r);
        const u = rng.nextU32() / 4294967296;
        s.time[i] = sessionOpen + (m + 1) * MS_PER_MINUTE;
        s.open[i] = price;
        s.close[i] = next;
        s.high[i] = Math.max(price, next) * (1 + 0.5 * sd * u);
        s.low[i] = Math.min(price, next) * (1 - 0.5 * sd * (1 - u));
        s.volume[i] = Math.round(volBase * (0.5 + 2 * Math.abs(r) / sd / 3) * (0.7 + 0.6 * u));
        price = next;
        i++;
      }
    }
    return s;
  }

  async getBars(req: BarRequest): Promise<BarSeries> {
    const end = Math.min(req.end ?? Infinity, this.lastDay * MS_PER_DAY + MS_PER_DAY - 1);
    if (req.timeframe === '1d') {
      // A daily bar is stamped at its date but complete only at that day's 16:00 close: before then, stop the day before.
      const day = new Date(end);
      const close = usSession(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()).close;
      const last = end >= close ? end : Math.floor(end / MS_PER_DAY) * MS_PER_DAY - 1;
      return sliceByTime(this.daily(req.symbol), req.start, last);
    }
    const start = req.start ?? end - 7 * MS_PER_DAY;
    const m = this.minutes(req.symbol, start, end);
    return req.timeframe === '1m' ? m : resample(m, req.timeframe, { now: end });
  }
}
