import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../src/adapters/store/sqliteStore.ts';
import type { Alert } from '../../../src/core/alert.ts';
import { seriesFromBars, type BarSeries } from '../../../src/core/bar.ts';
import { MS_PER_DAY, SimulatedClock } from '../../../src/core/time.ts';
import type { DataProvider } from '../../../src/data/provider.ts';
import { alertOutcome, recordAlertOutcomes } from '../../../src/live/alerts/alertOutcome.ts';
import { parseAlert } from '../../../src/live/alerts/alertSchema.ts';
import { AlertStore } from '../../../src/live/alerts/alertStore.ts';

const D0 = Date.UTC(2024, 0, 8);
/** Five quiet days: neither stop nor target is touched. */
const flat: [number, number, number][] = [
  [101, 99, 100],
  [102, 98, 101],
  [103, 99, 102],
  [102, 97, 101],
  [104, 99, 103],
];

/** Daily bars from D0: [high, low, close] per day (open = previous close). */
function bars(hlc: [number, number, number][]): BarSeries {
  return seriesFromBars(
    'SPY',
    '1d',
    hlc.map(([high, low, close], i) => ({ time: D0 + i * MS_PER_DAY, open: i === 0 ? 100 : hlc[i - 1]![2], high, low, close, volume: 1e6 })),
  );
}

function alert(action: 'BUY' | 'SELL' | 'HOLD', id = 'a1'): Alert {
  const buy = action !== 'SELL';
  return parseAlert({
    alert_id: id,
    timestamp: new Date(D0 + 14 * 3_600_000).toISOString(),
    model_id: 'm',
    action,
    instrument: 'stock',
    ticker: 'SPY',
    quantity: 1,
    confidence: 0.6,
    entry_price: 100,
    stop_loss: buy ? 96 : 104,
    take_profit: buy ? 106 : 94,
    urgency: 'normal',
    valid_until: new Date(D0 + 15 * 3_600_000).toISOString(),
  });
}

describe('alertOutcome', () => {

  it('exits at the take profit on the first bar that reaches it', () => {
    const o = alertOutcome(alert('BUY'), bars([[101, 99, 100], [103, 99, 102], [107, 101, 105], [110, 104, 108]]), 3)!;
    expect(o).toMatchObject({ exit: 'take_profit', exit_price: 106, exit_time: new Date(D0 + 2 * MS_PER_DAY).toISOString(), hit: true });
    expect(o.realized_return).toBeCloseTo(0.06, 12);
  });

  it('counts a bar touching both stop and target as the stop (the worse case)', () => {
    const o = alertOutcome(alert('BUY'), bars([[101, 99, 100], [107, 95, 101], [102, 98, 101], [102, 98, 101]]), 3)!;
    expect(o).toMatchObject({ exit: 'stop_loss', exit_price: 96, hit: false });
    expect(o.realized_return).toBeCloseTo(-0.04, 12);
  });

  it('closes at the horizon when neither is touched', () => {
    const o = alertOutcome(alert('BUY'), bars(flat), 3)!;
    expect(o).toMatchObject({ exit: 'horizon', exit_price: 101, exit_time: new Date(D0 + 3 * MS_PER_DAY).toISOString() });
    expect(o.realized_return).toBeCloseTo(0.01, 12);
  });

  it('signs a SELL by its direction', () => {
    const o = alertOutcome(alert('SELL'), bars([[101, 99, 100], [103, 95, 96], [101, 93, 94], [100, 92, 93]]), 3)!;
    expect(o).toMatchObject({ exit: 'take_profit', exit_price: 94, hit: true });
    expect(o.realized_return).toBeCloseTo(0.06, 12);
    const up = alertOutcome(alert('SELL'), bars(flat), 3)!;
    expect(up.realized_return).toBeCloseTo(-0.01, 12);
    expect(up.hit).toBe(false);
  });

  it('is pending until the horizon has bars, and never scores a HOLD', () => {
    expect(alertOutcome(alert('BUY'), bars(flat), 5)).toBeNull();
    expect(alertOutcome(alert('HOLD'), bars(flat), 3)).toBeNull();
  });
});

describe('recordAlertOutcomes', () => {
  it('records each stored alert once, as alert.outcome events, and leaves pending ones for later', async () => {
    const store = await openSqliteStore(':memory:');
    try {
      const clock = new SimulatedClock(D0 + 5 * MS_PER_DAY);
      await new AlertStore(store, clock).save({ alerts: [alert('BUY', 'a1'), alert('SELL', 'a2')], decisions: [] });
      let served = bars(flat.slice(0, 3));
      const provider: DataProvider = { name: 'fixed', getBars: async () => served };
      const first = await recordAlertOutcomes(store, provider, clock.now(), 3);
      expect(first).toMatchObject({ checked: 2, recorded: [], pending: 2, failed: [] });
      served = bars(flat);
      const second = await recordAlertOutcomes(store, provider, clock.now(), 3);
      expect(second.recorded.map((o) => [o.alert_id, o.exit])).toEqual([
        ['a1', 'horizon'],
        ['a2', 'horizon'],
      ]);
      const third = await recordAlertOutcomes(store, provider, clock.now(), 3);
      expect(third.recorded).toEqual([]);
      const ev = await store.events({ type: 'alert.outcome' });
      expect(ev.map((e) => e.correlationId)).toEqual(['a1', 'a2']);
    } finally {
      await store.close();
    }
  });
});
