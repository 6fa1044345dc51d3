import { z } from 'zod';
import type { BarSeries } from '../../core/bar.ts';
import { ErrorCode, TradepilotError } from '../../core/errors.ts';
import type { Timeframe } from '../../core/time.ts';
import { OFFLINE_HINT, type BarSource } from '../../data/remote.ts';
import { toSeries, type RawBars } from './bars.ts';
import { getJson, type FetchFn } from './http.ts';

/** Schwab Trader API market-data host. */
export const SCHWAB_BASE_URL = 'https://api.schwabapi.com';

const CandleSchema = z.object({
  open: z.number().nullish(),
  high: z.number().nullish(),
  low: z.number().nullish(),
  close: z.number().nullish(),
  volume: z.number().nullish(),
  datetime: z.number(),
});
const PriceHistorySchema = z.object({ candles: z.array(CandleSchema), symbol: z.string().optional(), empty: z.boolean().optional() });

/** periodType / frequencyType / frequency of /marketdata/v1/pricehistory per timeframe. */
const PARAMS: Partial<Record<Timeframe, [string, string, number]>> = {
  '1m': ['day', 'minute', 1],
  '5m': ['day', 'minute', 5],
  '30m': ['day', 'minute', 30],
  '1d': ['year', 'daily', 1],
};

/** Options of the Schwab adapter. */
export interface SchwabOptions {
  /** OAuth access token (SCHWAB_ACCESS_TOKEN); obtaining and refreshing it is outside tradepilot. */
  accessToken: string | undefined;
  baseUrl?: string;
  fetch?: FetchFn;
}

/** Schwab Trader API price history (`GET /marketdata/v1/pricehistory`) with an OAuth bearer token. */
export function createSchwabSource(opts: SchwabOptions): BarSource {
  const base = (opts.baseUrl ?? SCHWAB_BASE_URL).replace(/\/$/, '');
  const fetchFn = opts.fetch ?? fetch;
  return {
    name: 'schwab',
    native: ['1m', '5m', '30m', '1d'],
    async fetchBars({ symbol, timeframe, start, end }): Promise<BarSeries> {
      if (!opts.accessToken) throw new TradepilotError(ErrorCode.UNAUTHORIZED, `schwab: SCHWAB_ACCESS_TOKEN is not set; ${OFFLINE_HINT}`);
      const [periodType, frequencyType, frequency] = PARAMS[timeframe]!;
      const q = new URLSearchParams({
        symbol: symbol.toUpperCase(),
        periodType,
        frequencyType,
        frequency: String(frequency),
        startDate: String(Math.floor(start)),
        endDate: String(Math.floor(end)),
        needExtendedHoursData: 'false',
        needPreviousClose: 'false',
      });
      const body = await getJson('schwab', fetchFn, `${base}/marketdata/v1/pricehistory?${q}`, { authorization: `Bearer ${opts.accessToken}` });
      const parsed = PriceHistorySchema.safeParse(body);
      if (!parsed.success) throw new TradepilotError(ErrorCode.NETWORK, `schwab: unexpected response: ${parsed.error.issues[0]?.message}`);
      const raw: RawBars = { start: [], open: [], high: [], low: [], close: [], volume: [] };
      for (const c of parsed.data.candles) {
        raw.start.push(c.datetime);
        raw.open.push(c.open);
        raw.high.push(c.high);
        raw.low.push(c.low);
        raw.close.push(c.close);
        raw.volume.push(c.volume);
      }
      return toSeries(`schwab ${symbol}`, symbol.toUpperCase(), timeframe, raw);
    },
  };
}
