/** Training in chromium: train chosen leaderboard ranks of a finished sweep, review the result, publish it. */
import { expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { screenshot } from './browser.ts';
import { describeInBrowser } from './session.ts';

describeInBrowser('training review in chromium', (s) => {
  it('trains selected leaderboard ranks of a sweep, reviews the result and publishes it', async () => {
    // Setup through the API: a custom pack over five years (enough trades to pass its gates), a model, a finished sweep.
    const call = s.call.bind(s);
    const yaml = readFileSync(new URL('../../packs/swing.yaml', import.meta.url), 'utf8')
      .replace(/^namespace: .*$/m, 'namespace: swingweb')
      .replace(/^data: .*$/m, "data: { provider: sample, symbol: TTRC, end: '2006-12-29', years: 5 }")
      .replace(/^gates: .*$/m, 'gates: { min_trades: 10, min_sharpe: 0.0, max_drawdown: 0.5 }');
    await call('POST', '/packs', yaml, 'application/yaml');
    await call('POST', '/models', { pack: 'swingweb', name: 'swing-train' });
    const sw = await call<{ id: string }>('POST', '/sweeps', { model: 'swing-train' });
    await expect.poll(async () => (await call<{ status: string }>('GET', `/sweeps/${sw.id}`)).status, { timeout: 90_000, interval: 250 }).toBe('done');
    const lb = await call<{ leaderboard: { rows: { rank: number; status: string }[] } }>('GET', `/sweeps/${sw.id}/results`);
    const ok = lb.leaderboard.rows.filter((r) => r.status !== 'FAIL');
    expect(ok.length).toBeGreaterThan(0);

    // In the browser: pick two trainable ranks on the leaderboard, train them on the quick grid.
    const { page, problems } = await s.open(`/leaderboard?sweep=${sw.id}`);
    const table = page.getByRole('table', { name: 'leaderboard' });
    await table.locator('tbody tr').first().waitFor();
    const ranks = ok.slice(0, 2).map((r) => r.rank);
    for (const r of ranks) await table.locator('tbody tr').filter({ has: page.locator('td.num', { hasText: new RegExp(`^${r}$`) }) }).first().getByRole('checkbox').check();
    await page.getByLabel('training grid').selectOption('quick');
    await page.getByRole('button', { name: `Train ${ranks.length} selected` }).click();
    await page.getByTestId('training-status').waitFor();
    await expect.poll(() => page.getByTestId('training-status').textContent(), { timeout: 120_000, interval: 500 }).toBe('done');
    await page.getByRole('table', { name: 'feature importance' }).waitFor();
    expect(await page.getByRole('table', { name: 'validation metrics' }).textContent()).toContain('AUC');
    expect(await page.getByRole('table', { name: 'sample predictions' }).locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await page.getByRole('group', { name: 'configurations' }).getByRole('button').count()).toBe(ranks.length);
    await screenshot(page, 'training-review');
    await page.getByRole('button', { name: /^Publish rank \d+$/ }).click();
    await expect.poll(() => page.getByTestId('training-status').textContent()).toBe('published');
    const id = page.url().split('/training/')[1]!;
    const row = await s.srv.store.db.selectFrom('trainings').select('status').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('published');
    await screenshot(page, 'training-published');
    expect(problems).toEqual([]);
    await page.close();
  });
});
