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

/**
 * Every variable tradepilot reads, with its safe default. The schema is the
 * contract: `tradepilot config` and `tradepilot init` are generated from it.
 */
export const ConfigSchema = z.object({
  ENV: z.enum(['development', 'test', 'production']).default('development'),
  DRY_RUN: bool(true),
  USE_MOCK_DATA: bool(false),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  TRADEPILOT_DB: z.string().default('./tradepilot.db'),
  DATABASE_URL: optionalString,
  REDIS_URL: optionalString,
  MODEL_DIR: z.string().default('./models'),
  FEATURE_COLS_FILE: optionalString,
  DATA_CACHE_DIR: z.string().default('./.cache/bars'),
  SIGNAL_CONFIDENCE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.6),
  SMS_CONFIRMATION_TIMEOUT: z.coerce.number().int().positive().default(900),
  TWILIO_ACCOUNT_SID: optionalString,
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_FROM: optionalString,
  OPERATOR_PHONE_NUMBER: optionalString,
  PUBLIC_URL: optionalString,
  ALPACA_API_KEY: optionalString,
  ALPACA_SECRET_KEY: optionalString,
  ALPACA_BASE_URL: z.string().url().default('https://paper-api.alpaca.markets'),
  POLYGON_API_KEY: optionalString,
  SCHWAB_ACCESS_TOKEN: optionalString,
  SCHWAB_REFRESH_TOKEN: optionalString,
  TRADIER_TOKEN: optionalString,
  ADMIN_KEY: optionalString,
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
