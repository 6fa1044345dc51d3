/**
 * What a model resolves to: everything needed to evaluate it, as plain JSON so
 * that it travels to worker threads and BullMQ workers unchanged.
 */
import type { Gates, Instrument, InstrumentSettings, Pack, PackIndicator, StrategyParams } from '../packs/schema.ts';

/** A runnable model: the pack's chosen parts plus the instrument and data settings. */
export interface ModelSpec {
  pack: { namespace: string; version: string };
  name: string;
  timeframe: Pack['timeframe'];
  indicators: PackIndicator[];
  features: string[];
  strategy: string;
  params: StrategyParams;
  instrument: Instrument;
  settings: InstrumentSettings[Instrument];
  execution: Pack['policies']['execution'];
  risk: Pack['policies']['risk'];
  gates: Gates;
  data: Pack['data'];
}

/** The model a pack describes with all its defaults (what `packs validate` backtests). */
export function defaultModelSpec(pack: Pack, name = `${pack.namespace}-default`): ModelSpec {
  const strategy = pack.strategies.find((s) => s.default) ?? pack.strategies[0]!;
  const instrument = pack.instruments.default;
  return {
    pack: { namespace: pack.namespace, version: pack.version },
    name,
    timeframe: pack.timeframe,
    indicators: pack.indicators,
    features: pack.features,
    strategy: strategy.name,
    params: strategy.params,
    instrument,
    settings: pack.instruments.settings[instrument]!,
    execution: pack.policies.execution,
    risk: pack.policies.risk,
    gates: pack.gates,
    data: pack.data,
  };
}

/** The symbol whose bars a model trades: the ticker, the option's underlying, or the future's contract root. */
export function tradedSymbol(spec: ModelSpec): string {
  const s = spec.settings as Partial<Record<'ticker' | 'underlying' | 'contract', string>>;
  return s.ticker ?? s.underlying ?? s.contract ?? spec.data.symbol;
}
