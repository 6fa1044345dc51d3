import { randomUUID } from 'node:crypto';
import { Alpaca } from '@alpacahq/alpaca-trade-api';
import type { Store } from '../store/store.ts';
import type { Account, Broker, PlaceOrderOptions } from '../../core/broker.ts';
import { BadInputError, ErrorCode, isTradepilotError, NotFoundError, TradepilotError } from '../../core/errors.ts';
import { OrderStatus, roundToIncrement, type Fill, type Order, type OrderType, type Position, type Side } from '../../core/order.ts';

/** The one file that imports the Alpaca trading SDK: orders, account and positions through Trading API v2. */

/** Alpaca's paper trading host: the default, so nothing reaches a live account unless ALPACA_BASE_URL says so. */
export const ALPACA_PAPER_URL = 'https://paper-api.alpaca.markets';
const ALPACA_LIVE_HOST = 'api.alpaca.markets';

/** A fetch function (the global one, or a test's). */
export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

export interface AlpacaBrokerOptions {
  keyId: string;
  secret: string;
  /** ALPACA_BASE_URL: the trading host (paper by default). */
  baseUrl?: string;
  fetch?: FetchFn;
  /** Our retry policy (the SDK's is off so every retry goes through the client-order-id check). */
  retry?: { attempts: number; baseMs: number; sleep?: (ms: number) => Promise<void> };
  /** Share quantity increment (Alpaca accepts fractional shares to 1e-9). */
  qtyIncrement?: number;
  /** Per-request timeout in ms. */
  timeoutMs?: number;
}

/** What `reconcile()` found, also stored as a `positions.reconciled` event. */
export interface ReconcileReport {
  broker: { symbol: string; qty: number }[];
  ours: { symbol: string; qty: number }[];
  mismatches: { symbol: string; broker: number; ours: number }[];
  /** Orders whose stored status was brought in line with the broker's. */
  settled: { id: string; from: string; to: string }[];
}

/** Alpaca's price increments: whole cents at or above $1, hundredths of a cent below. */
export function alpacaPriceIncrement(price: number): number {
  return price >= 1 ? 0.01 : 0.0001;
}

