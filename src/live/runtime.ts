import type { AlpacaBroker } from '../adapters/broker/alpacaBroker.ts';
import { DEFAULT_PAPER_CASH, openPaperBroker, type StoredPaperBroker } from '../adapters/broker/storedPaperBroker.ts';
import { ConsoleNotifier } from '../adapters/notify/consoleNotifier.ts';
import { openStore } from '../adapters/store/openStore.ts';
import type { Store } from '../adapters/store/store.ts';
import { NO_COSTS, type CostModel } from '../backtest/costs.ts';
import type { Config } from '../config/config.ts';
import { BadInputError } from '../core/errors.ts';
import { systemClock, type Clock } from '../core/time.ts';
import { ConfirmationService, type Confirmation } from './confirm/confirmations.ts';
import type { Notifier } from './notifier.ts';
import { OrderGate, type GateDecision } from './execution/orderGate.ts';

/** What the CLI and API need to act on orders: the store, the gate and the confirmation service, wired from the config. */
export interface LiveRuntime {
  store: Store;
  clock: Clock;
  gate: OrderGate;
  paper: StoredPaperBroker;
  live: AlpacaBroker | undefined;
  confirmations: ConfirmationService;
  close(): Promise<void>;
}

export interface LiveRuntimeOptions {
  clock?: Clock;
  notifier?: Notifier;
  /** Price to use when neither the request nor the confirmation's alert has one. */
  refPrice?: number;
  costs?: CostModel;
  /** Paper account size before the first recorded fill (100,000, as `serve`). */
  paperCash?: number;
}

/**
 * Open the store and wire the order gate (paper broker always; the Alpaca
 * broker only when ALPACA_API_KEY and ALPACA_SECRET_KEY are set, and even then
 * only used when the gate's live switch holds) and the confirmation service,
 * whose YES executes through the gate. The paper account is the one in the
 * store (restored from its recorded fills, shared with `serve` and other
 * commands). A one-shot process has no price feed, so the paper broker fills
 * at the reference price: the confirmation's alert entry price, or the
 * caller's `refPrice`.
 */
export async function openLiveRuntime(cfg: Config, opts: LiveRuntimeOptions = {}): Promise<LiveRuntime> {
  const clock = opts.clock ?? systemClock;
  const store = await openStore(cfg);
  const paper = await openPaperBroker(store, clock, { initCash: opts.paperCash ?? DEFAULT_PAPER_CASH, costs: opts.costs ?? NO_COSTS, fillAt: 'close' }).catch(async (err: unknown) => {
    await store.close();
    throw err;
  });
  // The Alpaca SDK loads only when its credentials are set (it is a large part of the CLI's start-up otherwise).
  const live = cfg.ALPACA_API_KEY && cfg.ALPACA_SECRET_KEY ? new (await import('../adapters/broker/alpacaBroker.ts')).AlpacaBroker({ keyId: cfg.ALPACA_API_KEY, secret: cfg.ALPACA_SECRET_KEY, baseUrl: cfg.ALPACA_BASE_URL }) : undefined;
  const gate = new OrderGate({ store, clock, config: cfg, paper, live });
  const confirmations = new ConfirmationService({
    store,
    clock,
    notifier: opts.notifier ?? new ConsoleNotifier(null),
    timeoutSeconds: cfg.SMS_CONFIRMATION_TIMEOUT,
    operatorPhone: cfg.OPERATOR_PHONE_NUMBER ?? '',
    execute: async (c) => {
      const refPrice = (await alertPrice(store, c)) ?? opts.refPrice;
      if (!(refPrice !== undefined && refPrice > 0)) throw new BadInputError(`no reference price for ${c.symbol}: the confirmation has no alert with an entry price; pass --price`);
      // A quote, not a traded bar: volume is unbounded so no volume-impact slippage is invented.
      paper.advance(new Map([[c.symbol, { time: clock.now(), open: refPrice, high: refPrice, low: refPrice, close: refPrice, volume: 1e12 }]]));
      return executeThroughGate(gate, c, refPrice);
    },
  });
  return { store, clock, gate, paper, live, confirmations, close: () => store.close() };
}

/** Place a confirmed trade through the gate; ok when the broker took it. */
export async function executeThroughGate(gate: OrderGate, c: Confirmation, refPrice: number): Promise<{ ok: boolean; receipt: GateDecision; message: string }> {
  const d = await gate.submit({
    symbol: c.symbol,
    side: c.action === 'SELL' ? 'sell' : 'buy',
    qty: c.quantity,
    refPrice,
    confirmationId: c.id,
    predictionId: c.prediction_id,
    source: 'confirmation',
  });
  const ok = !['refused', 'failed', 'rejected'].includes(d.status);
  const what = `${d.mode} ${c.action} ${c.quantity} ${c.symbol}`;
  return { ok, receipt: d, message: ok ? `${what} ${d.status}` : `${what} ${d.status}: ${d.reasons.join('; ')}` };
}

async function alertPrice(store: Store, c: Confirmation): Promise<number | undefined> {
  if (!c.alert_id) return undefined;
  const row = await store.db.selectFrom('alerts').select(['entry_price', 'instrument']).where('alert_id', '=', c.alert_id).executeTakeFirst();
  return row && row.instrument === 'stock' ? row.entry_price : undefined;
}
