/** Trading decisions, as `as const` objects with derived unions. */
export const Action = { BUY: 'BUY', SELL: 'SELL', HOLD: 'HOLD' } as const;
export type Action = (typeof Action)[keyof typeof Action];

/** An alpha model's output for one symbol at one time. */
export interface Signal {
  id: string;
  symbol: string;
  /** Epoch ms of the bar the signal was computed on; it sees no data after this. */
  time: number;
  action: Action;
  /** Calibrated probability that the action is right, in [0, 1]. */
  confidence: number;
  /** Which model (name@version) produced it. */
  model: string;
  expectedReturn?: number;
  riskScore?: number;
  /** One line a person can read. */
  reason: string;
}
