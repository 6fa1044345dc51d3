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
