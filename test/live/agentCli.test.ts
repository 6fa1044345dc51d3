import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleNotifier } from '../../src/adapters/notify/consoleNotifier.ts';
import { openSqliteStore } from '../../src/adapters/store/sqliteStore.ts';
import { main } from '../../src/cli/main.ts';
import { systemClock } from '../../src/core/time.ts';
import { ConfirmationService } from '../../src/live/confirm/confirmations.ts';
import { AlertStore } from '../../src/live/alerts/alertStore.ts';

const ADMIN = 'admin-key-0123456789abcdef';

/** Run the CLI in-process; stdout/stderr captured. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read whole JSON documents
async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string; json: () => any }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await main(['node', 'tradepilot', ...args], { stdout, stderr }, env);
  return { code, out, err, json: () => JSON.parse(out) };
}

describe('CLI: orders, confirmations, confirm, admin', () => {
  let dir: string;
  let db: string;
  let env: NodeJS.ProcessEnv;
  /** Create pending confirmations the way the agent does (another process, same database). */
  async function pending(symbol: string, action: 'BUY' | 'SELL', quantity: number, alert?: { price: number }): Promise<string> {
    const store = await openSqliteStore(db);
    try {
      let alertId: string | undefined;
      if (alert) {
        alertId = `alert-${symbol}-${Date.now()}`;
        const now = Date.now();
        await new AlertStore(store, systemClock).save({
          alerts: [
            { alert_id: alertId, timestamp: new Date(now).toISOString(), model_id: 'sma200@1', action, instrument: 'stock', ticker: symbol, quantity, confidence: 0.8, entry_price: alert.price, stop_loss: null, take_profit: null, urgency: 'high', valid_until: new Date(now + 3_600_000).toISOString() },
          ],
          decisions: [],
        });
      }
      const svc = new ConfirmationService({ store, clock: systemClock, notifier: new ConsoleNotifier(null), timeoutSeconds: 900, operatorPhone: '+15557654321', execute: async () => ({ ok: false, receipt: null, message: 'not here' }) });
      const { confirmation } = await svc.request({ symbol, action, confidence: 0.8, quantity, predictionId: `pred-${symbol}`, alertId });
      return confirmation.id;
    } finally {
      await store.close();
    }
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tp-cli-'));
    db = join(dir, 'tp.db');
    env = { TRADEPILOT_DB: db, ADMIN_KEY: ADMIN, LOG_LEVEL: 'silent' };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('confirm ID yes executes through the gate on paper at the alert price; orders and confirmations list read it back', async () => {
    const id = await pending('TQQQ', 'BUY', 10, { price: 61.2 });
    const list0 = await cli(['confirmations', 'list', '--json', '--env-file', 'none'], env);
    expect(list0.code).toBe(0);
    expect(list0.json().confirmations[0]).toMatchObject({ id, status: 'pending', symbol: 'TQQQ', drill: false });
    const r = await cli(['confirm', id.toLowerCase(), 'yes', '--json', '--env-file', 'none'], env);
    expect(r.code).toBe(0);
    expect(r.json().outcome).toMatchObject({ kind: 'executed', confirmationId: id });
    expect(r.json().confirmation.status).toBe('executed');
    const orders = await cli(['orders', 'list', '--json', '--env-file', 'none'], env);
    expect(orders.json().orders[0]).toMatchObject({ symbol: 'TQQQ', side: 'buy', qty: 10, mode: 'paper', status: 'filled', confirmation_id: id, prediction_id: 'pred-TQQQ', client_order_id: `tp-${id}` });
    expect(orders.json().orders[0].receipt).toMatchObject({ filledQty: 10, filledAvgPrice: 61.2 });
    // The same YES again: no second order.
    const again = await cli(['confirm', id, 'yes', '--json', '--env-file', 'none'], env);
    expect(again.code).toBe(1);
    expect(again.json().outcome.kind).toBe('already_resolved');
    expect((await cli(['orders', 'list', '--json', '--env-file', 'none'], env)).json().orders).toHaveLength(1);
    const human = await cli(['orders', 'list', '--env-file', 'none'], env);
    expect(human.out).toContain('TQQQ');
  });

  it('confirm ID no skips; bad input exits 2; unknown id exits 1; no price exits 1 with the reason', async () => {
    const id = await pending('SPY', 'SELL', 1);
    expect((await cli(['confirm', id, 'maybe', '--env-file', 'none'], env)).code).toBe(2);
    expect((await cli(['confirm', id, 'yes', '--price', '-3', '--env-file', 'none'], env)).code).toBe(2);
    const unknown = await cli(['confirm', 'ZZZZZZZZ', 'yes', '--json', '--env-file', 'none'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.json().error.code).toBe('NOT_FOUND');
    const noPrice = await cli(['confirm', id, 'yes', '--json', '--env-file', 'none'], env);
    expect(noPrice.code).toBe(1);
    expect(noPrice.json().outcome).toMatchObject({ kind: 'execution_failed' });
    expect(noPrice.json().outcome.reply).toContain('pass --price');
    const id2 = await pending('SPY', 'SELL', 1);
    const no = await cli(['confirm', id2, 'no', '--json', '--env-file', 'none'], env);
    expect(no.code).toBe(0);
    expect(no.json().confirmation.status).toBe('rejected');
    const rejected = await cli(['confirmations', 'list', '--status', 'rejected', '--json', '--env-file', 'none'], env);
    expect(rejected.json().confirmations.map((c: { id: string }) => c.id)).toEqual([id2]);
  });

  it('admin: approve needs the right key; halt refuses orders; resume needs the key; kill halts', async () => {
    const bad = await cli(['admin', 'live', 'approve', '--admin-key', 'wrong-key-0123456789', '--json', '--env-file', 'none'], env);
    expect(bad.code).toBe(1);
    expect(bad.json().error.code).toBe('FORBIDDEN');
    const ok = await cli(['admin', 'live', 'approve', '--admin-key', ADMIN, '--actor', 'alice', '--json', '--env-file', 'none'], env);
    expect(ok.code).toBe(0);
    // Approved, but DRY_RUN defaults to true and ENV to development: still not live.
    expect(ok.json()).toMatchObject({ approved: true, by: 'alice', live: false });
    expect(ok.json().live_blockers).toEqual(['DRY_RUN is not false', 'ENV is not production', 'no live broker configured']);
    const prodEnv = { ...env, DRY_RUN: 'false', ENV: 'production', ALPACA_API_KEY: 'PKTEST', ALPACA_SECRET_KEY: 'secret' };
    expect((await cli(['admin', 'status', '--json', '--env-file', 'none'], prodEnv)).json()).toMatchObject({ live: true, live_blockers: [] });
    expect((await cli(['admin', 'live', 'revoke', '--json', '--env-file', 'none'], prodEnv)).json()).toMatchObject({ revoked: true, live: false, live_blockers: ['no admin approval of live trading recorded'] });

    expect((await cli(['admin', 'halt', '--reason', 'fomc', '--json', '--env-file', 'none'], env)).json()).toMatchObject({ state: 'HALTED' });
    const id = await pending('QQQ', 'BUY', 1);
    const refused = await cli(['confirm', id, 'yes', '--price', '400', '--json', '--env-file', 'none'], env);
    expect(refused.code).toBe(1);
    expect(refused.json().outcome.reply).toContain('trading is HALTED');
    const orders = (await cli(['orders', 'list', '--status', 'refused', '--json', '--env-file', 'none'], env)).json().orders;
    expect(orders[0]).toMatchObject({ symbol: 'QQQ', status: 'refused', mode: 'none' });
    expect((await cli(['admin', 'resume', '--json', '--env-file', 'none'], env)).code).toBe(2); // --admin-key is required
    expect((await cli(['admin', 'resume', '--admin-key', 'nope-nope-nope-nope', '--json', '--env-file', 'none'], env)).code).toBe(1);
    expect((await cli(['admin', 'resume', '--admin-key', ADMIN, '--json', '--env-file', 'none'], env)).json()).toMatchObject({ state: 'ACTIVE' });
    const kill = await cli(['admin', 'kill', '--json', '--env-file', 'none'], env);
    expect(kill.json()).toMatchObject({ state: 'HALTED', canceled: 0 });
    expect((await cli(['admin', 'status', '--env-file', 'none'], env)).out).toContain('trading state: HALTED (kill switch by');
  });
});
