/**
 * The decision rule on top of the calibrated ensemble probability p that a
 * trade entered now is profitable:
 *   direction  BUY when p >= threshold (the F1-optimised cut), else SELL
 *   confidence p for BUY, 1 - p for SELL
 *   HOLD       when confidence < minConfidence (default 0.7) or risk > maxRisk (default 6)
 */
import type { Action } from '../../core/signal.ts';

/** The settable HOLD rules. */
export interface DecisionRules {
  minConfidence: number;
  maxRisk: number;
}

/** The defaults: confidence below 0.7 or risk above 6 means HOLD. */
export const DEFAULT_RULES: Readonly<DecisionRules> = Object.freeze({ minConfidence: 0.7, maxRisk: 6 });

/** A decision with the reason a person reads. */
export interface DecisionResult {
  decision: Action;
  /** Direction before the HOLD rules. */
  direction: 'BUY' | 'SELL';
  confidence: number;
  reason: string;
}

/** Apply the rule (see the file comment). */
export function decide(p: number, threshold: number, risk: number, rules: DecisionRules = DEFAULT_RULES): DecisionResult {
  const direction = p >= threshold ? 'BUY' : 'SELL';
  const confidence = direction === 'BUY' ? p : 1 - p;
  if (!Number.isFinite(confidence)) return { decision: 'HOLD', direction, confidence: 0, reason: 'no probability' };
  if (confidence < rules.minConfidence) return { decision: 'HOLD', direction, confidence, reason: `${direction} confidence ${confidence.toFixed(2)} < ${rules.minConfidence}` };
  if (risk > rules.maxRisk) return { decision: 'HOLD', direction, confidence, reason: `${direction} but risk ${risk} > ${rules.maxRisk}` };
  return { decision: direction, direction, confidence, reason: `P(profitable) ${p.toFixed(2)} vs threshold ${threshold.toFixed(2)}, risk ${risk}` };
}
