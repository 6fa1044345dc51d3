/**
 * Cross-sectional and market features of the scan. Momentum is a
 * cross-sectional effect (Jegadeesh-Titman): what predicts a stock's next
 * month is where its past returns rank among its peers on the same date, and
 * the market's own state, more than its own level. For a symbol at a bar:
 *
 *   xs_*   percentile rank (0 = lowest, 1 = highest; ties share the mean rank)
 *          among the reference members with a bar on that date, of: log
 *          return over 5/21/63/126/252 bars, 12-1 momentum (252-bar minus
 *          21-bar return), 63-bar volatility, log distance from SMA(200)
 *   mkt_*  the market series (the universe's first benchmark) at the same
 *          date: log return over 21/63/252 bars, distance from SMA(200),
 *          annualised volatility over 21 and 63 bars
 *   rel_*  the symbol's 21/63/252-bar log return minus the market's
 *
 * Every value at bar t reads closes at or before t only: the panel (for
 * training and backtests) and the snapshot (for a live scan) call the same
 * per-bar kernels, so the two agree exactly.
 */
import type { BarSeries } from '../../core/bar.ts';
import { lowerBound } from '../../data/range.ts';

/** The per-member measures ranked across the cross-section. */
export const XS_MEASURES = ['r5', 'r21', 'r63', 'r126', 'r252', 'm12_1', 'v63', 'd200'] as const;
/** The market measures. */
export const MKT_MEASURES = ['r21', 'r63', 'r252', 'd200', 'v21', 'v63'] as const;
/** The relative-return horizons (bars). */
export const REL_HORIZONS = [21, 63, 252] as const;

/** Column names, in the order the kernels fill them. */
export const CROSS_SECTION_COLUMNS: readonly string[] = [
  ...XS_MEASURES.map((m) => `xs_${m}`),
  ...MKT_MEASURES.map((m) => `mkt_${m}`),
  ...REL_HORIZONS.map((h) => `rel_r${h}`),
];

/** Where the cross-section comes from: the reference members and the market series (null: no market columns). */
export interface CrossSectionSpec {
  members: readonly string[];
  market: string | null;
}

function logReturn(c: Float64Array, i: number, h: number): number {
  return i - h >= 0 ? Math.log(c[i]! / c[i - h]!) : NaN;
}

function annualVol(c: Float64Array, i: number, n: number): number {
  if (i - n < 0) return NaN;
  let s = 0;
  let s2 = 0;
  for (let k = i - n + 1; k <= i; k++) {
    const r = Math.log(c[k]! / c[k - 1]!);
    s += r;
    s2 += r * r;
  }
  const m = s / n;
  return Math.sqrt(Math.max(0, (s2 - n * m * m) / (n - 1)) * 252);
}

function distSma(c: Float64Array, i: number, n: number): number {
  if (i - n + 1 < 0) return NaN;
  let s = 0;
  for (let k = i - n + 1; k <= i; k++) s += c[k]!;
  return Math.log((c[i]! * n) / s);
}

/** The XS_MEASURES of closes at bar i, into `out`. */
export function memberMeasuresAt(c: Float64Array, i: number, out: Float64Array): Float64Array {
  out[0] = logReturn(c, i, 5);
  out[1] = logReturn(c, i, 21);
  out[2] = logReturn(c, i, 63);
  out[3] = logReturn(c, i, 126);
  out[4] = logReturn(c, i, 252);
  out[5] = out[4]! - out[1]!;
  out[6] = annualVol(c, i, 63);
  out[7] = distSma(c, i, 200);
  return out;
}

/** The MKT_MEASURES of closes at bar i, into `out`. */
export function marketMeasuresAt(c: Float64Array, i: number, out: Float64Array): Float64Array {
  out[0] = logReturn(c, i, 21);
  out[1] = logReturn(c, i, 63);
  out[2] = logReturn(c, i, 252);
  out[3] = distSma(c, i, 200);
  out[4] = annualVol(c, i, 21);
  out[5] = annualVol(c, i, 63);
  return out;
}

/** Percentile of v among `values` (which hold v): (below + (equal - 1) / 2) / (count - 1); NaN when v is not finite, 0.5 alone. */
export function percentile(v: number, values: ArrayLike<number>): number {
  if (!Number.isFinite(v)) return NaN;
  let below = 0;
  let equal = 0;
  let count = 0;
  for (let k = 0; k < values.length; k++) {
    const x = values[k]!;
    if (!Number.isFinite(x)) continue;
    count++;
    if (x < v) below++;
    else if (x === v) equal++;
  }
  return count <= 1 ? 0.5 : (below + (equal - 1) / 2) / (count - 1);
}

