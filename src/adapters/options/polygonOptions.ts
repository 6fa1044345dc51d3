/**
 * Polygon.io option chain snapshot (GET /v3/snapshot/options/{underlying}), following next_url
 * pagination. The response is validated with zod at this edge.
 */
import { z } from 'zod';
import { ErrorCode, TradepilotError } from '../../core/errors.ts';
import type { OptionChain, OptionQuote } from '../../options/chain.ts';
import { getJson, type FetchFn } from './http.ts';

const num = z.number().finite();
const PolygonContract = z.object({
  details: z.object({
    contract_type: z.enum(['call', 'put']),
    expiration_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    strike_price: num,
    ticker: z.string(),
  }),
  greeks: z.object({ delta: num.optional(), gamma: num.optional(), theta: num.optional(), vega: num.optional() }).partial().optional(),
  implied_volatility: num.optional(),
  last_quote: z.object({ bid: num.optional(), ask: num.optional() }).partial().optional(),
  last_trade: z.object({ price: num.optional() }).partial().optional(),
  day: z.object({ volume: num.optional(), close: num.optional() }).partial().optional(),
  open_interest: num.optional(),
  underlying_asset: z.object({ price: num.optional(), ticker: z.string().optional() }).partial().optional(),
});
const PolygonSnapshot = z.object({
  status: z.string(),
  results: z.array(PolygonContract).default([]),
  next_url: z.string().optional(),
});

/** Options for the Polygon adapter. */
export interface PolygonOptionsConfig {
  apiKey: string;
  baseUrl?: string;
  fetch?: FetchFn;
  /** Safety limit on pagination. */
  maxPages?: number;
}

/** Filters passed through to Polygon's query string. */
export interface PolygonChainQuery {
  expirationDate?: string;
  contractType?: 'call' | 'put';
  strikeGte?: number;
  strikeLte?: number;
}

/** Fetch the chain snapshot for `underlying`. */
export async function polygonOptionChain(underlying: string, cfg: PolygonOptionsConfig, q: PolygonChainQuery = {}): Promise<OptionChain> {
  const base = (cfg.baseUrl ?? 'https://api.polygon.io').replace(/\/$/, '');
  const fetchFn = cfg.fetch ?? (fetch as FetchFn);
  const params = new URLSearchParams({ limit: '250' });
  if (q.expirationDate) params.set('expiration_date', q.expirationDate);
  if (q.contractType) params.set('contract_type', q.contractType);
  if (q.strikeGte !== undefined) params.set('strike_price.gte', String(q.strikeGte));
  if (q.strikeLte !== undefined) params.set('strike_price.lte', String(q.strikeLte));
  let url: string | undefined = `${base}/v3/snapshot/options/${encodeURIComponent(underlying)}?${params}`;
  const quotes: OptionQuote[] = [];
  let spot: number | undefined;
  for (let page = 0; url && page < (cfg.maxPages ?? 50); page++) {
    const raw = await getJson('polygon', url, { Authorization: `Bearer ${cfg.apiKey}` }, fetchFn);
    const parsed = PolygonSnapshot.safeParse(raw);
    if (!parsed.success) throw new TradepilotError(ErrorCode.DATA_UNAVAILABLE, `polygon: unexpected snapshot format: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    for (const r of parsed.data.results) {
      spot ??= r.underlying_asset?.price;
      quotes.push({
        symbol: r.details.ticker.replace(/^O:/, ''),
        underlying,
        type: r.details.contract_type,
        strike: r.details.strike_price,
        expiry: r.details.expiration_date,
        bid: r.last_quote?.bid ?? 0,
        ask: r.last_quote?.ask ?? 0,
        last: r.last_trade?.price ?? r.day?.close,
        iv: r.implied_volatility,
        delta: r.greeks?.delta,
        gamma: r.greeks?.gamma,
        theta: r.greeks?.theta,
        vega: r.greeks?.vega,
        volume: r.day?.volume,
        openInterest: r.open_interest,
      });
    }
    url = parsed.data.next_url;
  }
  return { underlying, spot, source: 'polygon', quotes };
}
