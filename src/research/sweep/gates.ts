/** Quality gates of a sweep row: PASS, MARGINAL (within 10-20% of a limit) or FAIL, with reasons. */
import type { Gates } from '../../strategy/packs/schema.ts';

export type GateStatus = 'PASS' | 'MARGINAL' | 'FAIL';

/** The metrics the gates read. */
export interface GateMetrics {
  trades: number;
  sharpe: number;
  max_drawdown: number;
  win_rate: number;
}

/**
 * Judge one configuration. A failed gate is FAIL; a passed gate that is close
 * to its limit (trades within 25% above min_trades, Sharpe within 0.25 above
 * min_sharpe, drawdown within 20% below the limit, win rate within 0.05) is
 * MARGINAL. Reasons name each gate and value.
 */
export function applyGates(m: GateMetrics, g: Gates): { status: GateStatus; reasons: string[] } {
  const fail: string[] = [];
  const near: string[] = [];
  const dd = Math.abs(m.max_drawdown);
  if (m.trades < g.min_trades) fail.push(`trades ${m.trades} < ${g.min_trades}`);
  else if (m.trades < g.min_trades * 1.25) near.push(`trades ${m.trades} near ${g.min_trades}`);
  if (!(m.sharpe >= g.min_sharpe)) fail.push(`sharpe ${m.sharpe.toFixed(2)} < ${g.min_sharpe}`);
  else if (m.sharpe < g.min_sharpe + 0.25) near.push(`sharpe ${m.sharpe.toFixed(2)} near ${g.min_sharpe}`);
  if (dd > g.max_drawdown) fail.push(`drawdown ${(dd * 100).toFixed(1)}% > ${(g.max_drawdown * 100).toFixed(0)}%`);
  else if (dd > g.max_drawdown * 0.8) near.push(`drawdown ${(dd * 100).toFixed(1)}% near ${(g.max_drawdown * 100).toFixed(0)}%`);
  if (g.min_win_rate !== undefined) {
    if (m.win_rate < g.min_win_rate) fail.push(`win rate ${(m.win_rate * 100).toFixed(1)}% < ${(g.min_win_rate * 100).toFixed(0)}%`);
    else if (m.win_rate < g.min_win_rate + 0.05) near.push(`win rate ${(m.win_rate * 100).toFixed(1)}% near ${(g.min_win_rate * 100).toFixed(0)}%`);
  }
  if (fail.length > 0) return { status: 'FAIL', reasons: fail };
  return near.length > 0 ? { status: 'MARGINAL', reasons: near } : { status: 'PASS', reasons: [] };
}