/** A decimal string of `x` rounded to `increment`, never a raw float (and never exponent notation). */
export function toVenueString(x: number, increment: number): string {
  const r = roundToIncrement(x, increment);
  const decimals = Math.max(0, -Math.floor(Math.log10(increment) + 1e-12));
  return r.toFixed(decimals).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The Broker port over Alpaca's Trading API v2, through the official SDK. The
 * SDK has no base-URL option, so its `fetchApi` is wrapped to send each request
 * to ALPACA_BASE_URL's origin: the SDK still builds every request itself.
 * Orders are idempotent by client_order_id: a failed or ambiguous submit is
 * looked up by that id before any retry, and a 422 for a duplicate id returns
 * the order already there.
 */
export class AlpacaBroker implements Broker {
  readonly name = 'alpaca';
  readonly baseUrl: string;
  private readonly client: Alpaca;
  private readonly qtyIncrement: number;

  constructor(private readonly opts: AlpacaBrokerOptions) {
    if (!opts.keyId || !opts.secret) throw new TradepilotError(ErrorCode.UNAUTHORIZED, 'alpaca: ALPACA_API_KEY and ALPACA_SECRET_KEY are required for the Alpaca broker');
    this.baseUrl = (opts.baseUrl ?? ALPACA_PAPER_URL).replace(/\/+$/, '');
    const base = new URL(this.baseUrl);
    const fetchFn = opts.fetch ?? fetch;
    this.qtyIncrement = opts.qtyIncrement ?? 1e-9;
    this.client = new Alpaca({
      keyId: opts.keyId,
      secret: opts.secret,
      paper: base.host !== ALPACA_LIVE_HOST,
      retry: false,
      rateLimit: false,
      timeoutMs: opts.timeoutMs ?? 15_000,
      fetchApi: ((input: string, init?: RequestInit) => {
        const u = new URL(String(input));
        return fetchFn(`${base.origin}${u.pathname}${u.search}`, init);
      }) as never,
    });
  }

  async connect(): Promise<void> {
    const acct = await this.call('account', () => this.client.trading.account.getAccount());
    const status = String((acct as { status?: unknown }).status ?? 'ACTIVE');
    if (status !== 'ACTIVE') throw new TradepilotError(ErrorCode.BROKER_FAILED, `alpaca: account status is ${status}, not ACTIVE`);
  }

  async getAccount(): Promise<Account> {
    const a = await this.call('account', () => this.client.trading.account.getAccount());
    return { cash: num(a.cash), equity: num(a.equity), buyingPower: num(a.buyingPower), currency: a.currency ?? 'USD' };
  }

  async getPositions(): Promise<Position[]> {
    const ps = await this.call('positions', () => this.client.trading.positions.getAllOpenPositions());
    return ps
      .map((p) => {
        const q = Math.abs(num(p.qty));
        return { symbol: p.symbol, qty: String(p.side) === 'short' ? -q : q, avgPrice: num(p.avgEntryPrice), realizedPnl: 0 };
      })
      .filter((p) => p.qty !== 0);
  }

  async placeOrder(symbol: string, side: Side, qty: number, type: OrderType, o: PlaceOrderOptions = {}): Promise<Order> {
    const input = this.orderInput(symbol, side, qty, type, o);
    const { attempts, baseMs, sleep } = { attempts: 3, baseMs: 250, sleep: defaultSleep, ...this.opts.retry };
    let last: TradepilotError | undefined;
    for (let attempt = 0; attempt < attempts; attempt++) {
      try {
        return toOrder(await this.client.trading.orders.submit(input));
      } catch (err) {
        last = mapError('submit order', err);
        const status = (err as { status?: unknown }).status;
        // 422 for a taken client_order_id: the order exists, and it is the answer.
        if (status === 422 && /client_order_id/i.test(last.message)) {
          const existing = await this.byClientId(input.clientOrderId!);
          if (existing) return existing;
        }
        if (!RETRYABLE.has(last.code)) throw last;
        // An ambiguous failure may have placed the order: look before sending it again.
        const landed = await this.byClientId(input.clientOrderId!).catch(() => undefined);
        if (landed) return landed;
        if (attempt + 1 < attempts) await sleep(backoff(baseMs, attempt, last));
      }
    }
    throw new TradepilotError(ErrorCode.BROKER_FAILED, `alpaca: order ${input.clientOrderId} not placed after ${attempts} attempts: ${last?.message}`, undefined, { cause: last });
  }

  async cancelOrder(orderId: string): Promise<void> {
    const order = await this.getOrder(orderId);
    if (!order) throw new NotFoundError(`alpaca: no order ${orderId}`);
    try {
      await this.client.trading.orders.deleteOrderByOrderID({ orderId: order.brokerOrderId ?? order.id });
    } catch (err) {
      // 422: no longer cancelable (already filled, canceled or expired) -- a no-op by the port's contract.
      if ((err as { status?: unknown }).status === 422) return;
      throw mapError('cancel order', err);
    }
  }

  async getOrder(orderId: string): Promise<Order | undefined> {
    if (UUID.test(orderId)) {
      const byId = await this.optional(() => this.client.trading.orders.getOrderByOrderID({ orderId }));
      if (byId) return toOrder(byId);
    }
    return this.byClientId(orderId);
  }

  /** One aggregate fill per executed order (Alpaca's order record carries filled qty and average price). */
  async getFills(sinceMs?: number): Promise<Fill[]> {
    const orders = await this.call('orders', () =>
      this.client.trading.orders.getAllOrders({ status: 'closed', direction: 'asc', limit: 500, ...(sinceMs !== undefined && Number.isFinite(sinceMs) ? { after: new Date(sinceMs) } : {}) } as never),
    );
    const fills: Fill[] = [];
    for (const o of orders) {
      const q = num(o.filledQty);
      if (!(q > 0) || !o.id) continue;
      fills.push({ id: `${o.id}-f`, orderId: o.id, symbol: o.symbol ?? '', side: String(o.side) as Side, qty: q, price: num(o.filledAvgPrice), fee: 0, time: (o.filledAt ?? o.updatedAt ?? new Date(0)).getTime() });
    }
    return fills.sort((a, b) => a.time - b.time);
  }

  /**
   * Start-up reconciliation: settle the stored status of our open Alpaca orders
   * from the broker's records, then compare the broker's positions with the net
   * fills in our orders table, and record the comparison as an event.
   */
  async reconcile(store: Store, now: number = Date.now()): Promise<ReconcileReport> {
    const settled: ReconcileReport['settled'] = [];
    const open = await store.db.selectFrom('orders').selectAll().where('broker', '=', this.name).where('status', 'in', ['new', 'accepted', 'partially_filled']).execute();
    for (const row of open) {
      const o = await this.getOrder(row.broker_order_id ?? row.client_order_id);
      // A row still `new` that the broker never saw was not placed.
      const to = o ? o.status : row.status === 'new' ? 'failed' : row.status;
      if (to === row.status) continue;
      await store.transaction(async (trx) => {
        await trx
          .updateTable('orders')
          .set({ status: to, ...(o ? { broker_order_id: o.brokerOrderId ?? o.id, receipt: JSON.stringify(o) } : {}), updated_at: new Date(now).toISOString() })
          .where('id', '=', row.id)
          .execute();
        await store.append({ type: 'order.status', subject: row.id, payload: { id: row.id, from: row.status, to, by: 'reconcile' }, time: now }, trx);
      });
      settled.push({ id: row.id, from: row.status, to });
    }
    const broker = (await this.getPositions()).map((p) => ({ symbol: p.symbol, qty: p.qty }));
    const rows = await store.db.selectFrom('orders').select(['symbol', 'side', 'receipt', 'status']).where('broker', '=', this.name).where('status', 'in', ['filled', 'partially_filled', 'canceled']).execute();
    const net = new Map<string, number>();
    for (const r of rows) {
      const filled = r.receipt ? Number((JSON.parse(r.receipt) as Order).filledQty ?? 0) : 0;
      if (filled > 0) net.set(r.symbol, (net.get(r.symbol) ?? 0) + (r.side === 'buy' ? filled : -filled));
    }
    const ours = [...net].filter(([, q]) => q !== 0).map(([symbol, qty]) => ({ symbol, qty: roundToIncrement(qty, this.qtyIncrement) }));
    const symbols = new Set([...broker.map((p) => p.symbol), ...ours.map((p) => p.symbol)]);
    const mismatches: ReconcileReport['mismatches'] = [];
    for (const s of [...symbols].sort()) {
      const b = broker.find((p) => p.symbol === s)?.qty ?? 0;
      const u = ours.find((p) => p.symbol === s)?.qty ?? 0;
      if (Math.abs(b - u) > this.qtyIncrement / 2) mismatches.push({ symbol: s, broker: b, ours: u });
    }
    const report: ReconcileReport = { broker, ours, mismatches, settled };
    await store.append({ type: 'positions.reconciled', subject: this.name, payload: report, time: now });
    return report;
  }

  private orderInput(symbol: string, side: Side, qty: number, type: OrderType, o: PlaceOrderOptions) {
    if (!/^[A-Z][A-Z0-9.\-/]{0,20}$/.test(symbol)) throw new BadInputError(`alpaca: bad symbol ${JSON.stringify(symbol)}`);
    const input: {
      type: OrderType;
      symbol: string;
      side: Side;
      timeInForce: 'day' | 'gtc';
      clientOrderId: string;
      qty?: string;
      notional?: string;
      limitPrice?: string;
      stopPrice?: string;
    } = { type, symbol, side, timeInForce: o.timeInForce ?? 'day', clientOrderId: o.clientOrderId ?? `tp-${randomUUID()}` };
    if (o.notional !== undefined) {
      if (!(o.notional > 0)) throw new BadInputError(`alpaca: notional must be positive, got ${o.notional}`);
      input.notional = toVenueString(o.notional, 0.01);
    } else {
      const q = roundToIncrement(qty, this.qtyIncrement);
      if (!(q > 0)) throw new BadInputError(`alpaca: quantity ${qty} rounds to ${q} at increment ${this.qtyIncrement}`);
      input.qty = toVenueString(q, this.qtyIncrement);
    }
    if (type === 'limit') {
      if (!(o.limitPrice! > 0)) throw new BadInputError('alpaca: a limit order needs limitPrice > 0');
      input.limitPrice = toVenueString(o.limitPrice!, alpacaPriceIncrement(o.limitPrice!));
    }
    if (type === 'stop') {
      if (!(o.stopPrice! > 0)) throw new BadInputError('alpaca: a stop order needs stopPrice > 0');
      input.stopPrice = toVenueString(o.stopPrice!, alpacaPriceIncrement(o.stopPrice!));
    }
    return input;
  }

  private async byClientId(clientOrderId: string): Promise<Order | undefined> {
    const o = await this.optional(() => this.client.trading.orders.getOrderByClientOrderId({ clientOrderId }));
    return o ? toOrder(o) : undefined;
  }

  /** A GET that may 404: undefined then. */
  private async optional<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.call('order', fn);
    } catch (err) {
      if (isTradepilotError(err) && err.code === ErrorCode.NOT_FOUND) return undefined;
      throw err;
    }
  }

  /** A safe (read) request with our retry policy. */
  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const { attempts, baseMs, sleep } = { attempts: 3, baseMs: 250, sleep: defaultSleep, ...this.opts.retry };
    let last: TradepilotError | undefined;
    for (let attempt = 0; attempt < attempts; attempt++) {
      try {
        return await fn();
      } catch (err) {
        last = mapError(what, err);
        if (!RETRYABLE.has(last.code) || attempt + 1 >= attempts) throw last;
        await sleep(backoff(baseMs, attempt, last));
      }
    }
    throw last!;
  }
}

