import type { ColumnType, Generated } from 'kysely';

/**
 * The database, one interface for both dialects (SQLite and PostgreSQL).
 * Times are ISO-8601 UTC strings (sortable as text); JSON is stored as text.
 * Later features add their tables here and a migration in migrations.ts.
 */
export interface Database {
  events: EventsTable;
  kv: KvTable;
  confirmations: ConfirmationsTable;
  messages: MessagesTable;
  orders: OrdersTable;
  alerts: AlertsTable;
  api_keys: ApiKeysTable;
  models: ModelsTable;
  sweeps: SweepsTable;
  sweep_results: SweepResultsTable;
  trainings: TrainingsTable;
  packs: PacksTable;
  backtests: BacktestsTable;
  training_folds: TrainingFoldsTable;
  paper_fills: PaperFillsTable;
}

/** The append-only audit trail: raw fetches, features, model versions, predictions, messages, confirmations, orders. */
export interface EventsTable {
  /** Insertion order (dialect-native auto increment); the id is the public key. */
  seq: Generated<number>;
  id: string;
  /** ISO-8601 UTC. */
  ts: string;
  type: string;
  /** What the event is about (a symbol, a prediction id, a run id), for read-back. */
  subject: string | null;
  /** Groups the events of one run or one prediction. */
  correlation_id: string | null;
  payload: ColumnType<string, string, never>;
}

/** Small named documents (last run, settings switched at run time). */
export interface KvTable {
  key: string;
  value: string;
  updated_at: string;
}

/** A trade waiting for a person's YES or NO (SMS, CLI, API or dashboard). */
export interface ConfirmationsTable {
  /** The short id sent in the SMS (`ID:<id>`). */
  id: string;
  prediction_id: string | null;
  alert_id: string | null;
  symbol: string;
  action: string;
  confidence: number;
  quantity: number;
  /** Who was asked (E.164), when by SMS. */
  phone: string | null;
  /** pending | confirmed | rejected | expired | executed | failed */
  status: string;
  /** 1 for a fire drill (`agent run --signal`). */
  drill: number;
  created_at: string;
  expires_at: string;
  resolved_at: string | null;
  resolution_message_id: string | null;
}

/** Every message sent or received, with its signature and whether it was verified. */
export interface MessagesTable {
  id: string;
  /** out | in */
  direction: string;
  /** sms | email | webhook | console */
  channel: string;
  to_addr: string | null;
  from_addr: string | null;
  body: string;
  prediction_id: string | null;
  confirmation_id: string | null;
  /** The provider's id (Twilio MessageSid). */
  provider_id: string | null;
  signature: string | null;
  verified: number;
  created_at: string;
}

/** Every order the gate saw: placed, simulated or refused, with the reasons. */
export interface OrdersTable {
  id: string;
  /** Idempotency key sent to the broker; unique, so a retry cannot place twice. */
  client_order_id: string;
  confirmation_id: string | null;
  prediction_id: string | null;
  symbol: string;
  side: string;
  qty: number;
  type: string;
  /** The price the notional checks used. */
  ref_price: number;
  notional: number;
  /** `paper` or `alpaca` (or none when refused). */
  broker: string;
  /** `paper` (dry run) or `live`. */
  mode: string;
  /** refused | new | accepted | filled | partially_filled | canceled | rejected | failed */
  status: string;
  broker_order_id: string | null;
  /** JSON array of the gate's reasons (why refused, or which checks passed). */
  reasons: string;
  /** JSON of the broker's receipt. */
  receipt: string | null;
  created_at: string;
  updated_at: string;
}

/** API keys of the REST API: only the sha256 of a key is stored. */
export interface ApiKeysTable {
  /** Public id (`key_...`), safe to log and to put in the audit trail. */
  id: string;
  name: string;
  /** user | premium | admin */
  role: string;
  /** sha256 hex of the full key. */
  key_hash: string;
  /** The key's first characters, to tell keys apart in listings. */
  prefix: string;
  created_at: string;
  revoked_at: string | null;
}

