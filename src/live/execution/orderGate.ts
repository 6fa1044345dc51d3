import { createHash, timingSafeEqual } from 'node:crypto';
import type { Broker } from '../../core/broker.ts';
import { ErrorCode, isTradepilotError, TradepilotError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import type { Order, OrderType, Side } from '../../core/order.ts';
import type { Clock } from '../../core/time.ts';
import type { Store } from '../../adapters/store/store.ts';
import { liveTradingAllowed, type Config } from '../../config/config.ts';
import { todayNotional } from './todayNotional.ts';
import { DEFAULT_GUARDRAILS, preTradeCheck, TradingState, type Guardrails } from './guardrails.ts';

/** What a caller wants traded. `refPrice` is the price the notional checks use. */
export interface OrderIntent {
  symbol: string;
  side: Side;
  qty: number;
  refPrice: number;
  type?: OrderType;
  limitPrice?: number;
  /** Idempotency key; the same key never places a second order. Defaults from the confirmation id. */
  clientOrderId?: string;
  confirmationId?: string | null;
  predictionId?: string | null;
  /** Who asked: `sms`, `cli`, `api`, `auto-approve`, `run`. */
  source: string;
}

/** The gate's answer: refused, simulated on the paper broker, or placed live. */
export interface GateDecision {
  orderId: string;
  clientOrderId: string;
  status: string;
  mode: 'paper' | 'live' | 'none';
  broker: string;
  reasons: string[];
  order?: Order;
  /** True when this key was seen before and the earlier decision is returned. */
  duplicate: boolean;
}

export interface OrderGateDeps {
  store: Store;
  clock: Clock;
  config: Pick<Config, 'DRY_RUN' | 'ENV' | 'ADMIN_KEY'>;
  /** The simulated paper broker: where every dry-run order goes. */
  paper: Broker;
  /** The live broker (Alpaca); never called unless every live condition holds. */
  live?: Broker;
  guardrails?: Guardrails;
  retry?: { attempts: number; baseMs: number; sleep?: (ms: number) => Promise<void> };
}

const STATE_KEY = 'trading_state';
const LIVE_KEY = 'live_trading_approval';

interface StoredState {
  state: TradingState;
  reason: string;
  at: string;
}

interface LiveApproval {
  enabled: boolean;
  by: string;
  at: string;
  /** sha256 of the admin key that approved: a changed key voids the approval. */
  keyHash: string;
}

/**
 * The only way to a broker. Every order passes: the trading state (ACTIVE /
 * REDUCING / HALTED), the guardrails, and the live switch, which needs
 * DRY_RUN=false, ENV=production, a valid admin key and a recorded admin
 * approval; otherwise the order goes to the paper broker. Every decision,
 * refused ones included, is stored.
 */
export class OrderGate {
  private readonly g: Guardrails;
  private consecutiveFailures = 0;
  private lastVix: number | undefined;

  constructor(private readonly deps: OrderGateDeps) {
    this.g = deps.guardrails ?? DEFAULT_GUARDRAILS;
  }

  /** Current state (persisted, so a halt survives restarts). */
  async state(): Promise<StoredState> {
    return (await this.deps.store.getValue<StoredState>(STATE_KEY)) ?? { state: TradingState.ACTIVE, reason: 'default', at: new Date(0).toISOString() };
  }

  /** Move to a state (an operator's resume, a breaker's halt); a return to ACTIVE clears the failure count. */
  async setState(state: TradingState, reason: string): Promise<void> {
    if (state === TradingState.ACTIVE) this.consecutiveFailures = 0;
    const doc: StoredState = { state, reason, at: new Date(this.deps.clock.now()).toISOString() };
    await this.deps.store.transaction(async (trx) => {
      await this.deps.store.setValue(STATE_KEY, doc, trx);
      await this.deps.store.append({ type: 'trading.state', payload: doc, time: this.deps.clock.now() }, trx);
    });
  }

  /** Kill switch: HALT and cancel every open order on the broker that holds it. */
  async kill(actor: string): Promise<{ canceled: number }> {
    await this.setState(TradingState.HALTED, `kill switch by ${actor}`);
    const open = await this.deps.store.db
      .selectFrom('orders')
      .select(['id', 'broker', 'broker_order_id', 'client_order_id', 'status'])
      .where('status', 'in', ['new', 'accepted', 'partially_filled'])
      .execute();
    let canceled = 0;
    for (const o of open) {
      const broker = o.broker === this.deps.live?.name ? this.deps.live : o.broker === this.deps.paper.name ? this.deps.paper : undefined;
      if (!broker) continue;
      // A row still `new` never got a broker id (crash mid-call): the client order id finds it.
      const ref = o.broker_order_id ?? o.client_order_id;
      try {
        await broker.cancelOrder(ref);
      } catch {
        // Unknown or already final at the broker: its own record below decides the status.
      }
      // The broker's word, not ours: an order that filled before the cancel stays filled.
      const after = await broker.getOrder(ref).catch(() => undefined);
      const status = after?.status ?? o.status;
      if (status !== o.status) {
        await this.deps.store.transaction(async (trx) => {
          await trx.updateTable('orders').set({ status, updated_at: this.nowIso() }).where('id', '=', o.id).execute();
          await this.deps.store.append({ type: 'order.status', subject: o.id, payload: { id: o.id, from: o.status, to: status, by: `kill switch (${actor})` }, time: this.deps.clock.now() }, trx);
        });
      }
      if (status === 'canceled') canceled++;
    }
    return { canceled };
  }

  /** Feed a VIX reading; a level or jump past the breaker halts trading. */
  async observeVix(level: number): Promise<void> {
    const prev = this.lastVix;
    this.lastVix = level;
    if (level >= this.g.vixHaltLevel) await this.setState(TradingState.HALTED, `VIX ${level} at or above ${this.g.vixHaltLevel}`);
    else if (prev !== undefined && prev > 0 && level / prev - 1 >= this.g.vixSpikeChange) {
      await this.setState(TradingState.HALTED, `VIX jumped ${(100 * (level / prev - 1)).toFixed(1)}% (${prev} -> ${level})`);
    }
  }

  /** Record the admin's approval of live trading (CLI or API, with the admin key). */
  async approveLive(adminKey: string, actor: string): Promise<void> {
    this.checkAdminKey(adminKey);
    const doc: LiveApproval = { enabled: true, by: actor, at: this.nowIso(), keyHash: sha256(adminKey) };
    await this.deps.store.transaction(async (trx) => {
      await this.deps.store.setValue(LIVE_KEY, doc, trx);
      await this.deps.store.append({ type: 'admin.live_approved', payload: { by: actor, at: doc.at }, time: this.deps.clock.now() }, trx);
    });
  }

  /** Switch live trading off again (no key needed: turning it off is always safe). */
  async revokeLive(actor: string): Promise<void> {
    await this.deps.store.transaction(async (trx) => {
      await this.deps.store.setValue(LIVE_KEY, { enabled: false, by: actor, at: this.nowIso(), keyHash: '' }, trx);
      await this.deps.store.append({ type: 'admin.live_revoked', payload: { by: actor }, time: this.deps.clock.now() }, trx);
    });
  }

  /** Why live trading is off (empty when every condition holds). */
  async liveBlockers(): Promise<string[]> {
    const { config, live } = this.deps;
    const out: string[] = [];
    if (config.DRY_RUN !== false) out.push('DRY_RUN is not false');
    if (config.ENV !== 'production') out.push('ENV is not production');
    if (!config.ADMIN_KEY || config.ADMIN_KEY.length < 16) out.push('ADMIN_KEY is missing or shorter than 16 characters');
    if (!live) out.push('no live broker configured');
    const approval = await this.deps.store.getValue<LiveApproval>(LIVE_KEY);
    if (!approval?.enabled) out.push('no admin approval of live trading recorded');
    else if (config.ADMIN_KEY && approval.keyHash !== sha256(config.ADMIN_KEY)) out.push('the admin approval was made with a different ADMIN_KEY');
    if (out.length === 0 && !liveTradingAllowed(config as Config)) out.push('live trading not allowed by configuration');
    return out;
  }

  /** Submit an order through every check. Never throws for a refusal: the decision says why. */
  async submit(intent: OrderIntent): Promise<GateDecision> {
    const { store } = this.deps;
    const clientOrderId = intent.clientOrderId ?? (intent.confirmationId ? `tp-${intent.confirmationId}` : `tp-${uuidv7()}`);
    const prior = await store.db.selectFrom('orders').selectAll().where('client_order_id', '=', clientOrderId).executeTakeFirst();
    if (prior) {
      return { orderId: prior.id, clientOrderId, status: prior.status, mode: prior.mode as GateDecision['mode'], broker: prior.broker, reasons: JSON.parse(prior.reasons) as string[], duplicate: true };
    }
    const liveBlockers = await this.liveBlockers();
    const mode: 'paper' | 'live' = liveBlockers.length === 0 ? 'live' : 'paper';
    const broker = mode === 'live' ? this.deps.live! : this.deps.paper;
    const id = uuidv7();
    const type = intent.type ?? 'market';
    const notional = Math.abs(intent.qty * intent.refPrice);
    const state = (await this.state()).state;

    const reasons: string[] = [];
    if (!(intent.qty > 0)) reasons.push(`quantity must be positive, got ${intent.qty}`);
    if (!(intent.refPrice > 0)) reasons.push(`reference price must be positive, got ${intent.refPrice}`);
    let positionQty = 0;
    let todayLoss = 0;
    let brokerFailed = false;
    if (reasons.length === 0) {
      try {
        await broker.connect();
        positionQty = (await broker.getPositions()).find((p) => p.symbol === intent.symbol)?.qty ?? 0;
        todayLoss = await this.todayLoss(broker);
      } catch (err) {
        brokerFailed = true;
        reasons.push(`broker ${broker.name} unavailable for pre-trade checks: ${(err as Error).message}`);
      }
    }
    if (reasons.length === 0) {
      reasons.push(
        ...preTradeCheck(this.g, {
          state,
          notional,
          todayNotional: await todayNotional(this.deps.store, this.deps.clock),
          positionQty,
          refPrice: intent.refPrice,
          deltaQty: intent.side === 'buy' ? intent.qty : -intent.qty,
          todayLoss,
        }),
      );
    }
    const base = {
      id,
      client_order_id: clientOrderId,
      confirmation_id: intent.confirmationId ?? null,
      prediction_id: intent.predictionId ?? null,
      symbol: intent.symbol,
      side: intent.side,
      qty: intent.qty,
      type,
      ref_price: intent.refPrice,
      notional,
      created_at: this.nowIso(),
      updated_at: this.nowIso(),
    };
    if (reasons.length > 0) {
      if (brokerFailed) await this.noteFailure();
      await store.transaction(async (trx) => {
        await trx.insertInto('orders').values({ ...base, broker: 'none', mode: 'none', status: 'refused', broker_order_id: null, reasons: JSON.stringify(reasons), receipt: null }).execute();
        await store.append({ type: 'order.refused', subject: intent.symbol, correlationId: intent.predictionId ?? null, payload: { ...base, reasons, source: intent.source }, time: this.deps.clock.now() }, trx);
      });
      return { orderId: id, clientOrderId, status: 'refused', mode: 'none', broker: 'none', reasons, duplicate: false };
    }

    const passed = [`state ${state}`, 'guardrails passed', mode === 'live' ? 'live: all conditions hold' : `paper: ${liveBlockers.join('; ')}`];
    // Record the intent before calling the broker: a crash after the call is reconciled by client order id.
    try {
      await store.transaction(async (trx) => {
        await trx.insertInto('orders').values({ ...base, broker: broker.name, mode, status: 'new', broker_order_id: null, reasons: JSON.stringify(passed), receipt: null }).execute();
        await store.append({ type: 'order.submitted', subject: intent.symbol, correlationId: intent.predictionId ?? null, payload: { ...base, mode, broker: broker.name, source: intent.source }, time: this.deps.clock.now() }, trx);
      });
    } catch (err) {
      // A concurrent submit with the same key won the unique index: it is the one order.
      if (!isUniqueViolation(err)) throw err;
      const winner = await store.db.selectFrom('orders').selectAll().where('client_order_id', '=', clientOrderId).executeTakeFirstOrThrow();
      return { orderId: winner.id, clientOrderId, status: winner.status, mode: winner.mode as GateDecision['mode'], broker: winner.broker, reasons: JSON.parse(winner.reasons) as string[], duplicate: true };
    }
    const { order, error } = await this.placeWithRetry(broker, intent, type, clientOrderId);
    if (!order) {
      const failReasons = [...passed, `broker ${broker.name} failed: ${error}`];
      await store.transaction(async (trx) => {
        await trx.updateTable('orders').set({ status: 'failed', reasons: JSON.stringify(failReasons), updated_at: this.nowIso() }).where('id', '=', id).execute();
        await store.append({ type: 'order.failed', subject: intent.symbol, correlationId: intent.predictionId ?? null, payload: { id, clientOrderId }, time: this.deps.clock.now() }, trx);
      });
      await this.noteFailure();
      return { orderId: id, clientOrderId, status: 'failed', mode, broker: broker.name, reasons: failReasons, duplicate: false };
    }
    this.consecutiveFailures = 0;
    await store.transaction(async (trx) => {
      await trx
        .updateTable('orders')
        .set({ status: order.status, broker_order_id: order.brokerOrderId ?? order.id, receipt: JSON.stringify(order), updated_at: this.nowIso() })
        .where('id', '=', id)
        .execute();
      await store.append({ type: 'order.receipt', subject: intent.symbol, correlationId: intent.predictionId ?? null, payload: { id, mode, broker: broker.name, order }, time: this.deps.clock.now() }, trx);
    });
    return { orderId: id, clientOrderId, status: order.status, mode, broker: broker.name, reasons: passed, order, duplicate: false };
  }

  /** Count a broker failure; N in a row trip the breaker. */
  private async noteFailure(): Promise<void> {
    this.consecutiveFailures++;
    if (this.consecutiveFailures >= this.g.maxConsecutiveFailures && (await this.state()).state !== TradingState.HALTED) {
      await this.setState(TradingState.HALTED, `${this.consecutiveFailures} consecutive broker failures`);
    }
  }

  private async placeWithRetry(broker: Broker, intent: OrderIntent, type: OrderType, clientOrderId: string): Promise<{ order?: Order; error?: string }> {
    const { attempts, baseMs, sleep } = { attempts: 3, baseMs: 250, sleep: defaultSleep, ...this.deps.retry };
    let error = 'no attempt made';
    for (let attempt = 0; attempt < attempts; attempt++) {
      try {
        return { order: await broker.placeOrder(intent.symbol, intent.side, intent.qty, type, { clientOrderId, limitPrice: intent.limitPrice }) };
      } catch (err) {
        error = (err as Error).message;
        // The request may have landed before the failure: ask by client order id before sending again.
        const landed = await broker.getOrder(clientOrderId).catch(() => undefined);
        if (landed) return { order: landed };
        // A definite refusal (bad order, rejected) will not change on a retry.
        if (isTradepilotError(err) && !RETRYABLE.has(err.code)) break;
        if (attempt + 1 < attempts) await sleep(baseMs * 2 ** attempt * (0.5 + Math.random()));
      }
    }
    return { error };
  }

  /** Loss since the first equity reading of the UTC day (recorded on first use). */
  private async todayLoss(broker: Broker): Promise<number> {
    const equity = (await broker.getAccount()).equity;
    const key = `sod_equity:${broker.name}:${new Date(this.deps.clock.now()).toISOString().slice(0, 10)}`;
    const sod = await this.deps.store.getValue<number>(key);
    if (sod === undefined) {
      await this.deps.store.setValue(key, equity);
      return 0;
    }
    return Math.max(0, sod - equity);
  }

  /** Throw FORBIDDEN unless `given` is the configured ADMIN_KEY (for operations that turn trading on). */
  checkAdmin(given: string): void {
    this.checkAdminKey(given);
  }

  private checkAdminKey(given: string): void {
    const expected = this.deps.config.ADMIN_KEY;
    if (!expected || expected.length < 16) throw new TradepilotError(ErrorCode.FORBIDDEN, 'ADMIN_KEY is not configured (16+ characters)');
    const a = Buffer.from(sha256(given));
    const b = Buffer.from(sha256(expected));
    if (!timingSafeEqual(a, b)) throw new TradepilotError(ErrorCode.FORBIDDEN, 'invalid admin key');
  }

  private nowIso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }
}

/** Broker errors worth another attempt: transport trouble and throttling. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set([ErrorCode.NETWORK, ErrorCode.RATE_LIMITED, ErrorCode.BROKER_FAILED, ErrorCode.INTERNAL]);

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed|duplicate key/.test(e?.message ?? '');
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
