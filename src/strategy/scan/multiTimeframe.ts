/**
 * Stage 2: bars on the six scan timeframes for each candidate, from the data
 * layer: requests go out in batches, each through a token-bucket rate limiter,
 * and answers are cached (keyed by symbol, timeframe and signal time) for a TTL.
 * A timeframe the provider cannot serve (daily-only sample data has no minutes)
 * is recorded as missing; only a missing daily series fails the symbol.
 */
import type { BarSeries } from '../../core/bar.ts';
import { systemClock, MS_PER_DAY, type Clock, type Timeframe } from '../../core/time.ts';
import type { DataProvider } from '../../data/provider.ts';
import { RateLimiter } from '../../data/rateLimiter.ts';
import type { Sleep } from '../../data/retry.ts';

/** The scan's timeframes, finest first. */
export const SCAN_TIMEFRAMES: readonly Timeframe[] = ['1m', '5m', '30m', '1h', '6h', '1d'];

/** Calendar days of history asked per timeframe: ~100 bars each, and 400+ daily bars so 252-bar features are warm. */
export const LOOKBACK_DAYS: Readonly<Record<Timeframe, number>> = { '1m': 4, '5m': 6, '30m': 24, '1h': 36, '6h': 84, '1d': 620 };

/** Bars of one symbol as of a signal time. */
export interface Frames {
  symbol: string;
  asOf: number;
  frames: Map<Timeframe, BarSeries>;
  missing: { timeframe: Timeframe; reason: string }[];
}

/** Options of the loader. */
export interface LoaderOptions {
  timeframes?: readonly Timeframe[];
  /** Requests per minute (default: none for local providers; pass the vendor's limit for remote ones). */
  ratePerMinute?: number;
  /** Symbols fetched concurrently per batch (default 8). */
  batchSize?: number;
  /** Cache lifetime in ms (default 5 minutes) and size in series (default 2,000). */
  ttlMs?: number;
  maxEntries?: number;
  clock?: Clock;
  /** How the limiter waits (tests pass one that advances a simulated clock). */
  sleep?: Sleep;
}

/** Loads, rate-limits and caches multi-timeframe bars. */
export class MultiTimeframeLoader {
  readonly timeframes: readonly Timeframe[];
  private readonly limiter: RateLimiter | undefined;
  private readonly cache = new Map<string, { at: number; bars: Promise<BarSeries> }>();
  private readonly ttl: number;
  private readonly max: number;
  private readonly clock: Clock;
  private readonly batch: number;
  /** Provider requests made (cache misses), for tests and logs. */
  requests = 0;

  constructor(
    private readonly provider: DataProvider,
    o: LoaderOptions = {},
  ) {
    this.timeframes = o.timeframes ?? SCAN_TIMEFRAMES;
    this.clock = o.clock ?? systemClock;
    this.limiter = o.ratePerMinute ? new RateLimiter({ limit: o.ratePerMinute, perMs: 60_000, burst: Math.min(5, o.ratePerMinute), clock: this.clock, sleep: o.sleep }) : undefined;
    this.ttl = o.ttlMs ?? 5 * 60_000;
    this.max = o.maxEntries ?? 2000;
    this.batch = Math.max(1, o.batchSize ?? 8);
  }

  /** One series through the cache and the limiter. */
  bars(symbol: string, timeframe: Timeframe, asOf: number): Promise<BarSeries> {
    const key = `${symbol}|${timeframe}|${asOf}`;
    const now = this.clock.now();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < this.ttl) return hit.bars;
    const bars = (async () => {
      await this.limiter?.take();
      this.requests++;
      return this.provider.getBars({ symbol, timeframe, start: asOf - LOOKBACK_DAYS[timeframe] * MS_PER_DAY, end: asOf });
    })();
    // A failed request is not cached: the next scan asks again.
    bars.catch(() => this.cache.delete(key));
    this.cache.delete(key);
    this.cache.set(key, { at: now, bars });
    while (this.cache.size > this.max) this.cache.delete(this.cache.keys().next().value!);
    return bars;
  }

  /** Every timeframe of one symbol; throws only when the daily bars fail. */
  async load(symbol: string, asOf: number): Promise<Frames> {
    const frames = new Map<Timeframe, BarSeries>();
    const missing: Frames['missing'] = [];
    const got = await Promise.allSettled(this.timeframes.map((tf) => this.bars(symbol, tf, asOf)));
    got.forEach((g, k) => {
      const tf = this.timeframes[k]!;
      if (g.status === 'fulfilled' && g.value.close.length > 0) frames.set(tf, g.value);
      else if (tf === '1d') throw g.status === 'rejected' ? g.reason : new Error(`${symbol}: no daily bars up to ${new Date(asOf).toISOString()}`);
      else missing.push({ timeframe: tf, reason: g.status === 'rejected' ? (g.reason instanceof Error ? g.reason.message : String(g.reason)) : 'no bars' });
    });
    return { symbol, asOf, frames, missing };
  }

  /** Many symbols, `batchSize` at a time; each result is the frames or the error that symbol hit. */
  async loadMany(symbols: readonly string[], asOf: number): Promise<Map<string, Frames | Error>> {
    const out = new Map<string, Frames | Error>();
    for (let i = 0; i < symbols.length; i += this.batch) {
      const part = symbols.slice(i, i + this.batch);
      const res = await Promise.allSettled(part.map((s) => this.load(s, asOf)));
      res.forEach((r, k) => out.set(part[k]!, r.status === 'fulfilled' ? r.value : r.reason instanceof Error ? r.reason : new Error(String(r.reason))));
    }
    return out;
  }

  /** Drop every cached series. */
  clear(): void {
    this.cache.clear();
  }
}
