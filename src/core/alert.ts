import type { Action } from './signal.ts';

export const Instrument = { STOCK: 'stock', OPTION: 'option', FUTURE: 'future' } as const;
export type Instrument = (typeof Instrument)[keyof typeof Instrument];

export const Urgency = { LOW: 'low', NORMAL: 'normal', HIGH: 'high' } as const;
export type Urgency = (typeof Urgency)[keyof typeof Urgency];

/** Fields every alert carries (the Pack System alert spec). */
interface AlertBase {
  alert_id: string;
  /** ISO-8601 UTC. */
  timestamp: string;
  model_id: string;
  action: Action;
  confidence: number;
  entry_price: number;
  stop_loss: number | null;
  take_profit: number | null;
  urgency: Urgency;
  /** ISO-8601 UTC; after it the alert is stale and cannot be executed. */
  valid_until: string;
  quantity: number;
}

export interface StockAlert extends AlertBase {
  instrument: 'stock';
  ticker: string;
}

export interface OptionAlert extends AlertBase {
  instrument: 'option';
  underlying: string;
  option_type: 'call' | 'put';
  strike: number;
  /** YYYY-MM-DD. */
  expiration: string;
  contracts: number;
}

export interface FutureAlert extends AlertBase {
  instrument: 'future';
  contract: string;
  contract_month: string;
}

export type Alert = StockAlert | OptionAlert | FutureAlert;
