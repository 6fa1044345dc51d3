import { existsSync, readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';

const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'TRUE', 'FALSE'])
    .optional()
    .transform((v) => (v === undefined ? def : ['true', '1', 'yes', 'TRUE'].includes(v)));

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** An optional positive number; empty or absent means unset. */
const optionalPositive = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v.trim() === '') return undefined;
    const n = Number(v);
    if (!(Number.isFinite(n) && n > 0)) {
      ctx.addIssue({ code: 'custom', message: 'must be a positive number' });
      return z.NEVER;
    }
    return n;
  });

/** The agent's default schedule: after the US close on weekdays (the daily bar is final). Same as DEFAULT_AGENT_CRON. */
const AGENT_CRON_DEFAULT = '30 21 * * 1-5';

/**
 * Every variable tradepilot reads, with its safe default and a one-line
 * description. The schema is the contract: `tradepilot config` prints it and
 * `tradepilot init` writes the commented `.env` from it.
 */
export const ConfigSchema = z.object({
  ENV: z.enum(['development', 'test', 'production']).default('development').describe('development | test | production; live trading needs production'),
  DRY_RUN: bool(true).describe('true: every order goes to the simulated paper broker (live needs DRY_RUN=false, ENV=production, ADMIN_KEY and an approval)'),
  USE_MOCK_DATA: bool(false).describe('true: remote data providers are replaced by the seeded mock generator (no network)'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info').describe('trace | debug | info | warn | error | fatal | silent (logs go to stderr)'),
  TRADEPILOT_DB: z.string().default('./tradepilot.db').describe('SQLite database file (WAL), used unless DATABASE_URL is set; --db overrides'),
  DATABASE_URL: optionalString.describe('postgres://user:pass@host/db to share state between machines (scale-out)'),
  REDIS_URL: optionalString.describe('redis://host:6379: BullMQ job queues and shared API rate limits (scale-out)'),
  MODEL_DIR: z.string().default('./models').describe('model registry directory (artifacts and their metadata)'),
  FEATURE_COLS_FILE: optionalString.describe('feature column metadata (feature_cols.json) a model must match, when not beside the model'),
  DATA_CACHE_DIR: z.string().default('./.cache/bars').describe('DuckDB/Parquet cache of fetched bars'),
  SIGNAL_CONFIDENCE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.6).describe('signals below this model probability raise no alert (0..1)'),
  SMS_CONFIRMATION_TIMEOUT: z.coerce.number().int().positive().default(900).describe('seconds a confirmation waits for YES/NO before it expires'),
  TWILIO_ACCOUNT_SID: optionalString.describe('Twilio account SID; SMS is sent only when all three TWILIO_* are set'),
  TWILIO_AUTH_TOKEN: optionalString.describe('Twilio auth token: sends SMS and verifies webhook signatures'),
  TWILIO_FROM: optionalString.describe('Twilio sender number (E.164, e.g. +15551234567)'),
  TWILIO_API_BASE_URL: optionalString.describe('redirect the Twilio SDK (a regional edge or a local test server); empty = api.twilio.com'),
  OPERATOR_PHONE_NUMBER: optionalString.describe('who gets the YES/NO texts (E.164); empty = the console'),
  PUBLIC_URL: optionalString.describe('the exact https origin Twilio calls (webhook signatures cover it); https turns on HSTS'),
  ALPACA_API_KEY: optionalString.describe('Alpaca key id: Alpaca market data and the Alpaca broker'),
  ALPACA_SECRET_KEY: optionalString.describe('Alpaca secret key'),
  ALPACA_BASE_URL: z.string().url().default('https://paper-api.alpaca.markets').describe('Alpaca trading host; paper by default'),
  POLYGON_API_KEY: optionalString.describe('Polygon API key: bars and option chains'),
  POLYGON_BASE_URL: optionalString.describe('Polygon host for option chains; empty = https://api.polygon.io'),
  SCHWAB_ACCESS_TOKEN: optionalString.describe('Schwab OAuth access token: Schwab market data'),
  SCHWAB_REFRESH_TOKEN: optionalString.describe('Schwab OAuth refresh token'),
  TRADIER_TOKEN: optionalString.describe('Tradier API token: option chains'),
  TRADIER_BASE_URL: optionalString.describe('Tradier host for option chains; empty = https://api.tradier.com'),
  ADMIN_KEY: optionalString.describe('admin key (16+ characters) needed to approve live trading'),
  AGENT_CRON: z.string().trim().min(1).default(AGENT_CRON_DEFAULT).describe('cron (UTC) of the agent run inside `serve`; `off` disables it'),
  AGENT_SYMBOLS: z.string().trim().min(1).default('TQQQ').describe('comma-separated symbols the scheduled agent run trades'),
  AGENT_QUANTITY: optionalPositive.describe('shares per scheduled agent order; empty = 1'),
  TRADEPILOT_USER: optionalString.describe('owner of models and sweeps made from the CLI; empty = $USER'),
  TRADEPILOT_API_KEY: optionalString.describe('API key `tradepilot smoke` sends; --key overrides'),
});

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigKey = keyof Config;

/** Variables whose values are secrets: never printed, logged or stored. */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'TWILIO_AUTH_TOKEN',
  'ALPACA_SECRET_KEY',
  'ALPACA_API_KEY',
  'POLYGON_API_KEY',
  'SCHWAB_ACCESS_TOKEN',
  'SCHWAB_REFRESH_TOKEN',
  'TRADIER_TOKEN',
  'ADMIN_KEY',
  'TWILIO_ACCOUNT_SID',
  'TRADEPILOT_API_KEY',
]);

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** Path of a .env file; values in `env` win over it. Default `./.env` when present. */
  envFile?: string | false;
  /** Flag overrides, highest precedence. */
  overrides?: Partial<Record<ConfigKey, string>>;
}

/** Load and validate: flags > environment > .env > defaults. Throws ConfigError naming the variable. */
export function loadConfig(opts: LoadConfigOptions = {}): Config {
  const env = opts.env ?? process.env;
  const file = opts.envFile === undefined ? '.env' : opts.envFile;
  const fromFile = file && existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  const raw: Record<string, string | undefined> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    raw[key] = opts.overrides?.[key as ConfigKey] ?? env[key] ?? fromFile[key];
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message} (got ${JSON.stringify(raw[String(i.path[0])])})`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`, { issues: lines });
  }
  return parsed.data;
}

/** The config with every secret replaced by `***` (or left undefined when unset). */
export function redactConfig(cfg: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(cfg)) out[k] = SECRET_KEYS.has(k) && v !== undefined ? '***' : v;
  if (cfg.DATABASE_URL) out.DATABASE_URL = redactUrl(cfg.DATABASE_URL);
  if (cfg.REDIS_URL) out.REDIS_URL = redactUrl(cfg.REDIS_URL);
  return out;
}

/** Hide the password part of a connection URL. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
  }
}

/** Live trading needs all three: DRY_RUN=false, ENV=production and an admin key. */
export function liveTradingAllowed(cfg: Config): boolean {
  return cfg.DRY_RUN === false && cfg.ENV === 'production' && cfg.ADMIN_KEY !== undefined && cfg.ADMIN_KEY.length >= 16;
}
