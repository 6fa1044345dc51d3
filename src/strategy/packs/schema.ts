/**
 * The strategy-pack file format (current major: 3). A pack is a blueprint: which
 * instruments it trades, its indicators, its default strategies, the quality
 * gates a configuration must pass, and its execution and risk policies.
 * Older majors are migrated to this shape in migrate.ts before parsing.
 */
import { z } from 'zod';
import { Timeframes } from '../../core/time.ts';

/** The pack format's current major version; packs of the two majors before it still load. */
export const PACK_FORMAT_MAJOR = 3;

/** Instrument kinds a pack may support. */
export const INSTRUMENTS = ['stock', 'option', 'future'] as const;
export type Instrument = (typeof INSTRUMENTS)[number];

const semver = z.string().regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/, 'must be a semantic version like 1.2.0');
const fraction = z.number().gt(0).lte(1);
const hour = z.number().int().min(0).max(23);

/** Personality dimensions shown to a user choosing a pack. */
export const PersonalitySchema = z.strictObject({
  time_horizon: z.enum(['intraday', 'swing', 'position']),
  risk_appetite: z.enum(['conservative', 'moderate', 'aggressive']),
  decision_style: z.enum(['systematic', 'discretionary', 'hybrid']),
  market_preference: z.enum(['trending', 'mean_reverting', 'volatile', 'any']),
  execution_character: z.enum(['patient', 'balanced', 'fast']),
});

/** One indicator of a pack: a registry name, its parameters, the bar size it runs on and how it votes. */
export const PackIndicatorSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case'),
  name: z.string().min(1),
  params: z.record(z.string(), z.number()).default({}),
  timeframe: z.enum(Timeframes),
  /** Which output of the indicator votes (default the first). */
  output: z.string().optional(),
  /** `price_relative` votes with (close - value) / close (for averages and bands), `level` with the value itself. */
  transform: z.enum(['level', 'price_relative']).default('level'),
  /** +1 when a higher vote is bullish, -1 when lower is. */
  direction: z.union([z.literal(1), z.literal(-1)]).default(1),
});

/** Strategy parameters every sweep combination sets (defaults from the pack's strategy). */
export const StrategyParamsSchema = z.strictObject({
  threshold: z.number().min(0).max(1),
  exit_threshold: z.number().min(0).max(1).optional(),
  top_pct: fraction,
  rank_window: z.number().int().min(5).default(100),
  allowed_hours: z.union([z.literal('all_day'), z.array(hour).min(1)]).default('all_day'),
  hold_days: z.number().gt(0),
  stop_loss: z.number().min(0).lt(1).default(0),
  take_profit: z.number().min(0).default(0),
  max_positions: z.number().int().min(1).default(1),
  entry_type: z.enum(['level', 'cross']).default('cross'),
  strike_selection: z.enum(['ATM', 'OTM_5', 'OTM_10', 'ITM_5', 'ITM_10']).optional(),
  dte_target: z.number().int().min(0).optional(),
});
export type StrategyParams = z.infer<typeof StrategyParamsSchema>;

/** A named strategy of the pack; one or more are the defaults a model starts from. */
export const PackStrategySchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case'),
  description: z.string().default(''),
  default: z.boolean().default(false),
  params: StrategyParamsSchema,
});

/** Quality gates of a sweep row. */
export const GatesSchema = z.strictObject({
  min_trades: z.number().int().min(0),
  min_sharpe: z.number(),
  max_drawdown: fraction,
  min_win_rate: z.number().min(0).max(1).optional(),
});
export type Gates = z.infer<typeof GatesSchema>;

/** The gates every pack must declare (min_win_rate is optional). */
export const REQUIRED_GATES = ['min_trades', 'min_sharpe', 'max_drawdown'] as const;

/** Execution policy: costs, fills and trading hours. */
export const ExecutionPolicySchema = z.strictObject({
  fill: z.enum(['close', 'next-open']).default('next-open'),
  fee_bps: z.number().min(0).default(1),
  slippage_bps: z.number().min(0).default(2),
  /** Per-contract fee for options and futures, in dollars. */
  contract_fee: z.number().min(0).default(0.65),
  /** Intraday packs: close every position at the session close. */
  flat_at_close: z.boolean().default(false),
});

/** Risk policy: how much of the account one position may use and the loss limits. */
export const RiskPolicySchema = z.strictObject({
  position_size: fraction,
  max_positions: z.number().int().min(1),
  stop_loss: z.number().min(0).lt(1),
  take_profit: z.number().min(0),
  max_daily_loss: fraction,
  max_drawdown_halt: fraction,
});

const StockSettings = z.strictObject({
  ticker: z.string().min(1),
  position_type: z.enum(['long', 'short']).default('long'),
  share_size: z.number().int().min(0).default(0),
});
const OptionSettings = z.strictObject({
  underlying: z.string().min(1),
  option_type: z.enum(['call', 'put']),
  default_dte: z.number().int().min(0),
  default_strike: z.enum(['ATM', 'OTM_5', 'OTM_10', 'ITM_5', 'ITM_10']),
  contract_size: z.number().int().min(1).default(100),
});
const FutureSettings = z.strictObject({
  contract: z.string().min(1),
  contract_month: z.string().regex(/^\d{4}-\d{2}$/, 'must be YYYY-MM'),
  contract_size: z.number().gt(0),
  roll_strategy: z.enum(['volume', 'calendar', 'open_interest']).default('calendar'),
});

/** Instrument-specific settings a model fills in (defaults come from the pack). */
export const InstrumentSettingsSchemas = { stock: StockSettings, option: OptionSettings, future: FutureSettings } as const;
export type StockSettings = z.infer<typeof StockSettings>;
export type OptionSettings = z.infer<typeof OptionSettings>;
export type FutureSettings = z.infer<typeof FutureSettings>;
export type InstrumentSettings = { stock: StockSettings; option: OptionSettings; future: FutureSettings };

/** Where the pack's own backtest and sweeps read bars by default. */
export const PackDataSchema = z.strictObject({
  provider: z.enum(['sample', 'mock']),
  symbol: z.string().min(1),
  /** Last bar of the evaluation window (ISO date); the window is `years` long, warm-up is read before it. */
  end: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'),
  years: z.number().gt(0).max(20).default(1),
  seed: z.number().int().default(42),
});

/** A pack in the current format. */
export const PackSchema = z.strictObject({
  format: semver,
  namespace: z.string().regex(/^[a-z][a-z0-9_]{2,31}$/, 'must be 3-32 lowercase letters, digits or _'),
  version: semver,
  name: z.string().min(1),
  description: z.string().default(''),
  timeframe: z.enum(Timeframes),
  instruments: z.strictObject({
    supported: z.array(z.enum(INSTRUMENTS)).min(1),
    default: z.enum(INSTRUMENTS),
    settings: z.strictObject({ stock: StockSettings.optional(), option: OptionSettings.optional(), future: FutureSettings.optional() }),
  }),
  personality: PersonalitySchema,
  indicators: z.array(PackIndicatorSchema),
  features: z.array(z.string().min(1)).default([]),
  strategies: z.array(PackStrategySchema).min(1),
  gates: GatesSchema,
  policies: z.strictObject({ execution: ExecutionPolicySchema, risk: RiskPolicySchema }),
  tags: z.array(z.string().min(1)).default([]),
  data: PackDataSchema,
});

/** A validated pack. */
export type Pack = z.infer<typeof PackSchema>;
export type PackIndicator = z.infer<typeof PackIndicatorSchema>;
export type PackStrategy = z.infer<typeof PackStrategySchema>;