const RETRYABLE: ReadonlySet<ErrorCode> = new Set([ErrorCode.NETWORK, ErrorCode.RATE_LIMITED]);

/** Exponential backoff with jitter; a 429's Retry-After wins when longer. */
function backoff(baseMs: number, attempt: number, err: TradepilotError): number {
  const wait = baseMs * 2 ** attempt * (0.5 + Math.random());
  const after = Number(err.details?.retryAfterMs);
  return Number.isFinite(after) ? Math.max(wait, after) : wait;
}

/** SDK errors to ours: 429 and 5xx and transport failures are transient, 422/4xx are refusals. */
function mapError(what: string, err: unknown): TradepilotError {
  if (isTradepilotError(err)) return err;
  const e = err as { status?: unknown; message?: string; retryAfterMs?: number; code?: unknown; name?: string; cause?: { message?: string; code?: string } };
  const msg = e.message ?? String(err);
  if (typeof e.status === 'number') {
    const s = e.status;
    if (s === 429) return new TradepilotError(ErrorCode.RATE_LIMITED, `alpaca: ${what}: rate limited (HTTP 429)`, { retryAfterMs: e.retryAfterMs });
    if (s >= 500) return new TradepilotError(ErrorCode.NETWORK, `alpaca: ${what}: server error HTTP ${s}: ${msg}`, { status: s }, { cause: err });
    if (s === 401 || s === 403) return new TradepilotError(ErrorCode.UNAUTHORIZED, `alpaca: ${what}: not authorised (HTTP ${s}): ${msg}`, { status: s }, { cause: err });
    if (s === 404) return new TradepilotError(ErrorCode.NOT_FOUND, `alpaca: ${what}: not found: ${msg}`, { status: s }, { cause: err });
    return new TradepilotError(ErrorCode.ORDER_REJECTED, `alpaca: ${what} rejected (HTTP ${s}): ${msg}`, { status: s, code: e.code }, { cause: err });
  }
  if (err instanceof Error && /must be|Required parameter/.test(msg) && e.name !== 'FetchError') return new BadInputError(`alpaca: ${what}: ${msg}`);
  return new TradepilotError(ErrorCode.NETWORK, `alpaca: ${what}: cannot reach the trading API (${e.cause?.code ?? e.cause?.message ?? msg})`, undefined, { cause: err });
}

