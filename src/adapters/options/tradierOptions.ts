/**
 * Tradier option chains (GET /v1/markets/options/chains) and expirations
 * (GET /v1/markets/options/expirations). Tradier returns a bare object instead of a one-element
 * array and null for an empty list; both are normalised here.
 */
import { z } from 'zod';
import { ErrorCode, TradepilotError } from '../../core/errors.ts';
import type { OptionChain, OptionQuote } from '../../options/chain.ts';
import { getJson, type FetchFn } from './http.ts';

const num = z.number().finite();
const oneOrMany = <T extends z.ZodTypeAny>(t: T) => z.union([z.array(t), t]).transform((v) => (Array.isArray(v) ? v : [v]) as z.infer<T>[]);
const TradierOption = z.object({
  symbol: z.string(),
  underlying: z.string(),
  strike: num,
  option_type: z.enum(['call', 'put']),
  expiration_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  bid: num.nullable().optional(),
  ask: num.nullable().optional(),
  last: num.nullable().optional(),
  volume: num.nullable().optional(),
  open_interest: num.nullable().optional(),
  greeks: z
    .object({ delta: num.nullable().optional(), gamma: num.nullable().optional(), theta: num.nullable().optional(), vega: num.nullable().optional(), mid_iv: num.nullable().optional() })
    .nullable()
    .optional(),
});
const TradierChain = z.object({ options: z.object({ option: oneOrMany(TradierOption) }).nullable() });
const TradierExpirations = z.object({ expirations: z.object({ date: oneOrMany(z.string()) }).nullable() });

/** Options for the Tradier adapter. */
export interface TradierOptionsConfig {
  token: string;
  /** https://api.tradier.com (live) or https://sandbox.tradier.com. */
  baseUrl?: string;
  fetch?: FetchFn;
}

function base(cfg: TradierOptionsConfig): string {
  return (cfg.baseUrl ?? 'https://api.tradier.com').replace(/\/$/, '');
}

function fail(what: string, err: z.ZodError): never {
  const i = err.issues[0];
  throw new TradepilotError(ErrorCode.DATA_UNAVAILABLE, `tradier: unexpected ${what} format: ${i?.path.join('.')}: ${i?.message}`);
}

/** Listed expirations for `symbol` ('YYYY-MM-DD', ascending). */
export async function tradierExpirations(symbol: string, cfg: TradierOptionsConfig): Promise<string[]> {
  const url = `${base(cfg)}/v1/markets/options/expirations?${new URLSearchParams({ symbol, includeAllRoots: 'true' })}`;
  const raw = await getJson('tradier', url, { Authorization: `Bearer ${cfg.token}` }, cfg.fetch ?? (fetch as FetchFn));
  const p = TradierExpirations.safeParse(raw);
  if (!p.success) fail('expirations', p.error);
  return p.data.expirations ? [...p.data.expirations.date].sort() : [];
}

/** The chain of one expiration, with greeks (Tradier's ORATS greeks; iv = mid_iv). */
export async function tradierOptionChain(symbol: string, expiration: string, cfg: TradierOptionsConfig): Promise<OptionChain> {
  const url = `${base(cfg)}/v1/markets/options/chains?${new URLSearchParams({ symbol, expiration, greeks: 'true' })}`;
  const raw = await getJson('tradier', url, { Authorization: `Bearer ${cfg.token}` }, cfg.fetch ?? (fetch as FetchFn));
  const p = TradierChain.safeParse(raw);
  if (!p.success) fail('chain', p.error);
  const quotes: OptionQuote[] = (p.data.options?.option ?? []).map((o) => ({
    symbol: o.symbol,
    underlying: o.underlying,
    type: o.option_type,
    strike: o.strike,
    expiry: o.expiration_date,
    bid: o.bid ?? 0,
    ask: o.ask ?? 0,
    last: o.last ?? undefined,
    iv: o.greeks?.mid_iv ?? undefined,
    delta: o.greeks?.delta ?? undefined,
    gamma: o.greeks?.gamma ?? undefined,
    theta: o.greeks?.theta ?? undefined,
    vega: o.greeks?.vega ?? undefined,
    volume: o.volume ?? undefined,
    openInterest: o.open_interest ?? undefined,
  }));
  return { underlying: symbol, source: 'tradier', quotes };
}
