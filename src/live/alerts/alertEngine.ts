import type { Alert, OptionAlert, StockAlert, Urgency } from '../../core/alert.ts';
import type { Bar } from '../../core/bar.ts';
import type { Action } from '../../core/signal.ts';
import { SmaStream } from '../../indicators/sma.ts';
import { alertId } from './alertId.ts';
import { AtrStream } from './atrStream.ts';
import type { BarSignal } from './barSignal.ts';
import { resolveConflict, type ConflictDecision, type ConflictPolicy } from './conflicts.ts';
import type { PublishedModel } from './publishedModel.ts';

/** What one bar produced: the alerts to route and store, and the audited conflict decisions. */
export interface AlertBatch {
  alerts: Alert[];
  decisions: ConflictDecision[];
}

export interface AlertEngineOptions {
  policy: ConflictPolicy;
  /** Ensemble weights by model_id (1 when absent). */
  weights?: ReadonlyMap<string, number>;
  /** Id source (UUID v7 stamped with the bar time by default; tests pass a deterministic one). */
  newId?: (timeMs: number) => string;
  /** Signals of `trained` rules by model_id (a published training's model; see research/training/liveModels.ts). */
  signals?: ReadonlyMap<string, BarSignal>;
}

/** One indicator with the value it had before the latest bar (crossings need both). */
interface Tracked {
  sma: SmaStream;
  prev: number;
}

/** Time strings of the current bar, shared by its alerts. */
interface BarTimes {
  iso: string;
  until: Map<number, string>;
  expiry: Map<number, string>;
}

/** Streaming state of one symbol, shared by every model that watches it. */
interface SymbolState {
  smas: Map<number, Tracked>;
  atrs: Map<number, AtrStream>;
  prevClose: number;
  lastTime: number;
}

/**
 * Builds alerts from bars as they arrive: each bar updates the symbol's
 * streaming indicators once (shared by all models), each published model's rule
 * is checked for a crossing, and alerts from several models on one ticker are
 * resolved by the conflict policy. Pure and synchronous (no I/O): the caller
 * stores the batch and routes the alerts.
 */
export class AlertEngine {
  private readonly states = new Map<string, SymbolState>();
  private readonly newId: (t: number) => string;

  constructor(
    private readonly models: readonly PublishedModel[],
    private readonly opts: AlertEngineOptions,
  ) {
    this.newId = opts.newId ?? alertId;
  }

  /** Feed one bar of `symbol` (bars of a symbol in time order; a repeated or older bar is ignored). */
  onBar(symbol: string, bar: Bar): AlertBatch {
    const st = this.state(symbol);
    if (bar.time <= st.lastTime) return { alerts: [], decisions: [] };
    st.lastTime = bar.time;
    for (const t of st.smas.values()) {
      t.prev = t.sma.value;
      t.sma.update(bar.close);
    }
    for (const a of st.atrs.values()) a.update(bar.high, bar.low, bar.close);
    const prevClose = st.prevClose;
    st.prevClose = bar.close;

    const candidates: Alert[] = [];
    // Time strings are made once per bar, not once per alert (they dominate the cost of building one).
    const times: BarTimes = { iso: '', until: new Map(), expiry: new Map() };
    for (const m of this.models) {
      if (m.symbols && !m.symbols.includes(symbol)) continue;
      const sig = this.evaluate(m, st, symbol, bar, prevClose);
      if (!sig || sig.confidence < m.min_confidence) continue;
      candidates.push(this.build(m, symbol, bar, sig.action, sig.confidence, st.atrs.get(m.atr_period)!.value, times));
    }
    if (candidates.length <= 1) return { alerts: candidates, decisions: [] };
    const { alert, decision } = resolveConflict(candidates, this.opts.policy, { decisionId: this.newId(bar.time), ensembleAlertId: this.newId(bar.time) }, this.opts.weights);
    return { alerts: alert ? [alert] : [], decisions: [decision] };
  }

  /** Feed the same bar time for many symbols (a market snapshot); batches are concatenated. */
  onBars(bars: ReadonlyMap<string, Bar>): AlertBatch {
    const out: AlertBatch = { alerts: [], decisions: [] };
    for (const [s, b] of bars) {
      const r = this.onBar(s, b);
      for (const a of r.alerts) out.alerts.push(a);
      for (const d of r.decisions) out.decisions.push(d);
    }
    return out;
  }

