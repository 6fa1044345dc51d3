import { majorityVote } from '../../ml/ensemble/vote.ts';
import type { FeatureMatrix } from '../../features/featureSet.ts';
import { trendHitRate, trendRule } from '../trendRule.ts';
import type { BullModel } from './agentModels.ts';

/** BUY, HOLD or SELL, with the numeric labels the vote uses. */
export const AgentAction = { BUY: 1, HOLD: 0, SELL: -1 } as const;
export type AgentAction = keyof typeof AgentAction;

/** A model's P(bull) at or above this votes BUY, at or below 1 - this votes SELL; between, it abstains. */
export const VOTE_MARGIN = 0.55;

/** One voter's view. */
export interface Vote {
  model: string;
  pBull: number;
  vote: AgentAction;
}

/** The ensemble's decision at the latest bar. */
export interface AgentSignal {
  symbol: string;
  /** Time of the bar decided on (ISO). */
  barTime: string;
  close: number;
  action: AgentAction;
  /** Mean probability, over the three models, of the chosen direction (for HOLD, of the likelier one). */
  confidence: number;
  /** Mean P(bull) of the three models. */
  pBull: number;
  votes: Vote[];
  sma200: number | null;
  vixClose: number | null;
  /** One line a person reads in the log or the alert. */
  line: string;
}

function voteOf(p: number): AgentAction {
  return p >= VOTE_MARGIN ? 'BUY' : p <= 1 - VOTE_MARGIN ? 'SELL' : 'HOLD';
}

/**
 * The 3-vote at the last bar: the SMA-200 rule (P(bull) = its past hit rate
 * when long, one minus it when flat), the classifier and the LSTM regime
 * model. BUY or SELL needs two of three votes; otherwise HOLD. `override`
 * (a fire drill) replaces the decision but keeps the models' confidence in it.
 */
export function decideSignal(symbol: string, m: FeatureMatrix, close: Float64Array, models: readonly BullModel[], override?: 'BUY' | 'SELL'): AgentSignal {
  const i = m.nRows - 1;
  const rule = trendRule(close, 200);
  const state = rule.state[i]!;
  const hit = trendHitRate(close, rule.state, i, 21);
  const hitRate = Number.isFinite(hit) ? hit : 0.5;
  const ruleP = state < 0 ? 0.5 : state === 1 ? hitRate : 1 - hitRate;
  const votes: Vote[] = [{ model: 'sma200-rule', pBull: ruleP, vote: state < 0 ? 'HOLD' : state === 1 ? 'BUY' : 'SELL' }];
  for (const mod of models) {
    const p = mod.pBull(m, i);
    votes.push({ model: `${mod.role}:${mod.kind}${mod.version !== null ? `@v${mod.version}` : ''}`, pBull: p, vote: voteOf(p) });
  }
  // HOLD votes abstain (NaN), so two BUYs and a HOLD is a BUY, one BUY and one SELL is a HOLD.
  const labels = votes.map((v) => Float64Array.of(v.vote === 'HOLD' ? NaN : AgentAction[v.vote]));
  const decided = majorityVote(labels, { minAgree: 2, fallback: AgentAction.HOLD })[0]!;
  const voted: AgentAction = decided === 1 ? 'BUY' : decided === -1 ? 'SELL' : 'HOLD';
  const action = override ?? voted;
  const pBull = votes.reduce((a, v) => a + v.pBull, 0) / votes.length;
  const confidence = action === 'BUY' ? pBull : action === 'SELL' ? 1 - pBull : Math.max(pBull, 1 - pBull);
  const vixJ = m.columns.indexOf('vix_close');
  const vix = vixJ >= 0 ? m.data[vixJ * m.nRows + i]! : NaN;
  const sma = rule.sma[i]!;
  const barTime = new Date(m.time[i]!).toISOString();
  const pct = (x: number): string => `${Math.round(x * 100)}%`;
  const line =
    `${symbol} ${barTime.slice(0, 10)}: ${action}${override ? ' (fire drill)' : ''} at ${close[i]!.toFixed(2)}, confidence ${pct(confidence)} — ` +
    votes.map((v) => `${v.model} ${v.vote} P(bull) ${pct(v.pBull)}`).join('; ') +
    (Number.isFinite(sma) ? `; SMA-200 ${sma.toFixed(2)}` : '') +
    (Number.isFinite(vix) ? `; VIX ${vix.toFixed(2)}` : '');
  return { symbol, barTime, close: close[i]!, action, confidence, pBull, votes, sma200: Number.isFinite(sma) ? sma : null, vixClose: Number.isFinite(vix) ? vix : null, line };
}
