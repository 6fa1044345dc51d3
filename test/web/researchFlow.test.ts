/**
 * The research workflow in chromium against a real server: browse packs and
 * preview one; build a model with live validation; configure a sweep (the
 * server estimates its runtime), start it and watch it to the end; export a
 * leaderboard row as CSV (the download captured and read back), compare rows;
 * chart a backtest.
 */
import { expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { RESULTS_DIR, screenshot } from './browser.ts';
import { describeInBrowser } from './session.ts';

describeInBrowser('research workflow in chromium', (s) => {
  it('browses packs by tag and search, and previews a pack\'s performance', async () => {
    const { page, problems } = await s.open('/packs');
    const cards = page.locator('article.card');
    await cards.first().waitFor();
    const all = await cards.count();
    expect(all).toBeGreaterThanOrEqual(4);
    await page.getByRole('group', { name: 'tags' }).getByRole('button', { name: 'swing', exact: true }).click();
    await expect.poll(() => cards.count()).toBeLessThan(all);
    await page.getByRole('group', { name: 'tags' }).getByRole('button', { name: 'all', exact: true }).click();
    await page.getByLabel('search packs').fill('sigma');
    await expect.poll(() => page.locator('article.card').evaluateAll((els) => els.map((e) => e.getAttribute('data-pack')))).toEqual(['swingsigma']);
    await page.locator('article[data-pack="swingsigma"]').getByRole('button', { name: 'Details' }).click();
    await page.getByRole('button', { name: 'Performance preview' }).click();
    await page.getByTestId('backtest-chart').locator('canvas').first().waitFor({ timeout: 60_000 });
    const metrics = await page.getByRole('table', { name: 'backtest metrics' }).textContent();
    expect(metrics).toContain('strategy');
    expect(metrics).toContain('buy & hold');
    await screenshot(page, 'pack-preview');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('builds a model, runs a sweep to the end, exports a leaderboard row as CSV, compares rows and charts a backtest', async () => {
    // Model builder: live validation, then a model from the Swing Sigma pack.
    const { page, problems } = await s.open('/models?pack=swingsigma');
    const name = page.getByPlaceholder('my-swing-model');
    await name.fill('bad name!');
    await expect.poll(() => page.locator('.field-error').first().textContent()).toContain('letters, digits');
    expect(await page.getByRole('button', { name: 'Create model' }).isDisabled()).toBe(true);
    await name.fill('swing-web');
    await expect.poll(() => page.getByLabel('model YAML').inputValue()).toContain('name: swing-web');
    await page.getByRole('button', { name: 'Create model' }).click();
    await page.getByText('model swing-web created').waitFor();
    await page.getByRole('link', { name: 'sweep it' }).click();

    // Sweep configuration: simple mode, 45 combinations; start it and watch it to the end.
    // The runtime estimate comes from the server before anything starts.
    await expect.poll(() => page.getByTestId('estimate').textContent(), { timeout: 30_000 }).toMatch(/45 combinations · estimated runtime ~\d/);
    expect(await s.call<{ items: unknown[] }>('GET', '/sweeps').then((p) => p.items.length)).toBe(0);
    await page.getByRole('button', { name: 'Start sweep' }).click();
    await page.getByTestId('sweep-status').waitFor();
    await screenshot(page, 'sweep-started');
    await expect.poll(() => page.getByTestId('sweep-status').textContent(), { timeout: 90_000, interval: 250 }).toBe('done');
    expect(await page.getByRole('progressbar').textContent()).toContain('45 / 45');
    await screenshot(page, 'sweep-done');
    const sweepId = page.url().split('/sweeps/')[1]!.split('?')[0]!;
    const api = await s.call<{ leaderboard: { rows: { rank: number; idx: number; sharpe: number | null; trades: number }[] } }>('GET', `/sweeps/${sweepId}/results`);
    expect(api.leaderboard.rows).toHaveLength(45);

    // Leaderboard: sort, select the winner, export it.
    await page.getByRole('link', { name: 'Open the leaderboard' }).click();
    const table = page.getByRole('table', { name: 'leaderboard' });
    await table.locator('tbody tr').first().waitFor();
    expect(await table.locator('tbody tr').count()).toBe(45);
    const winner = api.leaderboard.rows[0]!;
    await table.locator(`tr[data-key="${winner.idx}"]`).getByRole('checkbox').check();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Export CSV \(1 selected\)/ }).click()]);
    const csvPath = `${RESULTS_DIR}leaderboard-winner.csv`;
    await download.saveAs(csvPath);
    const lines = readFileSync(csvPath, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    const head = lines[0]!.split(',');
    const row = lines[1]!.split(',');
    expect(head.slice(0, 2)).toEqual(['rank', 'idx']);
    expect(Number(row[head.indexOf('rank')])).toBe(1);
    expect(Number(row[head.indexOf('idx')])).toBe(winner.idx);
    expect(Number(row[head.indexOf('trades')])).toBe(winner.trades);
    if (winner.sharpe !== null) expect(Number(row[head.indexOf('sharpe')])).toBeCloseTo(winner.sharpe, 12);
    // Sorting by a column header reorders the rows; a second row makes a side-by-side comparison.
    await table.getByRole('button', { name: 'trades' }).click();
    await table.locator(`tr[data-key="${api.leaderboard.rows[1]!.idx}"]`).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Compare 2 side by side' }).click();
    await expect.poll(() => page.getByRole('table', { name: 'comparison' }).locator('thead th').count()).toBe(3);
    await screenshot(page, 'leaderboard-compare');

    // A backtest of the model, charted: price, signals and equity on canvases.
    await page.goto(`${s.srv.url}/app/backtests?model=swing-web`);
    expect(await page.getByLabel('backtest kind').inputValue()).toBe('model');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByTestId('backtest-chart').locator('canvas').first().waitFor();
    expect(await page.getByRole('table', { name: 'backtest metrics' }).textContent()).toContain('buy & hold');
    await screenshot(page, 'backtest-chart');
    expect(problems).toEqual([]);
    await page.close();
  });

});
