/** The scan API's one declared contract (zod): request bodies and the document the API and CLI return. */
import { z } from 'zod';
import { TREND_LABELS } from './scanner.ts';

const num = z.number().nullable().describe('null where the value is undefined (NaN)');
const SYMBOL = /^[A-Za-z0-9.^_-]{1,15}$/;

/** A scanner row as the API accepts it: the symbol is required, the rest optional. */
export const CandidateBody = z.object({
  symbol: z.string().regex(SYMBOL, 'a ticker of 1-15 letters, digits or . ^ _ -'),
  time: z.union([z.number().int(), z.iso.datetime(), z.iso.date()]).optional().describe('time of the scanner bar (epoch ms or ISO); the signal sees nothing after that bar closes'),
  score: z.number().min(0).max(100).optional(),
  trend: z.enum(TREND_LABELS).optional(),
});
export type CandidateBody = z.infer<typeof CandidateBody>;

/** POST /api/ml/scan body: the scanner's `results`. */
export const ScanRequest = z.object({
  results: z.array(CandidateBody.passthrough()).min(1).max(200),
  top: z.number().int().min(1).max(50).optional().describe('signals to return (default 10): the ranking, BUYs first by confidence, then the rest by P(profitable)'),
  all: z.boolean().optional().describe('return every analysed signal, ranked'),
  buy_only: z.boolean().optional().describe('return BUY signals only (empty when no candidate passes the decision rules)'),
});

/** POST /api/ml/predict body. */
export const PredictRequest = z.object({
  symbol: z.string().regex(SYMBOL, 'a ticker of 1-15 letters, digits or . ^ _ -'),
  momentum_data: CandidateBody.omit({ symbol: true }).passthrough().optional(),
});

const Prediction = z.object({ predicted_price: num, confidence: num, expected_return: num, last_close: num, as_of: z.string() });

/** One signal. */
export const SignalBody = z
  .object({
    prediction_id: z.string(),
    symbol: z.string(),
    decision: z.enum(['BUY', 'SELL', 'HOLD']),
    confidence: num,
    expected_return: num,
    risk_score: z.number().int().min(1).max(10),
    time_horizon: z.string(),
    probability: num,
    threshold: num,
    reason: z.string(),
    signal_time: z.string(),
    price: num,
    momentum: z.object({ score: num, trend: z.enum(TREND_LABELS), rsi: num, change_pct: num, rvol: num }),
    predictions: z.record(z.string(), Prediction.nullable()),
    risk_metrics: z.object({
      forecast_vol: num,
      annualised_vol: num,
      current_vol: num,
      vol_regime: z.enum(['low', 'normal', 'high']),
      correlation: z.record(z.string(), num),
      lower_tail_dependence: num,
      upper_tail_dependence: num,
      diversification_benefit: num,
      risk_score: z.number(),
      observations: z.number(),
    }),
    missing_timeframes: z.array(z.string()),
    model_version: z.string(),
  })
  .meta({ id: 'ScanSignal' });

/** The scan document. */
export const ScanDocumentBody = z
  .object({
    scan_id: z.string(),
    signals: z.array(SignalBody),
    total_analyzed: z.number().int(),
    buy_count: z.number().int(),
    timestamp: z.string(),
    timings: z.record(z.string(), z.number()),
    failed: z.array(z.object({ symbol: z.string(), error: z.string() })),
    rules: z.object({ minConfidence: z.number(), maxRisk: z.number() }),
    model_version: z.string(),
  })
  .meta({ id: 'ScanDocument' });

/** Epoch ms of a candidate's time field. */
export function candidateTime(t: CandidateBody['time']): number | undefined {
  if (t === undefined) return undefined;
  return typeof t === 'number' ? t : Date.parse(t.length === 10 ? `${t}T00:00:00Z` : t);
}

/** NaN and infinities become null, as JSON would write them (the schema's numbers are nullable). */
export function plainJson<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}
