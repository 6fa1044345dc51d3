import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/core/log.ts';
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
    } finally {
      await rt.close();
    }
  });
});
