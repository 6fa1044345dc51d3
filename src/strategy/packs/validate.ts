/**
 * Parse and validate a pack file: YAML -> migration of older majors -> zod
 * schema -> semantic rules (indicator count and registry, indicator/timeframe
 * coherence, default strategy, risk consistency, instrument compatibility).
 * Every problem names the file and the YAML path (and the line when the path
 * exists in the source), e.g. `packs/swing.yaml:14: indicators[3].timeframe: ...`.
 */
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { ZodError } from 'zod';
import { DataError, type Issue } from '../../core/errors.ts';
import { TIMEFRAME_MINUTES, type Timeframe } from '../../core/time.ts';
import { defaultFeatureSet } from '../../features/defaultSet.ts';
import { INDICATORS, resolveParams } from '../../indicators/registry.ts';
import { migratePack } from './migrate.ts';
import { PackSchema, type Pack } from './schema.ts';

/** A path inside the YAML document. */
export type YamlPath = readonly (string | number | symbol)[];

/** `indicators[3].timeframe` for ['indicators', 3, 'timeframe']. */
export function formatPath(path: YamlPath): string {
  let s = '';
  for (const k of path) {
    if (typeof k === 'number') s += `[${k}]`;
    else s += s.length === 0 ? String(k) : `.${String(k)}`;
  }
  return s.length === 0 ? '(root)' : s;
}

/** Trading minutes of one bar: a daily bar is one 390-minute session. */
function barMinutes(tf: Timeframe): number {
  return tf === '1d' ? 390 : TIMEFRAME_MINUTES[tf];
}

/** The most history (in sessions) one indicator may need, by the pack's horizon: no 200-day average in an intraday pack. */
export const MAX_LOOKBACK_SESSIONS = { intraday: 5, swing: 260, position: 1300 } as const;

/** The smallest and largest bar size each horizon may trade on. */
const HORIZON_TIMEFRAMES: Readonly<Record<keyof typeof MAX_LOOKBACK_SESSIONS, readonly Timeframe[]>> = {
  intraday: ['1m', '5m', '30m', '1h'],
  swing: ['1h', '6h', '1d'],
  position: ['1d'],
};

type AddIssue = (path: YamlPath, message: string) => void;

