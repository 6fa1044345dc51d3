import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../adapters/store/sqliteStore.ts';
import { systemClock } from '../core/time.ts';
import { Scheduler } from './scheduler.ts';

describe('Scheduler', () => {
  it('refuses a bad cron expression and a duplicate name', () => {
    const s = new Scheduler({ clock: systemClock });
    expect(() => s.register({ name: 'a', cron: 'every minute', fn: () => undefined })).toThrow(/invalid cron expression/);
    s.register({ name: 'a', cron: '* * * * *', fn: () => undefined });
    expect(() => s.register({ name: 'a', cron: '* * * * *', fn: () => undefined })).toThrow(/already registered/);
  });

  it('fires on schedule, reports next runs, and stops', async () => {
    const s = new Scheduler({ clock: systemClock });
    let n = 0;
    s.register({ name: 'tick', cron: '* * * * * *', fn: () => void n++ });
    expect(s.health().ok).toBe(false);
    s.start();
    expect(s.status()[0]!.nextRunAt).not.toBeNull();
    const until = Date.now() + 3_000;
    while (n === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await s.stop();
    expect(n).toBeGreaterThanOrEqual(1);
    expect(s.status()[0]).toMatchObject({ runs: n, failures: 0, nextRunAt: null });
  });

  it('counts failures, audits them, and turns unhealthy after N in a row; a success resets', async () => {
    const store = await openSqliteStore(':memory:');
    const s = new Scheduler({ clock: systemClock, store, unhealthyAfter: 2 });
    let fail = true;
    s.register({ name: 'flaky', cron: '0 0 * * *', fn: async () => {
      if (fail) throw new Error('data provider down');
    } });
    s.start();
    await s.runNow('flaky');
    expect(s.health().ok).toBe(true);
    await s.runNow('flaky');
    expect(s.health()).toEqual({ ok: false, detail: 'flaky failed 2 times in a row: data provider down' });
    expect((await store.events({ type: 'scheduler.job_failed' })).map((e) => e.subject)).toEqual(['flaky', 'flaky']);
    fail = false;
    await s.runNow('flaky');
    expect(s.health().ok).toBe(true);
    expect(s.status()[0]).toMatchObject({ runs: 3, failures: 2, consecutiveFailures: 0, lastError: null });
    await expect(s.runNow('nope')).rejects.toThrow(/no job named nope/);
    await s.stop();
    await store.close();
  });

  it('never runs a job twice at once', async () => {
    const s = new Scheduler({ clock: systemClock });
    let release!: () => void;
    let running = 0;
    let peak = 0;
    s.register({ name: 'slow', cron: '0 0 * * *', fn: async () => {
      peak = Math.max(peak, ++running);
      await new Promise<void>((r) => (release = r));
      running--;
    } });
    const first = s.runNow('slow');
    expect(await s.runNow('slow')).toBe(false);
    release();
    expect(await first).toBe(true);
    expect(peak).toBe(1);
  });
});
