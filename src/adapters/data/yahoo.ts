import YahooFinance from 'yahoo-finance2';
import type { BarSeries } from '../../core/bar.ts';
import { ErrorCode, TradepilotError, isTradepilotError } from '../../core/errors.ts';
import type { Timeframe } from '../../core/time.ts';
import type { BarSource } from '../../data/remote.ts';
import { toSeries, type RawBars } from './bars.ts';
import { httpError, networkError, rebasedFetch, type FetchFn } from './http.ts';

/** Options of the Yahoo adapter. */
export interface YahooOptions {
  /** Send every request here instead of Yahoo's hosts (tests, proxies). */
  baseUrl?: string;
  fetch?: FetchFn;
}

const INTERVALS: Partial<Record<Timeframe, '1m' | '5m' | '30m' | '1d'>> = { '1m': '1m', '5m': '5m', '30m': '30m', '1d': '1d' };

const silent = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {}, dir: () => {} };

/** Yahoo Finance chart API through yahoo-finance2 3.x, with its fetch injected (and rebased when `baseUrl` is set). */
export function createYahooSource(opts: YahooOptions = {}): BarSource {
  const yf = new YahooFinance({ suppressNotices: ['yahooSurvey'], logger: silent, validation: { logErrors: false } });
  // yahoo-finance2 3.x reads its fetch from `_env`; injecting it is how tests reach a local server.
  (yf as unknown as { _env: { fetch: FetchFn } })._env.fetch = rebasedFetch(opts.fetch ?? fetch, opts.baseUrl);
  return {
    name: 'yahoo',
    native: ['1m', '5m', '30m', '1d'],
    async fetchBars({ symbol, timeframe, start, end }): Promise<BarSeries> {
      let result: { quotes: { date: Date; open: number | null; high: number | null; low: number | null; close: number | null; volume: number | null }[] };
      try {
        result = await yf.chart(symbol, { period1: new Date(start), period2: new Date(end), interval: INTERVALS[timeframe]!, includePrePost: false, return: 'array' });
      } catch (err) {
        throw mapYahooError(err, start);
      }
      const raw: RawBars = { start: [], open: [], high: [], low: [], close: [], volume: [] };
      for (const q of result.quotes) {
        raw.start.push(q.date.getTime());
        raw.open.push(q.open);
        raw.high.push(q.high);
        raw.low.push(q.low);
        raw.close.push(q.close);
        raw.volume.push(q.volume);
      }
      return toSeries(`yahoo ${symbol}`, symbol.toUpperCase(), timeframe, raw);
    },
  };
}

function mapYahooError(err: unknown, _start: number): TradepilotError {
  if (isTradepilotError(err)) return err;
  const e = err as { name?: string; code?: unknown; message?: string; cause?: unknown };
  if (typeof e.code === 'number') return httpError('yahoo', e.code, e.message ?? '', null);
  if (e.name === 'TypeError' || e.cause !== undefined) return networkError('yahoo', 'https://query2.finance.yahoo.com', err);
  return new TradepilotError(ErrorCode.BAD_INPUT, `yahoo: ${e.message ?? String(err)}`, { provider: 'yahoo' }, { cause: err });
}
