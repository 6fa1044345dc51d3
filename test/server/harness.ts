import { PaperBroker } from '../../src/adapters/broker/paperBroker.ts';
import { ConsoleNotifier } from '../../src/adapters/notify/consoleNotifier.ts';
import { openSqliteStore } from '../../src/adapters/store/sqliteStore.ts';
import type { Store } from '../../src/adapters/store/store.ts';
import { costModel } from '../../src/backtest/costs.ts';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { SimulatedClock } from '../../src/core/time.ts';
import { ConfirmationService } from '../../src/live/confirm/confirmations.ts';
import { OrderGate } from '../../src/live/execution/orderGate.ts';
import { buildServer } from '../../src/server/app.ts';
import { ApiKeyService } from '../../src/server/auth/apiKeys.ts';
import type { ServerDeps, ServerOptions } from '../../src/server/deps.ts';
import type { RouteModule, ZodApp } from '../../src/server/routeModule.ts';

export const ADMIN_KEY = 'admin-key-0123456789abcdef';
export const OPERATOR = '+15557654321';

/** A server over an in-memory SQLite store, a simulated clock, the paper broker and a console notifier. */
export interface Harness {
  app: ZodApp;
  store: Store;
  clock: SimulatedClock;
  config: Config;
  paper: PaperBroker;
  gate: OrderGate;
  confirmations: ConfirmationService;
  apiKeys: ApiKeyService;
  keys: { user: string; premium: string; admin: string };
  keyIds: { user: string; premium: string; admin: string };
  close(): Promise<void>;
}

export async function makeHarness(opts: { options?: Partial<ServerOptions>; config?: Partial<Record<string, string>>; deps?: Partial<ServerDeps>; modules?: readonly RouteModule[] } = {}): Promise<Harness> {
  const store = await openSqliteStore(':memory:');
  const clock = new SimulatedClock(Date.UTC(2024, 5, 3, 14, 0));
  const config = loadConfig({ env: { ADMIN_KEY, ...opts.config }, envFile: false });
  const paper = new PaperBroker({ initCash: 100_000, costs: costModel(), fillAt: 'close', clock });
  const gate = new OrderGate({ store, clock, config, paper, retry: { attempts: 1, baseMs: 1 } });
  const confirmations = new ConfirmationService({
    store,
    clock,
    timeoutSeconds: 900,
    operatorPhone: OPERATOR,
    notifier: new ConsoleNotifier(null),
    execute: async (c) => {
      const d = await gate.submit({ symbol: c.symbol, side: c.action === 'BUY' ? 'buy' : 'sell', qty: c.quantity, refPrice: 100, confirmationId: c.id, predictionId: c.prediction_id, source: 'api' });
      return { ok: d.status !== 'refused' && d.status !== 'failed', receipt: d, message: `${d.mode} ${c.action} ${c.quantity} ${c.symbol}` };
    },
  });
  const apiKeys = new ApiKeyService(store, clock);
  const made = {
    user: await apiKeys.create('test user', 'user'),
    premium: await apiKeys.create('test premium', 'premium'),
    admin: await apiKeys.create('test admin', 'admin'),
  };
  const keys = { user: made.user.key, premium: made.premium.key, admin: made.admin.key };
  // The owner id each key's resources are stored under (see src/server/owner.ts).
  const keyIds = { user: made.user.info.id, premium: made.premium.info.id, admin: made.admin.info.id };
  const app = await buildServer({ store, clock, config, gate, confirmations, apiKeys, options: opts.options, ...opts.deps }, opts.modules);
  return {
    app,
    store,
    clock,
    config,
    paper,
    gate,
    confirmations,
    apiKeys,
    keys,
    keyIds,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** Authorization header for a key. */
export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}
