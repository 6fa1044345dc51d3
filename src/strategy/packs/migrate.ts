/**
 * Migrations of older pack shapes to the current format (major 3), so packs
 * written for the two previous majors still load:
 * - 1.x: one `instrument` with its settings inline (`ticker`, ...), indicators as
 *   strings `name(p=v,...)@timeframe`, a single `strategy`, top-level `risk` and
 *   `execution`.
 * - 2.x: `instruments` as a list plus `default_instrument` and `settings`, indicator
 *   objects, a `strategies` list, top-level `risk`/`execution`, no personality.
 * Each step works on plain objects before the schema sees them; unknown majors are refused.
 */
import { PACK_FORMAT_MAJOR } from './schema.ts';

/** A plain parsed YAML mapping. */
type Obj = Record<string, unknown>;

/** A problem found while migrating, at a YAML path. */
export interface MigrationIssue {
  path: (string | number)[];
  message: string;
}

/** The major version of a `format` string, or NaN when it is not a semantic version. */
export function formatMajor(format: unknown): number {
  if (typeof format !== 'string') return NaN;
  const m = /^(\d+)\.\d+\.\d+/.exec(format);
  return m ? Number(m[1]) : NaN;
}

const INDICATOR_RE = /^([a-z_][a-z0-9_]*)(?:\(([^)]*)\))?(?:@(\w+))?$/;

function v1Indicator(spec: unknown, i: number, timeframe: unknown, issues: MigrationIssue[]): unknown {
  if (typeof spec !== 'string') return spec;
  const m = INDICATOR_RE.exec(spec.trim());
  if (!m) {
    issues.push({ path: ['indicators', i], message: `"${spec}" is not of the form name(p=v,...)@timeframe` });
    return spec;
  }
  const params: Record<string, number> = {};
  for (const part of (m[2] ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const [k, v] = part.includes('=') ? part.split('=') : ['n', part];
    params[k!.trim()] = Number(v);
  }
  const id = `${m[1]}_${Object.values(params).join('_')}`.replace(/[^a-z0-9_]/g, '_').replace(/_+$/, '');
  return { id, name: m[1], params, timeframe: m[3] ?? timeframe, transform: ['sma', 'ema', 'wma', 'hma', 'dema', 'tema', 'vwma', 'vwap'].includes(m[1]!) ? 'price_relative' : 'level' };
}

function v1ToV2(p: Obj, issues: MigrationIssue[]): Obj {
  const { instrument, ticker, underlying, option_type, default_dte, default_strike, contract_size, strategy, ...rest } = p;
  const kind = typeof instrument === 'string' ? instrument : 'stock';
  const settings: Obj = {};
  if (kind === 'stock') settings.stock = { ticker: ticker ?? 'SPY' };
  if (kind === 'option') settings.option = { underlying: underlying ?? ticker ?? 'SPY', option_type: option_type ?? 'call', default_dte: default_dte ?? 0, default_strike: default_strike ?? 'ATM', contract_size: contract_size ?? 100 };
  const indicators = Array.isArray(p.indicators) ? p.indicators.map((s, i) => v1Indicator(s, i, p.timeframe, issues)) : p.indicators;
  return {
    ...rest,
    format: '2.0.0',
    instruments: [kind],
    default_instrument: kind,
    settings,
    indicators,
    strategies: strategy === undefined ? undefined : [{ name: 'default', default: true, params: strategy }],
  };
}

function v2ToV3(p: Obj): Obj {
  const { instruments, default_instrument, settings, risk, execution, personality, ...rest } = p;
  const tf = String(p.timeframe ?? '1d');
  const horizon = tf === '1d' ? 'swing' : 'intraday';
  return {
    ...rest,
    format: '3.0.0',
    instruments: { supported: instruments, default: default_instrument, settings: settings ?? {} },
    // Major 3 added the personality; older packs get a neutral one from their bar size.
    personality: personality ?? { time_horizon: horizon, risk_appetite: 'moderate', decision_style: 'systematic', market_preference: 'any', execution_character: 'balanced' },
    policies: { execution: execution ?? {}, risk },
  };
}

/**
 * Bring a parsed pack document to the current shape. Returns the migrated
 * object, the major it came from, and any issues (an unsupported major is one).
 */
export function migratePack(doc: unknown): { pack: unknown; fromMajor: number; issues: MigrationIssue[] } {
  const issues: MigrationIssue[] = [];
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return { pack: doc, fromMajor: NaN, issues: [{ path: [], message: 'a pack must be a YAML mapping' }] };
  }
  let p = doc as Obj;
  const major = formatMajor(p.format);
  if (!Number.isFinite(major)) return { pack: p, fromMajor: NaN, issues: [{ path: ['format'], message: `must be a semantic version like ${PACK_FORMAT_MAJOR}.0.0` }] };
  if (major > PACK_FORMAT_MAJOR || major < PACK_FORMAT_MAJOR - 2) {
    return { pack: p, fromMajor: major, issues: [{ path: ['format'], message: `format ${String(p.format)} is not supported; this version reads majors ${PACK_FORMAT_MAJOR - 2} to ${PACK_FORMAT_MAJOR}` }] };
  }
  if (major === PACK_FORMAT_MAJOR - 2) p = v1ToV2(p, issues);
  if (major <= PACK_FORMAT_MAJOR - 1) p = v2ToV3(p);
  return { pack: p, fromMajor: major, issues };
}
