import { sql, type Kysely, type Migration } from 'kysely';
import { backfillPaperFills } from './paperFillsBackfill.ts';

/** Whether a migration needs dialect-specific SQL. */
export type Dialect = 'sqlite' | 'postgres';

/** Migrations in order; names sort by their numeric prefix. Never edit a landed one: add the next. */
export function migrations(dialect: Dialect): Record<string, Migration> {
  const autoId = dialect === 'postgres' ? 'bigserial' : 'integer';
  return {
    '0001_events': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('events')
          .addColumn('seq', sql.raw(autoId) as never, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('ts', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('subject', 'text')
          .addColumn('correlation_id', 'text')
          .addColumn('payload', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('events_type_ts').on('events').columns(['type', 'ts']).execute();
        await db.schema.createIndex('events_subject').on('events').column('subject').execute();
        await db.schema.createIndex('events_correlation').on('events').column('correlation_id').execute();
        await db.schema
          .createTable('kv')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0002_confirmations': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('confirmations')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('prediction_id', 'text')
          .addColumn('alert_id', 'text')
          .addColumn('symbol', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('confidence', 'double precision', (c) => c.notNull())
          .addColumn('quantity', 'double precision', (c) => c.notNull())
          .addColumn('phone', 'text')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('drill', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('resolved_at', 'text')
          .addColumn('resolution_message_id', 'text')
          .execute();
        await db.schema.createIndex('confirmations_status').on('confirmations').columns(['status', 'created_at']).execute();
        await db.schema
          .createTable('messages')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('direction', 'text', (c) => c.notNull())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('to_addr', 'text')
          .addColumn('from_addr', 'text')
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('prediction_id', 'text')
          .addColumn('confirmation_id', 'text')
          .addColumn('provider_id', 'text')
          .addColumn('signature', 'text')
          .addColumn('verified', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        // A provider's message id is unique: a repeated webhook delivery is recognised, not re-applied.
        await db.schema.createIndex('messages_provider_id').on('messages').columns(['channel', 'direction', 'provider_id']).unique().execute();
        await db.schema.createIndex('messages_confirmation').on('messages').column('confirmation_id').execute();
      },
    },
    '0003_orders': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('orders')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('client_order_id', 'text', (c) => c.notNull().unique())
          .addColumn('confirmation_id', 'text')
          .addColumn('prediction_id', 'text')
          .addColumn('symbol', 'text', (c) => c.notNull())
          .addColumn('side', 'text', (c) => c.notNull())
          .addColumn('qty', 'double precision', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('ref_price', 'double precision', (c) => c.notNull())
          .addColumn('notional', 'double precision', (c) => c.notNull())
          .addColumn('broker', 'text', (c) => c.notNull())
          .addColumn('mode', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('broker_order_id', 'text')
          .addColumn('reasons', 'text', (c) => c.notNull())
          .addColumn('receipt', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('orders_created').on('orders').column('created_at').execute();
      },
    },
    '0005_api_keys': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('api_keys')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          // sha256 of the key: the key itself is shown once and never stored.
          .addColumn('key_hash', 'text', (c) => c.notNull().unique())
          .addColumn('prefix', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('revoked_at', 'text')
          .execute();
      },
    },
    '0006_alerts': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('alerts')
          .addColumn('alert_id', 'text', (c) => c.primaryKey())
          .addColumn('timestamp', 'text', (c) => c.notNull())
          .addColumn('model_id', 'text', (c) => c.notNull())
          .addColumn('instrument', 'text', (c) => c.notNull())
          .addColumn('ticker', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('confidence', 'double precision', (c) => c.notNull())
          .addColumn('quantity', 'double precision', (c) => c.notNull())
          .addColumn('entry_price', 'double precision', (c) => c.notNull())
          .addColumn('stop_loss', 'double precision')
          .addColumn('take_profit', 'double precision')
          .addColumn('urgency', 'text', (c) => c.notNull())
          .addColumn('valid_until', 'text', (c) => c.notNull())
          .addColumn('record', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('alerts_ticker_ts').on('alerts').columns(['ticker', 'timestamp']).execute();
        await db.schema.createIndex('alerts_model_ts').on('alerts').columns(['model_id', 'timestamp']).execute();
      },
    },
    '0007_packs': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('models')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('pack_namespace', 'text', (c) => c.notNull())
          .addColumn('pack_version', 'text', (c) => c.notNull())
          .addColumn('spec', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        // Model names are unique per user.
        await db.schema.createIndex('models_user_name').on('models').columns(['user_id', 'name']).unique().execute();
        await db.schema
          .createTable('sweeps')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('model_id', 'text', (c) => c.notNull())
          .addColumn('mode', 'text', (c) => c.notNull())
          .addColumn('spec', 'text', (c) => c.notNull())
          .addColumn('config', 'text', (c) => c.notNull())
          .addColumn('total', 'integer', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('tags', 'text', (c) => c.notNull())
          .addColumn('summary', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('sweep_results')
          .addColumn('sweep_id', 'text', (c) => c.notNull())
          .addColumn('fold', 'integer', (c) => c.notNull())
          .addColumn('idx', 'integer', (c) => c.notNull())
          .addColumn('params', 'text', (c) => c.notNull())
          .addColumn('metrics', 'text', (c) => c.notNull())
          .addColumn('blocks', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('sweep_results_pk', ['sweep_id', 'fold', 'idx'])
          .execute();
        await db.schema
          .createTable('trainings')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('sweep_id', 'text', (c) => c.notNull())
          .addColumn('model_id', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('dir', 'text', (c) => c.notNull())
          .addColumn('result', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0008_api_packs_backtests': {
      async up(db: Kysely<unknown>) {
        // Custom packs made through the API (official packs stay YAML files in packs/).
        await db.schema
          .createTable('packs')
          .addColumn('namespace', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('version', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('pack', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('packs_user').on('packs').columns(['user_id', 'created_at']).execute();
        await db.schema
          .createTable('backtests')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('symbol', 'text', (c) => c.notNull())
          .addColumn('strategy', 'text', (c) => c.notNull())
          .addColumn('model_id', 'text')
          .addColumn('request', 'text', (c) => c.notNull())
          .addColumn('summary', 'text', (c) => c.notNull())
          .addColumn('series', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('backtests_user').on('backtests').columns(['user_id', 'created_at']).execute();
      },
    },
    '0009_training': {
      async up(db: Kysely<unknown>) {
        // Who started a training and what it trains (selected sweep rows, grid, folds), fixed at creation so a resume repeats it.
        await db.schema.alterTable('trainings').addColumn('user_id', 'text', (c) => c.notNull().defaultTo('')).execute();
        await db.schema.alterTable('trainings').addColumn('plan', 'text', (c) => c.notNull().defaultTo('{}')).execute();
        await db.schema
          .createTable('training_folds')
          .addColumn('training_id', 'text', (c) => c.notNull())
          .addColumn('config', 'integer', (c) => c.notNull())
          .addColumn('fold', 'integer', (c) => c.notNull())
          .addColumn('metrics', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('training_folds_pk', ['training_id', 'config', 'fold'])
          .execute();
      },
    },
    '0010_alert_acks': {
      async up(db: Kysely<unknown>) {
        // Acknowledged by whom and when (GET /alerts?status=, POST /alerts/acknowledge); null while open.
        await db.schema.alterTable('alerts').addColumn('acknowledged_at', 'text').execute();
        await db.schema.alterTable('alerts').addColumn('acknowledged_by', 'text').execute();
        // Keyset paging newest first (and since/until ranges) walk this index instead of sorting; it also holds
        // every listed column but the record, so a page is read from the index alone (records are cached by id).
        await db.schema.createIndex('alerts_page').on('alerts').columns(['timestamp', 'alert_id', 'valid_until', 'created_at', 'acknowledged_at', 'acknowledged_by']).execute();
      },
    },
    '0011_paper_fills': {
      async up(db: Kysely<unknown>) {
        // The paper broker's book, replayed into its account at start-up and shared by every process.
        await db.schema
          .createTable('paper_fills')
          .addColumn('seq', sql.raw(autoId) as never, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('order_id', 'text', (c) => c.notNull())
          .addColumn('client_order_id', 'text', (c) => c.notNull())
          .addColumn('symbol', 'text', (c) => c.notNull())
          .addColumn('side', 'text', (c) => c.notNull())
          .addColumn('qty', 'double precision', (c) => c.notNull())
          .addColumn('price', 'double precision', (c) => c.notNull())
          .addColumn('fee', 'double precision', (c) => c.notNull())
          .addColumn('time', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await backfillPaperFills(db);
      },
    },
  };
}
