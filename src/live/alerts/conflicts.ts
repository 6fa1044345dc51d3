import type { Alert } from '../../core/alert.ts';
import type { Action } from '../../core/signal.ts';
import { alertTicker } from './alertSchema.ts';

/** How alerts from several models on one ticker (on one bar) become at most one. */
export const ConflictPolicy = { FIRST_WINS: 'first-wins', HIGHEST_CONFIDENCE: 'highest-confidence', ENSEMBLE: 'ensemble' } as const;
export type ConflictPolicy = (typeof ConflictPolicy)[keyof typeof ConflictPolicy];

/** The audit record of one resolution, stored as an `alert.conflict` event. */
export interface ConflictDecision {
  decision_id: string;
  /** ISO-8601 UTC of the bar. */
  timestamp: string;
  ticker: string;
  policy: ConflictPolicy;
  candidates: { alert_id: string; model_id: string; action: Action; confidence: number }[];
  /** The alert that goes out (a new ensemble alert under `ensemble`), or null when none does. */
  winner_alert_id: string | null;
  action: Action | null;
  reason: string;
}

/**
 * Resolve candidates (in model publication order) under a policy.
 * - first-wins: the first published model's alert.
 * - highest-confidence: the most confident; ties go to the earlier model.
 * - ensemble: a weighted vote, each model voting its confidence for its side;
 *   the winning side's alert carries confidence = the winning side's weighted
 *   confidence over all weight; a tied vote sends nothing.
 */
export function resolveConflict(
  candidates: readonly Alert[],
  policy: ConflictPolicy,
  ids: { decisionId: string; ensembleAlertId: string },
  weights: ReadonlyMap<string, number> = new Map(),
): { alert: Alert | null; decision: ConflictDecision } {
  if (candidates.length === 0) throw new RangeError('resolveConflict needs at least one candidate');
  const first = candidates[0]!;
  const decision = (alert: Alert | null, reason: string): { alert: Alert | null; decision: ConflictDecision } => ({
    alert,
    decision: {
      decision_id: ids.decisionId,
      timestamp: first.timestamp,
      ticker: alertTicker(first),
      policy,
      candidates: candidates.map((c) => ({ alert_id: c.alert_id, model_id: c.model_id, action: c.action, confidence: c.confidence })),
      winner_alert_id: alert?.alert_id ?? null,
      action: alert?.action ?? null,
      reason,
    },
  });
  if (policy === 'first-wins') return decision(first, `first published model ${first.model_id} wins`);
  if (policy === 'highest-confidence') {
    let best = first;
    for (const c of candidates) if (c.confidence > best.confidence) best = c;
    return decision(best, `${best.model_id} has the highest confidence ${best.confidence.toFixed(4)}`);
  }
  let total = 0;
  let buy = 0;
  let sell = 0;
  for (const c of candidates) {
    const w = weights.get(c.model_id) ?? 1;
    total += w;
    if (c.action === 'BUY') buy += w * c.confidence;
    else if (c.action === 'SELL') sell += w * c.confidence;
  }
  if (Math.abs(buy - sell) <= 1e-12 * Math.max(1, total)) return decision(null, `ensemble vote tied (BUY ${buy.toFixed(4)} vs SELL ${sell.toFixed(4)}): no alert`);
  const side: Action = buy > sell ? 'BUY' : 'SELL';
  const agreeing = candidates.filter((c) => c.action === side);
  let lead = agreeing[0]!;
  for (const c of agreeing) if (c.confidence > lead.confidence) lead = c;
  const confidence = Math.min(1, (side === 'BUY' ? buy : sell) / total);
  const alert: Alert = { ...lead, alert_id: ids.ensembleAlertId, model_id: `ensemble(${candidates.map((c) => c.model_id).join('+')})`, confidence };
  return decision(alert, `ensemble vote ${side}: BUY ${buy.toFixed(4)} vs SELL ${sell.toFixed(4)} over weight ${total}`);
}
