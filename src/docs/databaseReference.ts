/**
 * The database reference (docs/database.md): the tables and columns as the
 * migrations create them (read back from a freshly migrated SQLite database),
 * with the prose of the Kysely schema's doc comments (src/adapters/store/schema.ts).
 */
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { openSqliteStore } from '../adapters/store/sqliteStore.ts';

const SCHEMA_FILE = new URL('../adapters/store/schema.ts', import.meta.url);

/** One table: its prose and its columns as migrated. */
export interface TableDoc {
  name: string;
  description: string;
  columns: { name: string; type: string; notNull: boolean; primaryKey: boolean; default: string | null; description: string }[];
  indexes: { name: string; unique: boolean; columns: string[] }[];
}

/** Doc comments of schema.ts: table name -> interface prose and field prose. */
export function schemaComments(text: string = readFileSync(SCHEMA_FILE, 'utf8')): Map<string, { description: string; fields: Map<string, string> }> {
  const clean = (c: string): string => c.replace(/^\/\*\*|\*\/$/g, '').split('\n').map((l) => l.replace(/^\s*\*\s?/, '').trim()).filter(Boolean).join(' ');
  const iface = new Map<string, { description: string; fields: Map<string, string> }>();
  const re = /(\/\*\*(?:(?!\*\/)[\s\S])*\*\/)?\s*export interface (\w+) \{([\s\S]*?)\n\}/g;
  for (const m of text.matchAll(re)) {
    const fields = new Map<string, string>();
    for (const f of m[3]!.matchAll(/(\/\*\*(?:(?!\*\/)[\s\S])*\*\/)\s*(\w+)\??:/g)) fields.set(f[2]!, clean(f[1]!));
    iface.set(m[2]!, { description: m[1] ? clean(m[1]) : '', fields });
  }
  const out = new Map<string, { description: string; fields: Map<string, string> }>();
  const body = /export interface Database \{([\s\S]*?)\n\}/.exec(text)?.[1] ?? '';
  for (const t of body.matchAll(/(\w+): (\w+);/g)) out.set(t[1]!, iface.get(t[2]!) ?? { description: '', fields: new Map() });
  return out;
}