/** The SDK's order (string numbers, Alpaca's statuses) as ours. */
function toOrder(o: {
  id?: string;
  clientOrderId?: string;
  symbol?: string;
  side?: unknown;
  qty?: string | null;
  notional?: string | null;
  type?: unknown;
  status?: unknown;
  createdAt?: Date;
  limitPrice?: string | null;
  stopPrice?: string | null;
  filledQty?: string;
  filledAvgPrice?: string | null;
}): Order {
  const out: Order = {
    id: o.id ?? '',
    clientOrderId: o.clientOrderId ?? '',
    symbol: o.symbol ?? '',
    side: String(o.side) as Side,
    qty: num(o.qty ?? '0'),
    type: (['market', 'limit', 'stop'].includes(String(o.type)) ? String(o.type) : 'market') as OrderType,
    status: mapStatus(String(o.status)),
    createdAt: o.createdAt ? o.createdAt.getTime() : 0,
    brokerOrderId: o.id,
    filledQty: num(o.filledQty ?? '0'),
  };
  if (o.filledAvgPrice != null) out.filledAvgPrice = num(o.filledAvgPrice);
  if (o.limitPrice != null) out.limitPrice = num(o.limitPrice);
  if (o.stopPrice != null) out.stopPrice = num(o.stopPrice);
  return out;
}

/** Alpaca has 17 order statuses; ours keep what the gate acts on. */
function mapStatus(s: string): OrderStatus {
  switch (s) {
    case 'filled':
      return OrderStatus.FILLED;
    case 'partially_filled':
      return OrderStatus.PARTIALLY_FILLED;
    case 'canceled':
    case 'replaced':
      return OrderStatus.CANCELED;
    case 'expired':
    case 'done_for_day':
      return OrderStatus.EXPIRED;
    case 'rejected':
    case 'suspended':
      return OrderStatus.REJECTED;
    default:
      // new, accepted, pending_*, held, calculated, stopped: the broker has it and it is still working.
      return OrderStatus.ACCEPTED;
  }
}

function num(s: string | number | null | undefined): number {
  const x = typeof s === 'number' ? s : Number(s);
  return Number.isFinite(x) ? x : 0;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