const NX = XS_MEASURES.length;
const NM = MKT_MEASURES.length;

/** Fill one row of CROSS_SECTION_COLUMNS from the symbol's measures, its peers' measures (each a row of NX, the symbol's among them) and the market's. */
function fillRow(own: Float64Array, peers: readonly Float64Array[], mkt: Float64Array | null, out: Float64Array): void {
  const col = new Float64Array(peers.length);
  for (let m = 0; m < NX; m++) {
    for (let k = 0; k < peers.length; k++) col[k] = peers[k]![m]!;
    out[m] = percentile(own[m]!, col);
  }
  for (let m = 0; m < NM; m++) out[NX + m] = mkt ? mkt[m]! : NaN;
  REL_HORIZONS.forEach((h, k) => {
    const r = h === 21 ? own[1]! : h === 63 ? own[2]! : own[4]!;
    const mr = !mkt ? NaN : h === 21 ? mkt[0]! : h === 63 ? mkt[1]! : mkt[2]!;
    out[NX + NM + k] = r - mr;
  });
}

/** Index of the market bar on or before `t` (-1 when none). */
function marketBar(market: BarSeries, t: number): number {
  return lowerBound(market.time, t + 1) - 1;
}

/**
 * The columns for every bar of every member (column-major, bars x CROSS_SECTION_COLUMNS,
 * aligned with each member's own bars). Ranks at a date use the members with a bar on that date.
 */
export function crossSectionPanel(members: readonly BarSeries[], market: BarSeries | null): Map<string, Float64Array> {
  const measures = members.map((s) => {
    const n = s.close.length;
    const rows: Float64Array[] = [];
    for (let i = 0; i < n; i++) rows.push(memberMeasuresAt(s.close, i, new Float64Array(NX)));
    return rows;
  });
  const byDate = new Map<number, Float64Array[]>();
  members.forEach((s, k) =>
    s.time.forEach((t, i) => {
      const list = byDate.get(t);
      if (list) list.push(measures[k]![i]!);
      else byDate.set(t, [measures[k]![i]!]);
    }),
  );
  const mktCache = new Map<number, Float64Array | null>();
  const mktAt = (t: number): Float64Array | null => {
    if (!market) return null;
    let v = mktCache.get(t);
    if (v === undefined) {
      const j = marketBar(market, t);
      v = j < 0 ? null : marketMeasuresAt(market.close, j, new Float64Array(NM));
      mktCache.set(t, v);
    }
    return v;
  };
  const p = CROSS_SECTION_COLUMNS.length;
  const out = new Map<string, Float64Array>();
  const row = new Float64Array(p);
  members.forEach((s, k) => {
    const n = s.close.length;
    const data = new Float64Array(n * p);
    for (let i = 0; i < n; i++) {
      fillRow(measures[k]![i]!, byDate.get(s.time[i]!)!, mktAt(s.time[i]!), row);
      for (let j = 0; j < p; j++) data[j * n + i] = row[j]!;
    }
    out.set(s.symbol, data);
  });
  return out;
}

/**
 * The cross-section at one signal time, for a live scan: every member's measures at its
 * last bar (the series end at the signal time), then one row per scored symbol.
 */
export class CrossSectionSnapshot {
  private readonly last = new Map<string, { time: number; m: Float64Array }>();

  constructor(
    members: readonly BarSeries[],
    private readonly market: BarSeries | null,
  ) {
    for (const s of members) {
      const n = s.close.length;
      if (n > 0) this.last.set(s.symbol, { time: s.time[n - 1]!, m: memberMeasuresAt(s.close, n - 1, new Float64Array(NX)) });
    }
  }

  /** CROSS_SECTION_COLUMNS of `daily`'s last bar, ranked among the members with a bar on the same date (the symbol counted once). */
  row(daily: BarSeries, out = new Float64Array(CROSS_SECTION_COLUMNS.length)): Float64Array {
    const n = daily.close.length;
    const t = daily.time[n - 1]!;
    const own = memberMeasuresAt(daily.close, n - 1, new Float64Array(NX));
    const peers: Float64Array[] = [own];
    for (const [sym, v] of this.last) if (sym !== daily.symbol && v.time === t) peers.push(v.m);
    const j = this.market ? marketBar(this.market, t) : -1;
    fillRow(own, peers, j < 0 ? null : marketMeasuresAt(this.market!.close, j, new Float64Array(NM)), out);
    return out;
  }
}
