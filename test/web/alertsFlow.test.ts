/** Alerts in chromium: a stored alert arrives on the live stream and is acknowledged from the history. */
import { expect, it } from 'vitest';
import { systemClock } from '../../src/core/time.ts';
import type { StockAlert } from '../../src/core/alert.ts';
import { AlertStore } from '../../src/live/alerts/alertStore.ts';
import { screenshot } from './browser.ts';
import { describeInBrowser } from './session.ts';

describeInBrowser('alert dashboard in chromium', (s) => {
  it('shows a stored alert live, then acknowledges it from the history', async () => {
    const { page, problems } = await s.open('/alerts');
    await expect.poll(() => page.locator('.panel-head .badge').first().textContent()).toBe('live');
    const now = Date.now();
    const alert: StockAlert = {
      alert_id: `web-${now}`,
      timestamp: new Date(now).toISOString(),
      model_id: 'swing-web',
      action: 'BUY',
      confidence: 0.72,
      entry_price: 51.2,
      stop_loss: 48.1,
      take_profit: 56.3,
      urgency: 'normal',
      valid_until: new Date(now + 3_600_000).toISOString(),
      quantity: 10,
      instrument: 'stock',
      ticker: 'TTRC',
    };
    await new AlertStore(s.srv.store, systemClock).save({ alerts: [alert], decisions: [] });
    const liveRow = page.getByRole('table', { name: 'live alerts' }).locator(`tr[data-key="${alert.alert_id}"]`);
    await liveRow.waitFor();
    expect(await liveRow.textContent()).toContain('TTRC');
    await page.getByLabel('status filter').selectOption('open');
    const histRow = page.getByRole('table', { name: 'alert history' }).locator(`tr[data-key="${alert.alert_id}"]`);
    await histRow.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByText('acknowledged 1').waitFor();
    await expect.poll(() => liveRow.textContent()).toContain('acknowledged');
    await screenshot(page, 'alerts-acknowledged');
    const row = await s.srv.store.db.selectFrom('alerts').select(['acknowledged_at', 'acknowledged_by']).where('alert_id', '=', alert.alert_id).executeTakeFirstOrThrow();
    expect(row.acknowledged_at).not.toBeNull();
    expect(problems).toEqual([]);
    await page.close();
  });

});