/** The semantic rules the schema cannot express; each problem goes to `add` with its path. */
export function checkPackRules(p: Pack, add: AddIssue): void {
  const horizon = p.personality.time_horizon;
  if (!HORIZON_TIMEFRAMES[horizon].includes(p.timeframe)) {
    add(['timeframe'], `${p.timeframe} bars do not fit ${horizon === 'intraday' ? 'an' : 'a'} ${horizon} pack (use one of ${HORIZON_TIMEFRAMES[horizon].join(', ')})`);
  }
  // Indicators: 3-15, known, valid parameters, coherent with the bar size and horizon.
  if (p.indicators.length < 3 || p.indicators.length > 15) add(['indicators'], `a pack needs 3 to 15 indicators, found ${p.indicators.length}`);
  const ids = new Set<string>();
  p.indicators.forEach((ind, i) => {
    if (ids.has(ind.id)) add(['indicators', i, 'id'], `duplicate indicator id "${ind.id}"`);
    ids.add(ind.id);
    const def = INDICATORS.get(ind.name);
    if (!def) {
      add(['indicators', i, 'name'], `unknown indicator "${ind.name}"`);
      return;
    }
    let params;
    try {
      params = resolveParams(def, ind.params);
    } catch (e) {
      add(['indicators', i, 'params'], (e as Error).message);
      return;
    }
    if (ind.output !== undefined && !def.outputs.includes(ind.output)) add(['indicators', i, 'output'], `${ind.name} has no output "${ind.output}" (outputs: ${def.outputs.join(', ')})`);
    if (TIMEFRAME_MINUTES[ind.timeframe] < TIMEFRAME_MINUTES[p.timeframe]) {
      add(['indicators', i, 'timeframe'], `${ind.timeframe} is finer than the pack's ${p.timeframe} bars`);
      return;
    }
    const sessions = (def.warmup(params) * barMinutes(ind.timeframe)) / 390;
    const limit = MAX_LOOKBACK_SESSIONS[horizon];
    if (sessions > limit) {
      const desc = `${ind.name}(${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(',')}) on ${ind.timeframe}`;
      add(['indicators', i, 'timeframe'], `${desc} needs ${Math.ceil(sessions)} sessions of history; ${horizon === 'intraday' ? 'an' : 'a'} ${horizon} pack allows at most ${limit}`);
    }
  });
  const known = new Set(defaultFeatureSet(p.timeframe).features.map((f) => f.name));
  p.features.forEach((f, i) => {
    if (!known.has(f)) add(['features', i], `unknown feature "${f}" (not in the default feature set)`);
  });
  // Strategies: unique names, at least one default, option-only parameters only where options trade.
  const names = new Set<string>();
  p.strategies.forEach((s, i) => {
    if (names.has(s.name)) add(['strategies', i, 'name'], `duplicate strategy "${s.name}"`);
    names.add(s.name);
    const sp = s.params;
    if (!p.instruments.supported.includes('option')) {
      if (sp.strike_selection !== undefined) add(['strategies', i, 'params', 'strike_selection'], 'only packs that support options may set strike_selection');
      if (sp.dte_target !== undefined) add(['strategies', i, 'params', 'dte_target'], 'only packs that support options may set dte_target');
    }
    if (sp.max_positions > p.policies.risk.max_positions) add(['strategies', i, 'params', 'max_positions'], `${sp.max_positions} exceeds policies.risk.max_positions ${p.policies.risk.max_positions}`);
    if (sp.exit_threshold !== undefined && sp.exit_threshold > sp.threshold) add(['strategies', i, 'params', 'exit_threshold'], `exit_threshold ${sp.exit_threshold} is above the entry threshold ${sp.threshold}`);
    if (horizon === 'intraday' && sp.hold_days > 1) add(['strategies', i, 'params', 'hold_days'], `an intraday pack holds at most 1 day, got ${sp.hold_days}`);
  });
  if (!p.strategies.some((s) => s.default)) add(['strategies'], 'at least one strategy must be marked default: true');
  // Risk: a stopped-out position must fit in the daily loss limit, and the book must fit the account.
  const r = p.policies.risk;
  if (r.stop_loss * r.position_size > r.max_daily_loss) {
    add(['policies', 'risk', 'max_daily_loss'], `one stopped-out position loses ${(r.stop_loss * r.position_size * 100).toFixed(2)}% (stop_loss x position_size), more than max_daily_loss ${(r.max_daily_loss * 100).toFixed(2)}%`);
  }
  if (r.position_size * r.max_positions > 1 + 1e-12) add(['policies', 'risk', 'max_positions'], `${r.max_positions} positions of ${r.position_size} of equity exceed the account (no leverage)`);
  if (p.personality.risk_appetite === 'conservative' && r.position_size > 0.25) add(['policies', 'risk', 'position_size'], `a conservative pack sizes positions at most 0.25 of equity, got ${r.position_size}`);
  if (r.take_profit > 0 && r.stop_loss > 0 && r.take_profit < r.stop_loss && p.personality.risk_appetite !== 'aggressive') {
    add(['policies', 'risk', 'take_profit'], `take_profit ${r.take_profit} below stop_loss ${r.stop_loss} risks more than it targets`);
  }
  if (r.max_daily_loss > r.max_drawdown_halt) add(['policies', 'risk', 'max_daily_loss'], 'max_daily_loss exceeds max_drawdown_halt');
  // Instruments: the default is supported, every supported one has settings, nothing else does.
  const inst = p.instruments;
  if (!inst.supported.includes(inst.default)) add(['instruments', 'default'], `${inst.default} is not among the supported instruments (${inst.supported.join(', ')})`);
  if (new Set(inst.supported).size !== inst.supported.length) add(['instruments', 'supported'], 'lists an instrument twice');
  for (const k of ['stock', 'option', 'future'] as const) {
    const has = inst.settings[k] !== undefined;
    if (inst.supported.includes(k) && !has) add(['instruments', 'settings', k], `${k} is supported, so its default settings are required`);
    if (!inst.supported.includes(k) && has) add(['instruments', 'settings', k], `${k} is not supported by this pack`);
  }
  if (horizon === 'intraday') {
    if (!p.policies.execution.flat_at_close) add(['policies', 'execution', 'flat_at_close'], 'an intraday pack must close its positions at the session close');
    const opt = inst.settings.option;
    if (opt && opt.default_dte > 1) add(['instruments', 'settings', 'option', 'default_dte'], `an intraday pack trades 0-1 DTE options, got ${opt.default_dte}`);
    if (inst.supported.includes('future')) add(['instruments', 'supported'], 'futures roll over days; an intraday pack cannot support them');
  }
  if (p.gates.min_win_rate !== undefined && p.gates.min_win_rate > 0.9) add(['gates', 'min_win_rate'], 'above 0.9 no honest configuration passes');
}

/** Line of a YAML path in the document (1-based), when the path exists there. */
function lineOf(doc: ReturnType<typeof parseDocument>, counter: LineCounter, path: YamlPath): number | undefined {
  for (let k = path.length; k >= 1; k--) {
    const node: unknown = doc.getIn(path.slice(0, k) as (string | number)[], true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

/** Parse, migrate and validate a pack's YAML text; throws a DataError listing every problem with its YAML path. */
export function parsePack(text: string, source: string): Pack {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new DataError(source, [{ line: e.linePos?.[0]?.line, reason: `YAML: ${e.message.split('\n')[0]}` }]);
  }
  const issues: Issue[] = [];
  const add: AddIssue = (path, message) => {
    issues.push({ line: lineOf(doc, counter, path), field: formatPath(path), reason: message });
  };
  const migrated = migratePack(doc.toJS());
  migrated.issues.forEach((i) => add(i.path, i.message));
  if (issues.length > 0) throw new DataError(source, issues);
  const parsed = PackSchema.safeParse(migrated.pack);
  if (!parsed.success) {
    zodIssues(parsed.error).forEach((i) => add(i.path, i.message));
    throw new DataError(source, issues);
  }
  checkPackRules(parsed.data, add);
  if (issues.length > 0) throw new DataError(source, issues);
  return parsed.data;
}

function zodIssues(err: ZodError): { path: YamlPath; message: string }[] {
  return err.issues.map((i) => {
    if (i.code === 'unrecognized_keys') return { path: [...i.path, i.keys[0]!], message: `unknown field${i.keys.length > 1 ? `s ${i.keys.join(', ')}` : ''}` };
    const msg = i.code === 'invalid_type' && /received undefined/.test(i.message) ? 'required' : i.message;
    return { path: i.path, message: msg };
  });
}
