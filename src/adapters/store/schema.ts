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
