import { BadInputError } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';
import type { Clock } from '../../core/time.ts';
import { CachedProvider, type BarCache } from '../barCache.ts';
import type { DataProvider } from '../provider.ts';
import { RateLimiter } from '../rateLimiter.ts';
import { RemoteProvider, type BarSource } from '../remote.ts';
import type { Sleep } from '../retry.ts';
import type { FetchFn } from '../../adapters/data/http.ts';
import { CsvProvider } from './csv.ts';
import { MockProvider } from './mock.ts';
import { PROVIDER_NAMES, type ProviderName } from './providerNames.ts';
import { SampleProvider } from './sample.ts';

/** Every provider name `--provider` accepts. */
export { PROVIDER_NAMES, type ProviderName };

/** Requests per minute each remote allows on a free plan (Polygon free: 5/min; Schwab: 120/min; Alpaca: 200/min). */
export const RATE_LIMITS: Readonly<Record<'yahoo' | 'alpaca' | 'polygon' | 'schwab', number>> = { yahoo: 60, alpaca: 200, polygon: 5, schwab: 120 };

/** Options of {@link createProvider}; each provider reads the ones it needs. */
export interface ProviderOptions {
  /** Environment for credentials (ALPACA_API_KEY, POLYGON_API_KEY, SCHWAB_ACCESS_TOKEN, USE_MOCK_DATA). */
  env?: NodeJS.ProcessEnv;
  /** sample: directory of the bundled files. */
  dir?: string;
  /** csv: the file. */
  file?: string;
  /** csv: drop or fix bad rows. */
  repair?: boolean;
  /** csv: intraday timestamps mark bar open or close. */
  stamp?: 'open' | 'close';
  /** mock: seed. */
  seed?: number;
  clock?: Clock;
  /** remote: host override (tests, proxies). */
  baseUrl?: string;
  /** remote: fetch override. */
  fetch?: FetchFn;
  /** remote: sleep for backoff and rate limiting (tests pass a fake). */
  sleep?: Sleep;
  rng?: Pick<Rng, 'next'>;
  retries?: number;
  /** remote: requests per minute (default RATE_LIMITS). */
  ratePerMinute?: number;
  /** Put a bar cache in front (created lazily: DuckDB is loaded only when a request needs it). */
  cache?: () => Promise<BarCache>;
}

function truthy(v: string | undefined): boolean {
  return v !== undefined && ['true', '1', 'yes', 'TRUE'].includes(v);
}

/**
 * The provider a command should use: the one asked for, `mock` instead of any
 * remote one when USE_MOCK_DATA=true, and `sample` when nothing is asked.
 */
export function resolveProviderName(requested: string | undefined, env: NodeJS.ProcessEnv = process.env): ProviderName {
  if (requested !== undefined && !(PROVIDER_NAMES as readonly string[]).includes(requested)) {
    throw new BadInputError(`unknown provider "${requested}"; choose one of ${PROVIDER_NAMES.join(', ')}`);
  }
  const useMock = truthy(env.USE_MOCK_DATA);
  if (requested === undefined) return useMock ? 'mock' : 'sample';
  if (useMock && requested !== 'sample' && requested !== 'csv') return 'mock';
  return requested as ProviderName;
}

/** Build a DataProvider by name. Remote SDKs are imported only when a remote provider is first used. */
export function createProvider(name: ProviderName, opts: ProviderOptions = {}): DataProvider {
  const env = opts.env ?? process.env;
  let p: DataProvider;
  switch (name) {
    case 'sample':
      p = new SampleProvider({ dir: opts.dir });
      break;
    case 'csv':
      if (!opts.file) throw new BadInputError('the csv provider needs a file (--csv FILE)');
      p = new CsvProvider({ file: opts.file, repair: opts.repair, stamp: opts.stamp });
      break;
    case 'mock':
      p = new MockProvider({ seed: opts.seed, clock: opts.clock });
      break;
    default: {
      const load = remoteLoader(name, opts, env);
      const limiter = new RateLimiter({ limit: opts.ratePerMinute ?? RATE_LIMITS[name], perMs: 60_000, burst: Math.min(5, opts.ratePerMinute ?? RATE_LIMITS[name]), sleep: opts.sleep, clock: opts.clock });
      let source: Promise<BarSource> | undefined;
      p = new RemoteProvider(() => (source ??= load()), name, { sleep: opts.sleep, rng: opts.rng, retries: opts.retries, limiter, clock: opts.clock });
    }
  }
  return opts.cache ? new CachedProvider(p, opts.cache, opts.clock) : p;
}

function remoteLoader(name: 'yahoo' | 'alpaca' | 'polygon' | 'schwab', opts: ProviderOptions, env: NodeJS.ProcessEnv): () => Promise<BarSource> {
  const common = { baseUrl: opts.baseUrl, fetch: opts.fetch };
  switch (name) {
    case 'yahoo':
      return async () => (await import('../../adapters/data/yahoo.ts')).createYahooSource(common);
    case 'alpaca':
      return async () => (await import('../../adapters/data/alpaca.ts')).createAlpacaSource({ ...common, keyId: env.ALPACA_API_KEY, secret: env.ALPACA_SECRET_KEY });
    case 'polygon':
      return async () => (await import('../../adapters/data/polygon.ts')).createPolygonSource({ ...common, apiKey: env.POLYGON_API_KEY });
    case 'schwab':
      return async () => (await import('../../adapters/data/schwab.ts')).createSchwabSource({ ...common, accessToken: env.SCHWAB_ACCESS_TOKEN });
  }
}

export { SampleProvider, loadSampleReturns } from './sample.ts';
export { CsvProvider } from './csv.ts';
export { MockProvider, MOCK_SYMBOLS } from './mock.ts';
