/**
 * A real tradepilot server for the browser tests: buildServer over a temp
 * SQLite file, the paper broker behind the order gate, the wall clock, and one
 * API key per role; listening on 127.0.0.1 on a free port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PaperBroker } from '../../src/adapters/broker/paperBroker.ts';
import { ConsoleNotifier } from '../../src/adapters/notify/consoleNotifier.ts';
import { openSqliteStore } from '../../src/adapters/store/sqliteStore.ts';
import type { Store } from '../../src/adapters/store/store.ts';
import { costModel } from '../../src/backtest/costs.ts';
import { loadConfig } from '../../src/config/config.ts';
import { systemClock } from '../../src/core/time.ts';
import { ConfirmationService } from '../../src/live/confirm/confirmations.ts';
import { OrderGate } from '../../src/live/execution/orderGate.ts';
import { buildServer } from '../../src/server/app.ts';
import { ApiKeyService } from '../../src/server/auth/apiKeys.ts';
import type { ServerDeps } from '../../src/server/deps.ts';
import type { ZodApp } from '../../src/server/routeModule.ts';
import { WEB_DIST } from './dashboardBuild.ts';

/** The running server and what the tests reach into. */
export interface WebServer {
  url: string;
  app: ZodApp;
  store: Store;
  gate: OrderGate;
  confirmations: ConfirmationService;
  keys: { user: string; premium: string; admin: string };
  close(): Promise<void>;
}

export async function startWebServer(extra: (store: Store) => Promise<Partial<ServerDeps>> = async () => ({})): Promise<WebServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tp-web-'));
  const store = await openSqliteStore(join(dir, 'state.db'));
  const clock = systemClock;
  const config = loadConfig({ env: { ADMIN_KEY: 'admin-key-0123456789abcdef' }, envFile: false });
  const paper = new PaperBroker({ initCash: 100_000, costs: costModel(), fillAt: 'close', clock });
  const gate = new OrderGate({ store, clock, config, paper, retry: { attempts: 1, baseMs: 1 } });
  const confirmations = new ConfirmationService({
    store,
    clock,
    timeoutSeconds: 900,
    operatorPhone: '+15557654321',
    notifier: new ConsoleNotifier(null),
    execute: async (c) => {
      // A current bar for the paper broker to fill against, as the runtime does from the data provider.
      const bar = { time: clock.now(), open: 100, high: 101, low: 99, close: 100, volume: 1e6 };
      paper.advance(new Map([[c.symbol, bar]]));
      const d = await gate.submit({ symbol: c.symbol, side: c.action === 'BUY' ? 'buy' : 'sell', qty: c.quantity, refPrice: 100, confirmationId: c.id, predictionId: c.prediction_id, source: 'confirmation' });
      return { ok: d.status !== 'refused' && d.status !== 'failed', receipt: d, message: `${d.mode} ${c.action} ${c.quantity} ${c.symbol} ${d.status}` };
    },
  });
  const apiKeys = new ApiKeyService(store, clock);
  const keys = {
    user: (await apiKeys.create('web user', 'user')).key,
    premium: (await apiKeys.create('web premium', 'premium')).key,
    admin: (await apiKeys.create('web admin', 'admin')).key,
  };
  const app = await buildServer({ store, clock, config, gate, confirmations, apiKeys, webDir: WEB_DIST, options: { ssePollMs: 50 }, ...(await extra(store)) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const url = typeof addr === 'object' && addr ? `http://127.0.0.1:${addr.port}` : String(addr);
  return {
    url,
    app,
    store,
    gate,
    confirmations,
    keys,
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
