/** Shared HTTP helper for the option-chain adapters: JSON GET with auth, clear errors by status. */
import { ErrorCode, TradepilotError } from '../../core/errors.ts';

/** A fetch-compatible function (injectable for tests). */
export type FetchFn = (input: string, init?: { headers?: Record<string, string>; signal?: AbortSignal }) => Promise<Response>;

/** GET `url` and parse JSON; maps 401/403, 429 and other failures to TradepilotError codes. */
export async function getJson(source: string, url: string, headers: Record<string, string>, fetchFn: FetchFn, timeoutMs = 15_000): Promise<unknown> {
  let res: Response;
  try {
    res = await fetchFn(url, { headers: { Accept: 'application/json', ...headers }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new TradepilotError(ErrorCode.NETWORK, `${source}: request failed (${err instanceof Error ? err.message : String(err)})`, undefined, { cause: err });
  }
  if (res.status === 401 || res.status === 403) throw new TradepilotError(ErrorCode.UNAUTHORIZED, `${source}: HTTP ${res.status}, check the API key`);
  if (res.status === 429) throw new TradepilotError(ErrorCode.RATE_LIMITED, `${source}: HTTP 429, rate limited`);
  if (!res.ok) throw new TradepilotError(ErrorCode.DATA_UNAVAILABLE, `${source}: HTTP ${res.status} for ${redact(url)}`);
  try {
    return await res.json();
  } catch (err) {
    throw new TradepilotError(ErrorCode.DATA_UNAVAILABLE, `${source}: response is not JSON`, undefined, { cause: err });
  }
}

/** Drop api keys from a URL before it goes into a message. */
export function redact(url: string): string {
  return url.replace(/(apiKey|apikey|token)=[^&]+/g, '$1=***');
}
