import { z } from 'zod';
import type { BarSeries } from '../../core/bar.ts';
import { ErrorCode, TradepilotError } from '../../core/errors.ts';
import type { Timeframe } from '../../core/time.ts';
import { OFFLINE_HINT, type BarSource } from '../../data/remote.ts';
import { toSeries, type RawBars } from './bars.ts';
import { getJson, type FetchFn } from './http.ts';

/** Polygon.io REST host. */
export const POLYGON_BASE_URL = 'https://api.polygon.io';

/** One aggregate of /v2/aggs (the fields we use; Polygon sends more). */
const AggSchema = z.object({ t: z.number(), o: z.number().nullish(), h: z.number().nullish(), l: z.number().nullish(), c: z.number().nullish(), v: z.number().nullish() });
const AggsResponseSchema = z.object({
  status: z.string(),
  results: z.array(AggSchema).optional(),
  next_url: z.string().optional(),
  error: z.string().optional(),
});

const SPANS: Partial<Record<Timeframe, [number, string]>> = { '1m': [1, 'minute'], '5m': [5, 'minute'], '30m': [30, 'minute'], '1d': [1, 'day'] };

/** Options of the Polygon adapter. */
export interface PolygonOptions {
  apiKey: string | undefined;
  baseUrl?: string;
  fetch?: FetchFn;
}

/** Polygon REST aggregates v2 (`/v2/aggs/ticker/{T}/range/{n}/{span}/{from}/{to}`), following `next_url` pages. */
export function createPolygonSource(opts: PolygonOptions): BarSource {
  const base = (opts.baseUrl ?? POLYGON_BASE_URL).replace(/\/$/, '');
  const fetchFn = opts.fetch ?? fetch;
  return {
    name: 'polygon',
    native: ['1m', '5m', '30m', '1d'],
    async fetchBars({ symbol, timeframe, start, end }): Promise<BarSeries> {
      if (!opts.apiKey) throw new TradepilotError(ErrorCode.UNAUTHORIZED, `polygon: POLYGON_API_KEY is not set; ${OFFLINE_HINT}`);
      const [mult, span] = SPANS[timeframe]!;
      const raw: RawBars = { start: [], open: [], high: [], low: [], close: [], volume: [] };
      let url: string | undefined = `${base}/v2/aggs/ticker/${encodeURIComponent(symbol.toUpperCase())}/range/${mult}/${span}/${Math.floor(start)}/${Math.floor(end)}?adjusted=true&sort=asc&limit=50000`;
      for (let page = 0; url && page < 1000; page++) {
        const parsed = AggsResponseSchema.safeParse(await getJson('polygon', fetchFn, url, { authorization: `Bearer ${opts.apiKey}` }));
        if (!parsed.success) throw new TradepilotError(ErrorCode.NETWORK, `polygon: unexpected response: ${parsed.error.issues[0]?.message}`);
        if (parsed.data.status === 'ERROR') throw new TradepilotError(ErrorCode.BAD_INPUT, `polygon: ${parsed.data.error ?? 'request failed'}`);
        for (const a of parsed.data.results ?? []) {
          raw.start.push(a.t);
          raw.open.push(a.o);
          raw.high.push(a.h);
          raw.low.push(a.l);
          raw.close.push(a.c);
          raw.volume.push(a.v);
        }
        // next_url points at Polygon's host; keep our base (tests, proxies) and the path/query it gives.
        url = parsed.data.next_url ? `${base}${new URL(parsed.data.next_url).pathname}${new URL(parsed.data.next_url).search}` : undefined;
      }
      return toSeries(`polygon ${symbol}`, symbol.toUpperCase(), timeframe, raw);
    },
  };
}