  private state(symbol: string): SymbolState {
    let st = this.states.get(symbol);
    if (st) return st;
    st = { smas: new Map(), atrs: new Map(), prevClose: NaN, lastTime: -Infinity };
    for (const m of this.models) {
      if (m.symbols && !m.symbols.includes(symbol)) continue;
      const periods = m.rule.kind === 'sma_cross' ? [m.rule.fast, m.rule.slow] : m.rule.kind === 'price_vs_sma' ? [m.rule.period] : [];
      for (const p of periods) if (!st.smas.has(p)) st.smas.set(p, { sma: new SmaStream(p), prev: NaN });
      if (!st.atrs.has(m.atr_period)) st.atrs.set(m.atr_period, new AtrStream(m.atr_period));
    }
    this.states.set(symbol, st);
    return st;
  }

  /** A crossing on this bar, with its strength as a confidence in [0.5, 1). */
  private evaluate(m: PublishedModel, st: SymbolState, symbol: string, bar: Bar, prevClose: number): { action: Action; confidence: number } | null {
    if (m.rule.kind === 'trained') {
      const sig = this.opts.signals?.get(m.model_id);
      if (!sig) throw new Error(`model ${m.model_id}: a trained rule needs its signal in AlertEngineOptions.signals`);
      return sig.onBar(symbol, bar);
    }
    const close = bar.close;
    let prevGap: number;
    let gap: number;
    if (m.rule.kind === 'sma_cross') {
      const f = st.smas.get(m.rule.fast)!;
      const s = st.smas.get(m.rule.slow)!;
      prevGap = f.prev - s.prev;
      gap = f.sma.value - s.sma.value;
    } else {
      const s = st.smas.get(m.rule.period)!;
      prevGap = prevClose - s.prev;
      gap = close - s.sma.value;
    }
    // NaN until both bars have stable values: comparisons below are then false.
    let action: Action | null = null;
    if (prevGap <= 0 && gap > 0) action = 'BUY';
    else if (prevGap >= 0 && gap < 0) action = 'SELL';
    if (!action) return null;
    // Strength: the gap in ATRs (or in percent of price before the ATR is stable).
    const atr = st.atrs.get(m.atr_period)!.value;
    const strength = Math.abs(gap) / (atr > 0 ? atr : close / 100);
    return { action, confidence: 0.5 + 0.5 * (1 - Math.exp(-strength)) };
  }

  private build(m: PublishedModel, symbol: string, bar: Bar, action: Action, confidence: number, atr: number, times: BarTimes): Alert {
    if (times.iso === '') times.iso = new Date(bar.time).toISOString();
    let until = times.until.get(m.valid_minutes);
    if (until === undefined) times.until.set(m.valid_minutes, (until = new Date(bar.time + m.valid_minutes * 60_000).toISOString()));
    const dir = action === 'BUY' ? 1 : -1;
    const entry = bar.close;
    const stop = atr > 0 ? round4(entry - dir * m.stop_atr * atr) : null;
    const target = atr > 0 ? round4(entry + dir * m.take_profit_atr * atr) : null;
    const common = {
      alert_id: this.newId(bar.time),
      timestamp: times.iso,
      model_id: m.model_id,
      action,
      confidence,
      entry_price: entry,
      stop_loss: stop !== null && stop > 0 ? stop : null,
      take_profit: target !== null && target > 0 ? target : null,
      urgency: urgencyOf(confidence),
      valid_until: until,
    };
    if (m.instrument === 'stock') return { ...common, instrument: 'stock', ticker: symbol, quantity: m.quantity } satisfies StockAlert;
    const o = m.option;
    let expiry = times.expiry.get(o.min_days);
    if (expiry === undefined) times.expiry.set(o.min_days, (expiry = fridayOnOrAfter(bar.time + o.min_days * 86_400_000)));
    const atm = Math.round(entry / o.strike_step) * o.strike_step;
    const strike = Math.max(o.strike_step, round4(atm + dir * o.otm_steps * o.strike_step));
    return {
      ...common,
      instrument: 'option',
      underlying: symbol,
      option_type: action === 'BUY' ? 'call' : 'put',
      strike,
      expiration: expiry,
      contracts: o.contracts,
      quantity: o.contracts,
    } satisfies OptionAlert;
  }
}

/** high from 0.8, normal from 0.6, else low. */
export function urgencyOf(confidence: number): Urgency {
  return confidence >= 0.8 ? 'high' : confidence >= 0.6 ? 'normal' : 'low';
}

/** YYYY-MM-DD of the first Friday on or after the UTC day of `ms` (weekly equity options expire on Fridays). */
export function fridayOnOrAfter(ms: number): string {
  const d = new Date(ms);
  const add = (5 - d.getUTCDay() + 7) % 7;
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + add)).toISOString().slice(0, 10);
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
