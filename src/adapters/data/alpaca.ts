import { Alpaca } from '@alpacahq/alpaca-trade-api';
import type { BarSeries } from '../../core/bar.ts';
import { ErrorCode, TradepilotError, isTradepilotError } from '../../core/errors.ts';
import type { Timeframe } from '../../core/time.ts';
import { OFFLINE_HINT, type BarSource } from '../../data/remote.ts';
import { toSeries, type RawBars } from './bars.ts';
import { httpError, networkError, rebasedFetch, type FetchFn } from './http.ts';

/** Options of the Alpaca market-data adapter. */
export interface AlpacaDataOptions {
  keyId: string | undefined;
  secret: string | undefined;
  /** Market-data host override (default data.alpaca.markets). */
  baseUrl?: string;
  /** `iex` (free) or `sip` (paid). Default iex. */
  feed?: 'iex' | 'sip';
  fetch?: FetchFn;
}

const TIMEFRAMES: Partial<Record<Timeframe, string>> = { '1m': '1Min', '5m': '5Min', '30m': '30Min', '1d': '1Day' };

/** Alpaca Market Data v2 stock bars through the official SDK (retry and rate limits are ours, so the SDK's are off). */
export function createAlpacaSource(opts: AlpacaDataOptions): BarSource {
  let client: Alpaca | undefined;
  const get = (): Alpaca => {
    if (!opts.keyId || !opts.secret) throw new TradepilotError(ErrorCode.UNAUTHORIZED, `alpaca: ALPACA_API_KEY and ALPACA_SECRET_KEY are not set; ${OFFLINE_HINT}`);
    client ??= new Alpaca({
      keyId: opts.keyId,
      secret: opts.secret,
      retry: false,
      rateLimit: false,
      fetchApi: rebasedFetch(opts.fetch ?? fetch, opts.baseUrl) as (url: string, init: RequestInit) => Promise<Response>,
    });
    return client;
  };
  return {
    name: 'alpaca',
    native: ['1m', '5m', '30m', '1d'],
    async fetchBars({ symbol, timeframe, start, end }): Promise<BarSeries> {
      const alpaca = get();
      let bars: { timestamp: Date; open: number; high: number; low: number; close: number; volume: number }[];
      try {
        bars = await alpaca.marketData.getStockBarsFor(symbol.toUpperCase(), {
          timeframe: TIMEFRAMES[timeframe]! as never,
          start: new Date(start),
          end: new Date(end),
          feed: (opts.feed ?? 'iex') as never,
          adjustment: 'raw',
          limit: 10000,
        });
      } catch (err) {
        throw mapAlpacaError(err);
      }
      const raw: RawBars = { start: [], open: [], high: [], low: [], close: [], volume: [] };
      for (const b of bars) {
        raw.start.push(b.timestamp.getTime());
        raw.open.push(b.open);
        raw.high.push(b.high);
        raw.low.push(b.low);
        raw.close.push(b.close);
        raw.volume.push(b.volume);
      }
      return toSeries(`alpaca ${symbol}`, symbol.toUpperCase(), timeframe, raw);
    },
  };
}

function mapAlpacaError(err: unknown): TradepilotError {
  if (isTradepilotError(err)) return err;
  const e = err as { status?: unknown; message?: string; retryAfterMs?: number; cause?: unknown };
  if (typeof e.status === 'number') {
    const t = httpError('alpaca', e.status, e.message ?? '', e.retryAfterMs !== undefined ? String(e.retryAfterMs / 1000) : null);
    return t;
  }
  return networkError('alpaca', 'https://data.alpaca.markets', err);
}
