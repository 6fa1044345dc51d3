import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../adapters/store/sqliteStore.ts';
import type { Store } from '../adapters/store/store.ts';
import { ConsoleNotifier } from '../adapters/notify/consoleNotifier.ts';
import { SimulatedClock } from '../core/time.ts';
import { OpsMonitor } from './opsMonitor.ts';

describe('OpsMonitor', () => {
  let store: Store;
  const clock = new SimulatedClock(Date.UTC(2024, 5, 3, 15, 0));
  const notifier = new ConsoleNotifier(null);
  let monitor: OpsMonitor;
  beforeAll(async () => {
    store = await openSqliteStore(':memory:');
    monitor = new OpsMonitor({ store, notifier, clock, to: '+15550000000', thresholds: { windowMinutes: 15, maxFailures: 3, maxOrders: 5 } });
  });
  afterAll(async () => {
    await store.close();
  });

  it('stays quiet while the trail is healthy', async () => {
    await store.append([{ type: 'order.failed', payload: {}, time: clock.now() }, { type: 'order.submitted', payload: {}, time: clock.now() }]);
    expect(await monitor.check()).toEqual([]);
    expect(notifier.sent).toHaveLength(0);
  });

  it('tells the operator once when failures pile up, and records it', async () => {
    await store.append([
      { type: 'webhook.rejected', payload: {}, time: clock.now() },
      { type: 'scheduler.job_failed', payload: {}, time: clock.now() },
    ]);
    const sent = await monitor.check();
    expect(sent.map((a) => a.kind)).toEqual(['failures']);
    expect(notifier.sent.at(-1)!.body).toBe('tradepilot ops: 3 failures in the last 15 min (limit 3)');
    expect(await monitor.check()).toEqual([]);
    expect((await store.events({ type: 'ops.alert' })).map((e) => e.subject)).toEqual(['failures']);
  });

  it('flags an abnormal order rate, and forgets failures that left the window', async () => {
    clock.advance(16 * 60_000);
    await store.append(Array.from({ length: 6 }, () => ({ type: 'order.submitted', payload: {}, time: clock.now() })));
    const sent = await monitor.check();
    expect(sent.map((a) => a.kind)).toEqual(['order_rate']);
    expect(sent[0]!.count).toBe(6);
  });
});
