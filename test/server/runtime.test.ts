import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/core/log.ts';
import { MS_PER_DAY, SimulatedClock } from '../../src/core/time.ts';
import type { AlertOutcome } from '../../src/live/alerts/alertOutcome.ts';
import { parseAlert } from '../../src/live/alerts/alertSchema.ts';
import { AlertStore } from '../../src/live/alerts/alertStore.ts';
import { openLiveRuntime } from '../../src/live/runtime.ts';
import { buildRuntime } from '../../src/server/runtime.ts';
import { FakeAlpaca } from '../support/fakeAlpaca.ts';

describe('serve runtime', () => {
  const fake = new FakeAlpaca('PKTEST0123456789', 'secret-0123456789abcdef');
  let base: string;
  let dir: string;
  beforeAll(async () => {
    base = await fake.start();
    dir = mkdtempSync(join(tmpdir(), 'tp-runtime-'));
  });
  afterAll(async () => {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('with Alpaca credentials: reconciles positions with the broker at start-up, and reports the broker in /health', async () => {
    const config = loadConfig({ envFile: false, env: { TRADEPILOT_DB: join(dir, 'a.db'), USE_MOCK_DATA: 'true', ALPACA_API_KEY: fake.keyId, ALPACA_SECRET_KEY: fake.secret, ALPACA_BASE_URL: base } });
    const rt = await buildRuntime(config, { logger: createLogger('silent'), env: { AGENT_CRON: 'off' } });
    try {
      expect(fake.requests.some((r) => r.path === '/v2/positions')).toBe(true);
      expect(await rt.deps.store.events({ type: 'positions.reconciled' })).toHaveLength(1);
      expect(rt.deps.health?.length).toBeGreaterThanOrEqual(4);
      expect(rt.scheduler.status().map((j) => j.name)).toContain('ops.monitor');
    } finally {
      await rt.close();
    }
  });

  it('without credentials: no live broker, nothing sent to Alpaca', async () => {
    const before = fake.requests.length;
    const config = loadConfig({ envFile: false, env: { TRADEPILOT_DB: join(dir, 'b.db'), USE_MOCK_DATA: 'true', ALPACA_BASE_URL: base } });
    const rt = await buildRuntime(config, { logger: createLogger('silent'), env: { AGENT_CRON: 'off' } });
    try {
      expect(fake.requests.length).toBe(before);
      expect(await rt.deps.store.events({ type: 'positions.reconciled' })).toHaveLength(0);
      // API trainings run their units on the job queue (worker threads without REDIS_URL), not on the serving thread.
      expect(rt.deps.training?.runsOn).toBe('threads');
    } finally {
      await rt.close();
    }
  });

  it('serve and a CLI command trade one paper account: each sees the other’s fills at its next check', async () => {
    const config = loadConfig({ envFile: false, env: { TRADEPILOT_DB: join(dir, 'd.db'), USE_MOCK_DATA: 'true', ALPACA_BASE_URL: base } });
    const serve = await buildRuntime(config, { logger: createLogger('silent'), env: { AGENT_CRON: 'off' } });
    try {
      const yes = async (c: { confirmations: typeof serve.deps.confirmations }, quantity: number): Promise<void> => {
        const { confirmation } = await c.confirmations.request({ symbol: 'SPY', action: 'BUY', confidence: 0.7, quantity });
        await c.confirmations.decide(confirmation.id, 'YES', 'cli', 'test');
        expect((await c.confirmations.get(confirmation.id)).status).toBe('executed');
      };
      // serve fills at the latest daily close; the CLI is given that price (as `confirm --price` would be).
      await yes(serve.deps, 5);
      const spy = await serve.provider.getBars({ symbol: 'SPY', timeframe: '1d', start: Date.now() - 30 * 86_400_000, end: Date.now() });
      const price = spy.close[spy.close.length - 1]!;
      const cli = await openLiveRuntime(config, { refPrice: price });
      try {
        expect(await cli.paper.getPositions()).toMatchObject([{ symbol: 'SPY', qty: 5 }]);
        const more = Math.floor(9_000 / price);
        await yes(cli, more);
        const held = 5 + more;
        // serve's next pre-trade check counts the CLI's shares: one more share at this reference price crosses 20,000.
        const ref = 20_000 / (held + 0.5);
        const d = await serve.deps.gate.submit({ symbol: 'SPY', side: 'buy', qty: 1, refPrice: ref, source: 'test' });
        expect(d.status).toBe('refused');
        expect(d.reasons.join('; ')).toMatch(/position would be [\d.]+, above the maximum 20000/);
        const brokerHealth = await serve.deps.health!.find((h) => h.name === 'broker')!.check();
        expect(brokerHealth.detail).toBe(`paper: equity ${(await cli.paper.getAccount()).equity.toFixed(2)} USD`);
      } finally {
        await cli.close();
      }
    } finally {
      await serve.close();
    }
  });

  it('schedules alerts.outcomes, which records what became of past alerts on the bundled data (for /alerts/performance)', async () => {
    const t = Date.UTC(2000, 5, 1, 20);
    const clock = new SimulatedClock(t + 20 * MS_PER_DAY);
    const config = loadConfig({ envFile: false, env: { TRADEPILOT_DB: join(dir, 'c.db'), ALPACA_BASE_URL: base } });
    const rt = await buildRuntime(config, { logger: createLogger('silent'), env: { AGENT_CRON: 'off' }, clock });
    try {
      const buy = parseAlert({
        alert_id: 'outcome-1', timestamp: new Date(t).toISOString(), model_id: 'm', action: 'BUY', instrument: 'stock', ticker: 'IBM', quantity: 1,
        confidence: 0.6, entry_price: 100, stop_loss: 1, take_profit: 1000, urgency: 'normal', valid_until: new Date(t + 3_600_000).toISOString(),
      });
      await new AlertStore(rt.deps.store, clock).save({ alerts: [buy], decisions: [] });
      expect(rt.scheduler.status().map((j) => j.name)).toContain('alerts.outcomes');
      expect(await rt.scheduler.runNow('alerts.outcomes')).toBe(true);
      const events = await rt.deps.store.events({ type: 'alert.outcome' });
      expect(events).toHaveLength(1);
      // Neither the far stop nor the far target: the 5-day horizon's close ends it.
      expect(events[0]!.payload as AlertOutcome).toMatchObject({ alert_id: 'outcome-1', symbol: 'IBM', exit: 'horizon' });
      // A second pass records nothing new.
      await rt.scheduler.runNow('alerts.outcomes');
      expect(await rt.deps.store.events({ type: 'alert.outcome' })).toHaveLength(1);
    } finally {
      await rt.close();
    }
  });
});
