import type { Order, OrderType, Position, Side, Fill } from './order.ts';

/** Cash and value of a brokerage account, in the account currency. */
export interface Account {
  /** Settled cash (negative only on margin). */
  cash: number;
  /** Cash plus positions marked at the latest prices. */
  equity: number;
  /** What a new order may spend. */
  buyingPower: number;
  currency: string;
}

/** Extra order fields; `clientOrderId` makes a retried placement idempotent. */
export interface PlaceOrderOptions {
  /** Idempotency key: placing twice with the same key returns the first order. */
  clientOrderId?: string;
  limitPrice?: number;
  stopPrice?: number;
  /** Buy for this much money (fees included) instead of `qty` shares; `qty` is then ignored. */
  notional?: number;
  timeInForce?: 'day' | 'gtc';
}

/**
 * The broker port: the simulated paper broker and live brokers (Alpaca) both
 * implement it, so a backtest and a live run send the same orders.
 */
export interface Broker {
  /** Short name used in events and logs (`paper`, `alpaca`). */
  readonly name: string;
  /** Authenticate / open sessions; safe to call twice. */
  connect(): Promise<void>;
  getAccount(): Promise<Account>;
  /** Open positions (non-zero quantity). */
  getPositions(): Promise<Position[]>;
  /** Submit an order; resolves with its state after the broker accepted (or filled or rejected) it. */
  placeOrder(symbol: string, side: Side, qty: number, type: OrderType, opts?: PlaceOrderOptions): Promise<Order>;
  /** Cancel an open order; a no-op for orders already final. */
  cancelOrder(orderId: string): Promise<void>;
  /** An order by our id, the broker's id or its client order id. */
  getOrder(orderId: string): Promise<Order | undefined>;
  /** Fills since `sinceMs` (all when omitted), oldest first. */
  getFills(sinceMs?: number): Promise<Fill[]>;
}
