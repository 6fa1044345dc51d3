import { ConfigSchema, SECRET_KEYS } from './config.ts';

/** Sections of the generated `.env`, by variable; a variable not listed lands in "other". */
const SECTIONS: readonly { title: string; keys: readonly string[] }[] = [
  { title: 'Safety and logging', keys: ['ENV', 'DRY_RUN', 'ADMIN_KEY', 'LOG_LEVEL'] },
  { title: 'State, models and data', keys: ['TRADEPILOT_DB', 'DATABASE_URL', 'REDIS_URL', 'MODEL_DIR', 'FEATURE_COLS_FILE', 'DATA_CACHE_DIR', 'USE_MOCK_DATA'] },
  { title: 'Signals, confirmations and the scheduled agent', keys: ['SIGNAL_CONFIDENCE_THRESHOLD', 'SMS_CONFIRMATION_TIMEOUT', 'OPERATOR_PHONE_NUMBER', 'AGENT_CRON', 'AGENT_SYMBOLS', 'AGENT_QUANTITY'] },
  { title: 'Twilio SMS and the webhook', keys: ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM', 'TWILIO_API_BASE_URL', 'PUBLIC_URL'] },
  { title: 'Broker and market data providers', keys: ['ALPACA_API_KEY', 'ALPACA_SECRET_KEY', 'ALPACA_BASE_URL', 'POLYGON_API_KEY', 'POLYGON_BASE_URL', 'SCHWAB_ACCESS_TOKEN', 'SCHWAB_REFRESH_TOKEN', 'TRADIER_TOKEN', 'TRADIER_BASE_URL'] },
  { title: 'CLI', keys: ['TRADEPILOT_USER', 'TRADEPILOT_API_KEY'] },
];

/** Every variable of ConfigSchema with its description and the value `.env` gets (default, or empty for secrets and unset options). */
export interface EnvEntry {
  key: string;
  description: string;
  value: string;
  secret: boolean;
}

/** The variables in section order, read from the schema (never a second list). */
export function envEntries(): { title: string; entries: EnvEntry[] }[] {
  const defaults = ConfigSchema.parse({}) as Record<string, unknown>;
  const shape = ConfigSchema.shape as Record<string, { description?: string }>;
  const entry = (key: string): EnvEntry => {
    const secret = SECRET_KEYS.has(key);
    const d = defaults[key];
    return { key, description: shape[key]?.description ?? '', value: secret || d === undefined ? '' : String(d), secret };
  };
  const placed = new Set(SECTIONS.flatMap((s) => s.keys));
  const out = SECTIONS.map((s) => ({ title: s.title, entries: s.keys.filter((k) => k in shape).map(entry) }));
  const other = Object.keys(shape).filter((k) => !placed.has(k));
  if (other.length > 0) out.push({ title: 'Other', entries: other.map(entry) });
  return out.filter((s) => s.entries.length > 0);
}

/** A commented `.env`: every variable, its safe default, secrets empty; DRY_RUN=true. */
export function envTemplate(): string {
  const lines = [
    '# tradepilot settings (written by `tradepilot init`).',
    '# Precedence: command-line flags > environment variables > this file > built-in defaults.',
    '# Secrets stay empty here until you need them; keep this file out of git (mode 0600).',
    '# `npx tradepilot config` prints the effective values with secrets as ***.',
  ];
  for (const s of envEntries()) {
    lines.push('', `# --- ${s.title} ---`);
    for (const e of s.entries) lines.push(`# ${e.description}${e.secret ? ' [secret]' : ''}`, `${e.key}=${quote(e.value)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Quote a value when dotenv would otherwise cut it (spaces, #). */
function quote(v: string): string {
  return /[\s#"'`]/.test(v) ? `"${v}"` : v;
}
