import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One HTTP request the fake received (for "no request reached the broker" checks). */
export interface FakeAlpacaRequest {
  method: string;
  path: string;
  body: unknown;
}

/** An order as Alpaca stores it: every number a decimal string, snake_case fields. */
export type AlpacaOrderJson = Record<string, string | number | boolean | null | unknown[]>;

interface Holding {
  qty: number;
  cost: number;
}

/**
 * A local stand-in for paper-api.alpaca.markets speaking Trading API v2: the
 * APCA-API-KEY-ID / APCA-API-SECRET-KEY headers, JSON bodies with numbers as
 * strings, POST/GET/DELETE /v2/orders, GET /v2/orders:by_client_order_id,
 * GET /v2/account and /v2/positions, Alpaca's `{code, message}` errors, and a
 * 422 for a reused client_order_id. Market orders fill at once at `prices`.
 */
export class FakeAlpaca {
  readonly requests: FakeAlpacaRequest[] = [];
  readonly orders = new Map<string, AlpacaOrderJson>();
  readonly prices = new Map<string, number>();
  readonly holdings = new Map<string, Holding>();
  cash = 100_000;
  /** Market orders fill immediately (true) or stay `accepted` (false). */
  autoFill = true;
  /** Fail the next N requests to exactly `path` (any when absent) with this HTTP status (0 = drop the connection). */
  failNext: { count: number; status: number; path?: string; afterAccept?: boolean } = { count: 0, status: 500 };
  private server: Server | undefined;

