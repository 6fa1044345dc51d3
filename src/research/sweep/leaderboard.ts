/**
 * The leaderboard of a sweep: rows ranked by Sharpe (ties by index), each with
 * its gate status and reasons; the deflated Sharpe ratio of the winner against
 * the number of distinct configurations tried; the PBO of the whole sweep.
 */
import { deflatedSharpe } from '../../backtest/metrics.ts';
import type { Gates, StrategyParams } from '../../strategy/packs/schema.ts';
import { applyGates, type GateStatus } from './gates.ts';
import { pboFromBlocks } from '../../ml/validate/pbo.ts';
import type { SweepRow } from './task.ts';

/** One leaderboard line. */
export interface LeaderboardRow {
  rank: number;
  idx: number;
  params: StrategyParams;
  sharpe: number;
  total_return: number;
  trades: number;
  max_drawdown: number;
  win_rate: number;
  status: GateStatus;
  reasons: string[];
}

/** The ranked rows and the overfitting statistics. */
export interface Leaderboard {
  rows: LeaderboardRow[];
  /** Distinct results among the rows (identical equity curves count once). */
  trials: number;
  /** Deflated Sharpe ratio of the winner (probability its true Sharpe beats the best of `trials` unskilled tries). */
  winner_dsr: number;
  /** Probability of backtest overfitting (CSCV); NaN with fewer than two distinct rows. */
  pbo: number;
  pbo_splits: number;
  counts: Record<GateStatus, number>;
}

/** Rank rows and compute the winner's DSR and the sweep's PBO. */
export function buildLeaderboard(rows: readonly SweepRow[], gates: Gates, blocks: number): Leaderboard {
  const sorted = [...rows].sort((a, b) => (b.metrics.sharpe - a.metrics.sharpe) || a.idx - b.idx);
  const counts: Record<GateStatus, number> = { PASS: 0, MARGINAL: 0, FAIL: 0 };
  const out = sorted.map((r, i) => {
    const g = applyGates(r.metrics, gates);
    counts[g.status]++;
    const m = r.metrics;
    return { rank: i + 1, idx: r.idx, params: r.params, sharpe: m.sharpe, total_return: m.total_return, trades: m.trades, max_drawdown: m.max_drawdown, win_rate: m.win_rate, status: g.status, reasons: g.reasons };
  });
  // Configurations that trade identically (e.g. an hour filter on daily bars) are one trial, not several.
  const distinct = new Map<string, SweepRow>();
  for (const r of sorted) distinct.set(r.blocks.map((x) => x.toPrecision(12)).join(','), r);
  const uniq = [...distinct.values()];
  let dsr = NaN;
  const w = sorted[0];
  if (w) {
    const P = w.metrics.periods_per_year;
    const srs = uniq.map((r) => r.metrics.sharpe / Math.sqrt(P));
    const mean = srs.reduce((a, b) => a + b, 0) / srs.length;
    const variance = srs.length > 1 ? srs.reduce((a, b) => a + (b - mean) ** 2, 0) / (srs.length - 1) : undefined;
    dsr = deflatedSharpe(w.metrics.sharpe / Math.sqrt(P), w.metrics.bars, w.metrics.skew, w.metrics.kurtosis, uniq.length, variance);
  }
  const p = pboFromBlocks(uniq.map((r) => r.blocks), blocks);
  return { rows: out, trials: uniq.length, winner_dsr: dsr, pbo: p.pbo, pbo_splits: p.combinations, counts };
}

/** The leaderboard as CSV: rank, index, every swept parameter, the metrics, gate status and reasons. */
export function leaderboardCsv(lb: Leaderboard): string {
  const keys = [...new Set(lb.rows.flatMap((r) => Object.keys(r.params)))].sort();
  const esc = (v: unknown): string => {
    const s = typeof v === 'string' ? v : JSON.stringify(v) ?? '';
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const head = ['rank', 'idx', ...keys, 'sharpe', 'total_return', 'trades', 'max_drawdown', 'win_rate', 'status', 'reasons'];
  const lines = lb.rows.map((r) =>
    [r.rank, r.idx, ...keys.map((k) => (r.params as Record<string, unknown>)[k]), r.sharpe, r.total_return, r.trades, r.max_drawdown, r.win_rate, r.status, r.reasons.join('; ')].map(esc).join(','),
  );
  return `${[head.join(','), ...lines].join('\n')}\n`;
}
