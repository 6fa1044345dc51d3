import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TradepilotError } from '../../src/core/errors.ts';
import { SimulatedClock } from '../../src/core/time.ts';
import { CachedProvider } from '../../src/data/barCache.ts';
import { createProvider, resolveProviderName } from '../../src/data/providers/index.ts';
import { RateLimiter } from '../../src/data/rateLimiter.ts';
import { backoffDelay } from '../../src/data/retry.ts';
import { FakeServer, recorded } from './fakeServer.ts';

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});
async function serve(route: ConstructorParameters<typeof FakeServer>[0]): Promise<{ server: FakeServer; base: string }> {
  const server = new FakeServer(route);
  servers.push(server);
  return { server, base: await server.start() };
}
const sleeps: number[] = [];
const fakeSleep = async (ms: number): Promise<void> => {
  sleeps.push(ms);
};
const iso = (xs: Float64Array): string[] => Array.from(xs, (t) => new Date(t).toISOString());
const JAN2 = Date.UTC(2024, 0, 2);
const JAN6 = Date.UTC(2024, 0, 6);

describe('remote adapters against a local fake server (recorded wire format)', () => {
  it('yahoo: yahoo-finance2 chart() through an injected fetch; daily bars at their New York date', async () => {
    const { server, base } = await serve(() => ({ body: recorded('yahoo-chart-1d.json') }));
    const p = createProvider('yahoo', { baseUrl: base, sleep: fakeSleep });
    const s = await p.getBars({ symbol: 'AAPL', timeframe: '1d', start: JAN2, end: JAN6 });
    expect(iso(s.time)).toEqual(['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'].map((d) => `${d}T00:00:00.000Z`));
    expect(s.close[0]).toBeCloseTo(185.64, 4);
    expect(s.volume[3]).toBe(62303300);
    const url = new URL(server.requests[0]!.url, base);
    expect(url.pathname).toBe('/v8/finance/chart/AAPL');
    expect(url.searchParams.get('interval')).toBe('1d');
    expect(Number(url.searchParams.get('period1'))).toBe(JAN2 / 1000);
  });

  it('polygon: aggregates v2 with bearer auth, next_url paging, pre-market dropped, stamped at close', async () => {
    const { server, base } = await serve((url) => ({ body: recorded(url.searchParams.has('cursor') ? 'polygon-aggs-1m-page2.json' : 'polygon-aggs-1m.json') }));
    const p = createProvider('polygon', { baseUrl: base, env: { POLYGON_API_KEY: 'pk-test' }, sleep: fakeSleep });
    const start = Date.UTC(2024, 0, 3, 14, 0);
    const s = await p.getBars({ symbol: 'aapl', timeframe: '1m', start, end: Date.UTC(2024, 0, 3, 21, 0) });
    // 09:29 ET is pre-market; 09:30, 09:31 and 09:32 bars close a minute after they start.
    expect(iso(s.time)).toEqual(['2024-01-03T14:31:00.000Z', '2024-01-03T14:32:00.000Z', '2024-01-03T14:33:00.000Z']);
    expect(Array.from(s.close)).toEqual([184.4, 184.52, 184.61]);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]!.url).toMatch(/^\/v2\/aggs\/ticker\/AAPL\/range\/1\/minute\/\d+\/\d+\?adjusted=true&sort=asc&limit=50000$/);
    expect(server.requests[0]!.headers.authorization).toBe('Bearer pk-test');
  });

  it('polygon: 1h bars come from 30-minute aggregates, resampled on the session', async () => {
    const { server, base } = await serve(() => ({ body: JSON.stringify({ status: 'OK', results: [] }) }));
    const p = createProvider('polygon', { baseUrl: base, env: { POLYGON_API_KEY: 'k' }, sleep: fakeSleep });
    const s = await p.getBars({ symbol: 'SPY', timeframe: '1h', start: JAN2, end: JAN6 });
    expect(s.time.length).toBe(0);
    expect(server.requests[0]!.url).toContain('/range/30/minute/');
  });

  it('schwab: pricehistory with the OAuth token from SCHWAB_ACCESS_TOKEN', async () => {
    const { server, base } = await serve(() => ({ body: recorded('schwab-pricehistory-1d.json') }));
    const p = createProvider('schwab', { baseUrl: base, env: { SCHWAB_ACCESS_TOKEN: 'tok-123' }, sleep: fakeSleep });
    const s = await p.getBars({ symbol: 'AAPL', timeframe: '1d', start: JAN2, end: JAN6 });
    expect(iso(s.time)).toEqual(['2024-01-02T00:00:00.000Z', '2024-01-03T00:00:00.000Z', '2024-01-04T00:00:00.000Z']);
    expect(s.high[2]).toBe(183.0872);
    const url = new URL(server.requests[0]!.url, base);
    expect(url.pathname).toBe('/marketdata/v1/pricehistory');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ symbol: 'AAPL', periodType: 'year', frequencyType: 'daily', frequency: '1', startDate: String(JAN2) });
    expect(server.requests[0]!.headers.authorization).toBe('Bearer tok-123');
  });

  it('alpaca: the official SDK against the fake data host, key headers sent', async () => {
    const { server, base } = await serve(() => ({ body: recorded('alpaca-bars-1d.json') }));
    const p = createProvider('alpaca', { baseUrl: base, env: { ALPACA_API_KEY: 'AK', ALPACA_SECRET_KEY: 'SK' }, sleep: fakeSleep });
    const s = await p.getBars({ symbol: 'AAPL', timeframe: '1d', start: JAN2, end: JAN6 });
    expect(iso(s.time)).toEqual(['2024-01-02T00:00:00.000Z', '2024-01-03T00:00:00.000Z']);
    expect(Array.from(s.close)).toEqual([185.64, 184.25]);
    const req = server.requests[0]!;
    expect(new URL(req.url, base).pathname).toBe('/v2/stocks/bars');
    expect(new URL(req.url, base).searchParams.get('timeframe')).toBe('1Day');
    expect(req.headers['apca-api-key-id']).toBe('AK');
  });

  it('retries 5xx and 429 with exponential backoff and jitter, honouring Retry-After', async () => {
    sleeps.length = 0;
    const { server, base } = await serve((_u, n) => (n === 1 ? { status: 503, body: 'busy' } : n === 2 ? { status: 429, body: '{}', headers: { 'retry-after': '3' } } : { body: recorded('schwab-pricehistory-1d.json') }));
    const p = createProvider('schwab', { baseUrl: base, env: { SCHWAB_ACCESS_TOKEN: 't' }, sleep: fakeSleep, rng: { next: () => 0.5 } });
    const s = await p.getBars({ symbol: 'AAPL', timeframe: '1d', start: JAN2, end: JAN6 });
    expect(s.time.length).toBe(3);
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toEqual([backoffDelay(1, 500, 10_000, 0.5), 3000]);
  });

  it('unreachable: DATA_UNAVAILABLE naming --provider sample|csv|mock, after retrying', async () => {
    sleeps.length = 0;
    const { server, base } = await serve(() => ({ body: '{}' }));
    await server.stop();
    const p = createProvider('polygon', { baseUrl: base, env: { POLYGON_API_KEY: 'k' }, sleep: fakeSleep, retries: 2 });
    const err = await p.getBars({ symbol: 'AAPL', timeframe: '1d', start: JAN2, end: JAN6 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TradepilotError);
    expect((err as TradepilotError).code).toBe('DATA_UNAVAILABLE');
    expect((err as TradepilotError).message).toMatch(/cannot reach 127\.0\.0\.1.*--provider sample\|csv\|mock/);
    expect(sleeps).toHaveLength(2);
  });

  it('auth failures and missing credentials are not retried and say what to set', async () => {
    const { server, base } = await serve(() => ({ status: 401, body: '{"message":"unauthorized"}' }));
    const p = createProvider('schwab', { baseUrl: base, env: { SCHWAB_ACCESS_TOKEN: 'bad' }, sleep: fakeSleep });
    await expect(p.getBars({ symbol: 'AAPL', timeframe: '1d', start: JAN2, end: JAN6 })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(server.requests).toHaveLength(1);
    const noKey = createProvider('alpaca', { env: {}, sleep: fakeSleep });
    await expect(noKey.getBars({ symbol: 'AAPL', timeframe: '1d', start: JAN2, end: JAN6 })).rejects.toThrow(/ALPACA_API_KEY.*--provider sample\|csv\|mock/);
  });

  it('the bar cache (DuckDB/Parquet) fetches only what it lacks', async () => {
    const { server, base } = await serve(() => ({ body: recorded('schwab-pricehistory-1d.json') }));
    const dir = mkdtempSync(join(tmpdir(), 'tp-cache-'));
    const { openDuckDbCache } = await import('../../src/adapters/data/duckdbCache.ts');
    const cache = await openDuckDbCache(dir);
    try {
      const p = createProvider('schwab', { baseUrl: base, env: { SCHWAB_ACCESS_TOKEN: 't' }, sleep: fakeSleep, cache: async () => cache }) as CachedProvider;
      const a = await p.getBars({ symbol: 'AAPL', timeframe: '1d', start: JAN2, end: JAN6 });
      expect(p.lastStats.hit).toBe(false);
      expect(a.time.length).toBe(3);
      const b = await p.getBars({ symbol: 'AAPL', timeframe: '1d', start: JAN2, end: Date.UTC(2024, 0, 4) });
      expect(p.lastStats.hit).toBe(true);
      expect(server.requests).toHaveLength(1);
      expect(Array.from(b.close)).toEqual([185.64, 184.25, 181.91]);
      await p.getBars({ symbol: 'AAPL', timeframe: '1d', start: JAN2, end: Date.UTC(2024, 0, 10) });
      expect(server.requests).toHaveLength(2);
      expect(p.lastStats.fetchedRanges).toEqual([[JAN6, Date.UTC(2024, 0, 10)]]);
      expect(new URL(server.requests[1]!.url, base).searchParams.get('startDate')).toBe(String(JAN6));
    } finally {
      await cache.close();
    }
  });
});

describe('provider selection and rate limiting', () => {
  it('USE_MOCK_DATA=true picks mock instead of a remote provider and as the default', () => {
    expect(resolveProviderName(undefined, {})).toBe('sample');
    expect(resolveProviderName(undefined, { USE_MOCK_DATA: 'true' })).toBe('mock');
    expect(resolveProviderName('yahoo', { USE_MOCK_DATA: 'true' })).toBe('mock');
    expect(resolveProviderName('csv', { USE_MOCK_DATA: 'true' })).toBe('csv');
    expect(() => resolveProviderName('bloomberg', {})).toThrow(/unknown provider/);
  });

  it('a token bucket spaces requests to the limit', async () => {
    const clock = new SimulatedClock(0);
    const waits: number[] = [];
    const limiter = new RateLimiter({ limit: 5, perMs: 60_000, burst: 2, clock, sleep: async (ms) => {
      waits.push(ms);
      clock.advance(ms);
    } });
    for (let i = 0; i < 4; i++) await limiter.take();
    expect(waits).toEqual([12_000, 12_000]);
  });
});