  constructor(
    readonly keyId: string,
    readonly secret: string,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** Requests that would create an order. */
  orderPosts(): FakeAlpacaRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = decodeURIComponent(url.pathname);
    let body: unknown = null;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        return json(res, 400, { code: 40010000, message: 'request body format is invalid' });
      }
    }
    this.requests.push({ method: req.method ?? 'GET', path, body });
    if (req.headers['apca-api-key-id'] !== this.keyId || req.headers['apca-api-secret-key'] !== this.secret) {
      return json(res, 401, { code: 40110000, message: 'request is not authorized' });
    }
    const f = this.failNext;
    if (f.count > 0 && (!f.path || path === f.path) && !f.afterAccept) {
      f.count--;
      if (f.status === 0) return void res.destroy();
      return json(res, f.status, { code: f.status * 100000, message: f.status === 429 ? 'rate limit exceeded' : 'internal server error' }, f.status === 429 ? { 'retry-after': '0' } : {});
    }
    const m = req.method;
    if (m === 'GET' && path === '/v2/account') return json(res, 200, this.account());
    if (m === 'GET' && path === '/v2/positions') return json(res, 200, this.positions());
    if (m === 'POST' && path === '/v2/orders') return this.submit(res, body as Record<string, unknown>);
    if (m === 'GET' && path === '/v2/orders:by_client_order_id') {
      const cid = url.searchParams.get('client_order_id') ?? '';
      const o = [...this.orders.values()].find((x) => x.client_order_id === cid);
      return o ? json(res, 200, o) : json(res, 404, { code: 40410000, message: 'order not found' });
    }
    if (m === 'GET' && path === '/v2/orders') {
      const status = url.searchParams.get('status') ?? 'open';
      const closed = (o: AlpacaOrderJson) => ['filled', 'canceled', 'expired', 'rejected'].includes(String(o.status));
      return json(res, 200, [...this.orders.values()].filter((o) => (status === 'all' ? true : status === 'closed' ? closed(o) : !closed(o))));
    }
    const one = /^\/v2\/orders\/([^/]+)$/.exec(path);
    if (one) {
      const o = this.orders.get(one[1]!);
      if (!o) return json(res, 404, { code: 40410000, message: `order not found for ${one[1]}` });
      if (m === 'GET') return json(res, 200, o);
      if (m === 'DELETE') {
        if (!['new', 'accepted', 'pending_new', 'partially_filled'].includes(String(o.status))) {
          return json(res, 422, { code: 42210000, message: `order is not cancelable (status ${o.status})` });
        }
        const now = new Date().toISOString();
        Object.assign(o, { status: 'canceled', canceled_at: now, updated_at: now });
        res.writeHead(204).end();
        return;
      }
    }
    json(res, 404, { code: 40410000, message: 'endpoint not found' });
  }

  private submit(res: ServerResponse, b: Record<string, unknown>): void {
    const str = (k: string): string | undefined => (typeof b[k] === 'string' ? (b[k] as string) : undefined);
    const symbol = str('symbol');
    const side = str('side');
    const type = str('type');
    const tif = str('time_in_force');
    const qty = b.qty;
    const notional = b.notional;
    // Alpaca's wire format: amounts are decimal strings.
    if (!symbol || !['buy', 'sell'].includes(side ?? '') || !type || !tif) return json(res, 422, { code: 40010001, message: 'symbol, side, type and time_in_force are required' });
    if ((qty === undefined) === (notional === undefined)) return json(res, 422, { code: 40010001, message: 'qty or notional is required, not both' });
    for (const k of ['qty', 'notional', 'limit_price', 'stop_price']) {
      if (b[k] !== undefined && (typeof b[k] !== 'string' || !/^\d+(\.\d+)?$/.test(b[k] as string))) return json(res, 422, { code: 40010001, message: `invalid ${k}: must be a decimal string` });
    }
    if (b.limit_price !== undefined && Number(b.limit_price) >= 1 && !/^\d+(\.\d{1,2})?$/.test(b.limit_price as string)) {
      return json(res, 422, { code: 42210000, message: 'invalid limit_price. sub-penny increment does not fulfill minimum pricing criteria' });
    }
    const cid = str('client_order_id') ?? randomUUID();
    if ([...this.orders.values()].some((o) => o.client_order_id === cid)) return json(res, 422, { code: 40010001, message: 'client_order_id must be unique' });
    const now = new Date().toISOString();
    const id = randomUUID();
    const o: AlpacaOrderJson = {
      id,
      client_order_id: cid,
      created_at: now,
      updated_at: now,
      submitted_at: now,
      filled_at: null,
      expired_at: null,
      canceled_at: null,
      failed_at: null,
      replaced_at: null,
      replaced_by: null,
      replaces: null,
      asset_id: '3b64361a-1960-421a-9464-a484544193df',
      symbol,
      asset_class: 'us_equity',
      notional: (notional as string | undefined) ?? null,
      qty: (qty as string | undefined) ?? null,
      filled_qty: '0',
      filled_avg_price: null,
      order_class: '',
      order_type: type,
      type,
      side: side!,
      position_intent: side === 'buy' ? 'buy_to_open' : 'sell_to_close',
      time_in_force: tif,
      limit_price: (b.limit_price as string | undefined) ?? null,
      stop_price: (b.stop_price as string | undefined) ?? null,
      status: 'accepted',
      extended_hours: false,
      legs: null,
      trail_percent: null,
      trail_price: null,
      hwm: null,
      subtag: null,
      source: null,
      expires_at: null,
    };
    this.orders.set(id, o);
    const px = this.prices.get(symbol);
    if (this.autoFill && type === 'market' && px !== undefined) {
      const q = qty !== undefined ? Number(qty) : Math.floor((Number(notional) / px) * 1e9) / 1e9;
      const dir = side === 'buy' ? 1 : -1;
      const h = this.holdings.get(symbol) ?? { qty: 0, cost: 0 };
      h.cost += dir * q * px;
      h.qty += dir * q;
      this.holdings.set(symbol, h);
      this.cash -= dir * q * px;
      Object.assign(o, { status: 'filled', filled_qty: String(q), filled_avg_price: px.toFixed(2), filled_at: now, qty: String(q) });
    }
    const f = this.failNext;
    if (f.count > 0 && f.afterAccept) {
      // The order is taken, then the connection drops before the answer: the ambiguous case.
      f.count--;
      res.destroy();
      return;
    }
    json(res, 200, o);
  }

  private account(): Record<string, unknown> {
    let mv = 0;
    for (const [s, h] of this.holdings) mv += h.qty * (this.prices.get(s) ?? 0);
    const equity = this.cash + mv;
    return {
      id: 'e6fe16f3-64a4-4921-8928-cadf02f92f98',
      account_number: 'PA3ABCDEFGHI',
      status: 'ACTIVE',
      crypto_status: 'ACTIVE',
      currency: 'USD',
      buying_power: (2 * this.cash).toFixed(2),
      regt_buying_power: (2 * this.cash).toFixed(2),
      daytrading_buying_power: '0',
      non_marginable_buying_power: this.cash.toFixed(2),
      cash: this.cash.toFixed(2),
      accrued_fees: '0',
      portfolio_value: equity.toFixed(2),
      pattern_day_trader: false,
      trading_blocked: false,
      transfers_blocked: false,
      account_blocked: false,
      created_at: '2024-01-02T15:04:05.123456Z',
      trade_suspended_by_user: false,
      multiplier: '2',
      shorting_enabled: true,
      equity: equity.toFixed(2),
      last_equity: equity.toFixed(2),
      long_market_value: Math.max(0, mv).toFixed(2),
      short_market_value: Math.min(0, mv).toFixed(2),
      initial_margin: '0',
      maintenance_margin: '0',
      last_maintenance_margin: '0',
      sma: '0',
      daytrade_count: 0,
    };
  }

  private positions(): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const [symbol, h] of this.holdings) {
      if (h.qty === 0) continue;
      const px = this.prices.get(symbol) ?? 0;
      const avg = h.cost / h.qty;
      out.push({
        asset_id: '3b64361a-1960-421a-9464-a484544193df',
        symbol,
        exchange: 'NASDAQ',
        asset_class: 'us_equity',
        asset_marginable: true,
        avg_entry_price: avg.toFixed(4),
        qty: String(h.qty),
        qty_available: String(h.qty),
        side: h.qty > 0 ? 'long' : 'short',
        market_value: (h.qty * px).toFixed(2),
        cost_basis: h.cost.toFixed(2),
        unrealized_pl: (h.qty * px - h.cost).toFixed(2),
        unrealized_plpc: '0',
        unrealized_intraday_pl: '0',
        unrealized_intraday_plpc: '0',
        current_price: px.toFixed(2),
        lastday_price: px.toFixed(2),
        change_today: '0',
      });
    }
    return out;
  }
}

function json(res: ServerResponse, status: number, doc: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(doc));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
