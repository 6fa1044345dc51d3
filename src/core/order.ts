/** Orders, fills and positions: the broker boundary's vocabulary. */
export const Side = { BUY: 'buy', SELL: 'sell' } as const;
export type Side = (typeof Side)[keyof typeof Side];

export const OrderType = { MARKET: 'market', LIMIT: 'limit', STOP: 'stop' } as const;
export type OrderType = (typeof OrderType)[keyof typeof OrderType];

export const OrderStatus = {
  NEW: 'new',
  ACCEPTED: 'accepted',
  PARTIALLY_FILLED: 'partially_filled',
  FILLED: 'filled',
  CANCELED: 'canceled',
  REJECTED: 'rejected',
  EXPIRED: 'expired',
} as const;
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];

export interface Order {
  id: string;
  /** Idempotency key sent to the broker; a retry reuses it. */
  clientOrderId: string;
  symbol: string;
  side: Side;
  qty: number;
  type: OrderType;
  limitPrice?: number;
  stopPrice?: number;
  status: OrderStatus;
  createdAt: number;
  /** Broker's id once accepted. */
  brokerOrderId?: string;
  /** Quantity filled so far (may be less than `qty` when cash ran short). */
  filledQty?: number;
  /** Average fill price of `filledQty`. */
  filledAvgPrice?: number;
  /** Why the broker rejected the order. */
  rejectReason?: string;
}

export interface Fill {
  id: string;
  orderId: string;
  symbol: string;
  side: Side;
  qty: number;
  price: number;
  fee: number;
  time: number;
}

export interface Position {
  symbol: string;
  /** Signed: positive long, negative short. */
  qty: number;
  avgPrice: number;
  /** Realised P&L after fees since the position opened. */
  realizedPnl: number;
}

/** Round a quantity or price to a venue increment explicitly, never passing raw floats on. */
export function roundToIncrement(x: number, increment: number): number {
  if (!(increment > 0)) throw new RangeError(`increment must be positive, got ${increment}`);
  const k = Math.round(x / increment);
  const decimals = Math.max(0, -Math.floor(Math.log10(increment) + 1e-12));
  return Number((k * increment).toFixed(decimals));
}
