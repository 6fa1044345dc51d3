/**
 * Make a model from a pack: a name, a subset of the pack's indicators, one of
 * its strategies, a risk profile no bolder than the pack, and instrument
 * settings (missing ones default from the pack). Anything the pack does not
 * offer is refused with the field named.
 */
import { BadInputError } from '../../core/errors.ts';
import { InstrumentSettingsSchemas, type Instrument, type Pack } from '../packs/schema.ts';
import type { ModelSpec } from './modelSpec.ts';

/** Risk profiles, from most to least careful, with the share of the pack's position size each uses. */
export const RISK_PROFILES = { conservative: 0.5, moderate: 0.75, aggressive: 1 } as const;
export type RiskProfile = keyof typeof RISK_PROFILES;

/** What a user asks for when creating a model. */
export interface ModelRequest {
  name: string;
  indicators?: string[];
  strategy?: string;
  riskProfile?: string;
  instrument?: string;
  /** Instrument settings given (e.g. ticker); the rest default from the pack. */
  settings?: Record<string, unknown>;
}

/** Validate a request against the pack and resolve it to a runnable ModelSpec. */
export function buildModel(pack: Pack, req: ModelRequest): ModelSpec {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(req.name)) throw new BadInputError(`name: "${req.name}" must be 1-64 letters, digits, _ . or -`);
  const ids = pack.indicators.map((i) => i.id);
  const chosen = req.indicators ?? ids;
  if (chosen.length === 0) throw new BadInputError('indicators: choose at least one of the pack\'s indicators');
  for (const id of chosen) if (!ids.includes(id)) throw new BadInputError(`indicators: "${id}" is not in pack ${pack.namespace} (offers ${ids.join(', ')})`);
  if (new Set(chosen).size !== chosen.length) throw new BadInputError('indicators: listed twice');
  const strategy = req.strategy === undefined ? (pack.strategies.find((s) => s.default) ?? pack.strategies[0]!) : pack.strategies.find((s) => s.name === req.strategy);
  if (!strategy) throw new BadInputError(`strategy: "${req.strategy}" is not in pack ${pack.namespace} (offers ${pack.strategies.map((s) => s.name).join(', ')})`);
  const packLevel = pack.personality.risk_appetite;
  const profile = (req.riskProfile ?? packLevel) as RiskProfile;
  if (!(profile in RISK_PROFILES)) throw new BadInputError(`risk_profile: "${req.riskProfile}" must be one of ${Object.keys(RISK_PROFILES).join(', ')}`);
  if (RISK_PROFILES[profile] > RISK_PROFILES[packLevel]) throw new BadInputError(`risk_profile: ${profile} is bolder than pack ${pack.namespace} allows (${packLevel})`);
  const instrument = (req.instrument ?? pack.instruments.default) as Instrument;
  if (!pack.instruments.supported.includes(instrument)) throw new BadInputError(`instrument: ${String(req.instrument)} is not supported by pack ${pack.namespace} (${pack.instruments.supported.join(', ')})`);
  const merged = { ...pack.instruments.settings[instrument], ...(req.settings ?? {}) };
  const parsed = InstrumentSettingsSchemas[instrument].safeParse(merged);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    const field = i.code === 'unrecognized_keys' ? i.keys.join(', ') : i.path.join('.');
    throw new BadInputError(`${instrument} settings: ${field}: ${i.code === 'unrecognized_keys' ? `not a ${instrument} setting of this pack` : i.message}`);
  }
  const settings = parsed.data;
  if (instrument === 'option' && pack.personality.time_horizon === 'intraday' && (settings as { default_dte: number }).default_dte > 1) {
    throw new BadInputError(`option settings: default_dte: an intraday pack trades 0-1 DTE options`);
  }
  const scale = RISK_PROFILES[profile] / RISK_PROFILES[packLevel];
  return {
    pack: { namespace: pack.namespace, version: pack.version },
    name: req.name,
    timeframe: pack.timeframe,
    indicators: pack.indicators.filter((i) => chosen.includes(i.id)),
    features: pack.features,
    strategy: strategy.name,
    params: strategy.params,
    instrument,
    settings,
    execution: pack.policies.execution,
    risk: { ...pack.policies.risk, position_size: pack.policies.risk.position_size * scale },
    gates: pack.gates,
    data: { ...pack.data, symbol: (settings as { ticker?: string; underlying?: string; contract?: string }).ticker ?? (settings as { underlying?: string }).underlying ?? (settings as { contract?: string }).contract ?? pack.data.symbol },
  };
}
