import { ErrorCode, TradepilotError } from '../../core/errors.ts';

/** A fetch function (the global one, or a test's). */
export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

/** Point a request at `baseUrl` instead of the provider's real host (tests, proxies); identity when absent. */
export function rebase(url: string, baseUrl: string | undefined): string {
  if (!baseUrl) return url;
  const u = new URL(url);
  const b = new URL(baseUrl);
  return `${b.origin}${b.pathname.replace(/\/$/, '')}${u.pathname}${u.search}`;
}

/** A fetch that sends every request to `baseUrl`'s origin (keeping path and query). */
export function rebasedFetch(fetchFn: FetchFn, baseUrl: string | undefined): FetchFn {
  return (input, init) => fetchFn(rebase(typeof input === 'string' ? input : String(input), baseUrl), init);
}

/** Map a transport failure to a transient NETWORK error naming the provider and host. */
export function networkError(provider: string, url: string, err: unknown): TradepilotError {
  const cause = err as { cause?: { code?: string }; code?: string; message?: string };
  const why = cause.cause?.code ?? cause.code ?? cause.message ?? String(err);
  return new TradepilotError(ErrorCode.NETWORK, `cannot reach ${new URL(url).host} (${why})`, { provider }, { cause: err });
}

/** Map an HTTP status to our error codes: 429 and 5xx are transient, 401/403 are auth failures, others bad requests. */
export function httpError(provider: string, status: number, body: string, retryAfter: string | null): TradepilotError {
  const text = body.slice(0, 200).replace(/\s+/g, ' ');
  if (status === 429) {
    const s = Number(retryAfter);
    return new TradepilotError(ErrorCode.RATE_LIMITED, `rate limited (HTTP 429)`, { provider, retryAfterMs: Number.isFinite(s) ? s * 1000 : undefined });
  }
  if (status >= 500) return new TradepilotError(ErrorCode.NETWORK, `server error HTTP ${status}: ${text}`, { provider });
  if (status === 401 || status === 403) return new TradepilotError(ErrorCode.UNAUTHORIZED, `${provider}: not authorised (HTTP ${status}): ${text}`, { provider });
  if (status === 404) return new TradepilotError(ErrorCode.NOT_FOUND, `${provider}: not found (HTTP 404): ${text}`, { provider });
  return new TradepilotError(ErrorCode.BAD_INPUT, `${provider}: request rejected (HTTP ${status}): ${text}`, { provider });
}

/** GET a JSON document; network failures and HTTP errors become TradepilotErrors. */
export async function getJson(provider: string, fetchFn: FetchFn, url: string, headers: Record<string, string> = {}): Promise<unknown> {
  let res: Response;
  try {
    res = await fetchFn(url, { headers: { accept: 'application/json', ...headers } });
  } catch (err) {
    throw networkError(provider, url, err);
  }
  const body = await res.text();
  if (!res.ok) throw httpError(provider, res.status, body, res.headers.get('retry-after'));
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new TradepilotError(ErrorCode.NETWORK, `${provider}: response is not JSON: ${body.slice(0, 80)}`, { provider });
  }
}