/** Every alert built (stock, option or future), with the full record as JSON. */
export interface AlertsTable {
  alert_id: string;
  /** ISO-8601 UTC of the bar that raised it. */
  timestamp: string;
  model_id: string;
  /** stock | option | future */
  instrument: string;
  /** The ticker, or the option's underlying, or the future's contract. */
  ticker: string;
  action: string;
  confidence: number;
  quantity: number;
  entry_price: number;
  stop_loss: number | null;
  take_profit: number | null;
  urgency: string;
  valid_until: string;
  /** The alert record as JSON (the Pack System spec fields). */
  record: string;
  created_at: string;
  /** When and by whom (`api:<key id>`) it was acknowledged; null while open (migration 0010). */
  acknowledged_at: ColumnType<string | null, string | null | undefined, string | null>;
  acknowledged_by: ColumnType<string | null, string | null | undefined, string | null>;
}
/** A model made from a pack (strategy/models): `spec` is the ModelSpec JSON. */
export interface ModelsTable {
  id: string;
  user_id: string;
  name: string;
  pack_namespace: string;
  pack_version: string;
  spec: string;
  /** draft | published. Discarded models are deleted (the audit event stays). */
  status: string;
  created_at: string;
  updated_at: string;
}

/** A parameter sweep of a model (research/sweep). */
export interface SweepsTable {
  id: string;
  user_id: string;
  model_id: string;
  mode: string;
  /** The ModelSpec snapshot swept. */
  spec: string;
  /** Mode, grid, walk-forward settings (JSON). */
  config: string;
  /** Number of combinations. */
  total: number;
  /** pending | running | cancelling | cancelled | done | failed */
  status: string;
  tags: string;
  /** Leaderboard summary once done (JSON). */
  summary: string | null;
  created_at: string;
  updated_at: string;
}

/** One finished combination of a sweep: the checkpoint a resume skips. */
export interface SweepResultsTable {
  sweep_id: string;
  /** Walk-forward fold (-1 for a plain sweep). */
  fold: number;
  idx: number;
  params: string;
  metrics: string;
  /** Per-block return sums for PBO (JSON). */
  blocks: string;
  created_at: string;
}

/** A training job over selected sweep rows (research/train). */
export interface TrainingsTable {
  id: string;
  sweep_id: string;
  model_id: string;
  /** pending | running | cancelling | cancelled | done | failed | published | discarded */
  status: string;
  dir: string;
  result: string | null;
  created_at: string;
  updated_at: string;
  user_id: string;
  /** The TrainingPlan (selected rows, grid, folds) as JSON. */
  plan: string;
}

/** One finished (configuration, fold) of a training: the checkpoint a resume skips. */
export interface TrainingFoldsTable {
  training_id: string;
  /** Position of the configuration in the training's selection. */
  config: number;
  fold: number;
  /** Validation metrics of every grid point on this fold (JSON). */
  metrics: string;
  created_at: string;
}

/** A custom strategy pack made through the API (official packs are the YAML files in packs/). */
export interface PacksTable {
  /** The pack's namespace: unique across official and custom packs. */
  namespace: string;
  /** Owner (the API key id that created it). */
  user_id: string;
  version: string;
  name: string;
  /** The text as submitted (YAML or JSON). */
  source: string;
  /** The validated pack (JSON). */
  pack: string;
  created_at: string;
  updated_at: string;
}

/** A backtest run through the API: the request, summary metrics beside buy-and-hold, and the chart series. */
export interface BacktestsTable {
  id: string;
  user_id: string;
  /** symbol (bundled data + built-in strategy) | model (a stored model's pack strategy) */
  kind: string;
  symbol: string;
  strategy: string;
  model_id: string | null;
  request: string;
  summary: string;
  /** time, close, equity, buy-and-hold equity, trades (JSON). */
  series: string;
  created_at: string;
}

/**
 * The simulated paper broker's book: every fill it executed, in the order it
 * happened, written by whichever process traded (serve or a CLI command). The
 * paper account (cash, positions, average prices, realised P&L) is replayed from
 * these rows on top of the configured initial cash (migration 0011).
 */
export interface PaperFillsTable {
  /** Ledger order (dialect-native auto increment): replays read the fills in this order, and a process catches up on the rows after the last one it saw. */
  seq: Generated<number>;
  /** The fill's id (unique). */
  id: string;
  /** The paper broker's order id (`orders.broker_order_id`). */
  order_id: string;
  /** The order's idempotency key (`orders.client_order_id`). */
  client_order_id: string;
  symbol: string;
  side: string;
  qty: number;
  /** Fill price, slippage included. */
  price: number;
  /** Fee charged on the fill, in the account currency. */
  fee: number;
  /** When it filled (ISO-8601 UTC). */
  time: string;
  created_at: string;
}