/** Every table the migrations create, in creation order, with columns and indexes. */
export async function migratedTables(): Promise<TableDoc[]> {
  const store = await openSqliteStore(':memory:');
  const comments = schemaComments();
  try {
    const db = store.db;
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by rowid`.execute(db);
    const out: TableDoc[] = [];
    for (const { name } of tables.rows) {
      const cols = await sql<{ name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>`select * from pragma_table_info(${name})`.execute(db);
      const idx = await sql<{ name: string; unique: number; origin: string }>`select * from pragma_index_list(${name})`.execute(db);
      const indexes: TableDoc['indexes'] = [];
      for (const i of idx.rows) {
        if (i.origin === 'pk') continue;
        const ic = await sql<{ name: string }>`select name from pragma_index_info(${i.name}) order by seqno`.execute(db);
        indexes.push({ name: i.origin === 'u' ? '(unique constraint)' : i.name, unique: i.unique === 1, columns: ic.rows.map((r) => r.name) });
      }
      const c = comments.get(name);
      out.push({
        name,
        description: c?.description ?? '',
        columns: cols.rows.map((r) => ({ name: r.name, type: r.type.toLowerCase(), notNull: r.notnull === 1 || r.pk > 0, primaryKey: r.pk > 0, default: r.dflt_value, description: c?.fields.get(r.name) ?? COMMON_COLUMNS[`${name}.${r.name}`] ?? COMMON_COLUMNS[r.name] ?? '' })),
        indexes: indexes.sort((a, b) => a.name.localeCompare(b.name)),
      });
    }
    return out;
  } finally {
    await store.close();
  }
}

/** What the common columns mean, where schema.ts leaves them uncommented (their meaning is the same in every table). */
const COMMON_COLUMNS: Record<string, string> = {
  id: 'Primary identifier (a UUIDv7 unless said otherwise).',
  ts: 'When it happened (ISO-8601 UTC).',
  type: 'Event type, dotted (`order.submitted`, `confirmation.resolved`, ...).',
  payload: 'The event as JSON.',
  key: 'Document name.',
  value: 'Document JSON.',
  created_at: 'When the row was written (ISO-8601 UTC).',
  updated_at: 'When the row last changed (ISO-8601 UTC).',
  symbol: 'Instrument ticker.',
  action: 'BUY or SELL (or HOLD where a signal is recorded).',
  side: 'buy or sell.',
  qty: 'Quantity (shares or contracts).',
  quantity: 'Quantity (shares or contracts).',
  confidence: 'Model probability behind the signal (0..1).',
  prediction_id: 'The prediction this row came from (events of type `prediction.*`).',
  alert_id: 'The alert this row came from (`alerts.alert_id`).',
  confirmation_id: 'The confirmation this row belongs to (`confirmations.id`).',
  user_id: 'Owner (`TRADEPILOT_USER`, `--user` or the API key\'s user).',
  model_id: 'The model (`models.id`, or a registry model id for alerts).',
  sweep_id: 'The sweep (`sweeps.id`).',
  name: 'Human name, unique per owner where it names a model.',
  status: 'Life-cycle state.',
  body: 'Message text.',
  ticker: 'Instrument ticker.',
  'confirmations.expires_at': 'After this the confirmation expires unanswered (SMS_CONFIRMATION_TIMEOUT).',
  'confirmations.resolved_at': 'When it was answered, expired or executed.',
  'confirmations.resolution_message_id': 'The inbound message that answered it (`messages.id`).',
  'messages.to_addr': 'Recipient (E.164 phone, email or URL).',
  'messages.from_addr': 'Sender.',
  'messages.signature': 'The provider\'s signature header (X-Twilio-Signature) of an inbound message.',
  'messages.verified': '1 when the signature verified.',
  'orders.notional': 'qty x ref_price.',
  'orders.broker_order_id': 'The broker\'s order id, once placed.',
  'api_keys.revoked_at': 'When revoked; a revoked key authenticates nothing.',
  'alerts.entry_price': 'Price the alert was raised at.',
  'alerts.stop_loss': 'Stop price, when the strategy sets one.',
  'alerts.take_profit': 'Target price, when the strategy sets one.',
  'alerts.urgency': 'How soon to act (low, normal, high).',
  'alerts.valid_until': 'The alert is stale after this (ISO-8601 UTC).',
  'models.pack_namespace': 'The pack the model was made from.',
  'models.pack_version': 'That pack\'s version.',
  'models.spec': 'The ModelSpec (instrument, indicators, strategy, risk profile) as JSON.',
  'sweeps.mode': 'simple (45 combinations) or custom (a --config grid).',
  'sweeps.tags': 'JSON array of labels.',
  'sweep_results.idx': 'Combination index in the sweep\'s grid.',
  'sweep_results.params': 'The combination\'s strategy parameters (JSON).',
  'sweep_results.metrics': 'Its backtest metrics (JSON).',
  'trainings.dir': 'Directory of the job\'s checkpoints and artifacts.',
  'trainings.result': 'Final metrics and artifacts (JSON), once done.',
};

function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

/** docs/database.md from the migrated tables. */
export function databaseReference(tables: readonly TableDoc[]): string {
  const out = [
    '<!-- GENERATED by `npm run docs:gen` from the migrations (src/adapters/store/migrations.ts) and the Kysely schema\'s comments (schema.ts). Do not edit by hand. -->',
    '# Database schema',
    '',
    'One schema on two dialects: SQLite (the embedded default, `./tradepilot.db`, WAL) and PostgreSQL',
    '(`DATABASE_URL=postgres://...`). Migrations run on every start (`kysely_migration` records them).',
    'Times are ISO-8601 UTC text (sortable); JSON documents are stored as text. Types below are as SQLite',
    'reports them; PostgreSQL has `bigserial` for `events.seq` and `double precision` for reals.',
    'Changes to the domain tables are also appended to `events`, the audit trail.',
    '',
    '| table | what it holds |',
    '| --- | --- |',
    ...tables.map((t) => `| [\`${t.name}\`](#${t.name}) | ${cell(t.description)} |`),
    '',
  ];
  for (const t of tables) {
    out.push(`## ${t.name}`, '', t.description || '(no description in schema.ts)', '', '| column | type | null | key / default | description |', '| --- | --- | --- | --- | --- |');
    for (const c of t.columns) {
      const key = [c.primaryKey ? 'primary key' : '', c.default !== null ? `default ${c.default}` : ''].filter(Boolean).join(', ');
      out.push(`| \`${c.name}\` | ${c.type} | ${c.notNull ? 'not null' : 'null'} | ${key} | ${cell(c.description)} |`);
    }
    out.push('');
    if (t.indexes.length > 0) out.push(`Indexes: ${t.indexes.map((i) => `${i.unique ? 'unique ' : ''}\`${i.name}\` (${i.columns.join(', ')})`).join('; ')}.`, '');
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
