/**
 * The dashboard in a real browser against a real server: every page loads
 * without console errors (which also catches CSP violations and failed
 * requests), and a confirmation answered YES changes state and leaves a paper
 * order in the gate's records. Screenshots land in test-results/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, requireChromium, screenshot, watchPage } from './browser.ts';
import { ensureDashboardBuilt } from './dashboardBuild.ts';
import { startWebServer, type WebServer } from './webServer.ts';

const enabled = requireChromium();

describe.skipIf(!enabled)('web dashboard in chromium', () => {
  let srv: WebServer;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    await ensureDashboardBuilt();
    srv = await startWebServer();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await srv?.close();
  });

  /** A page signed in with the user key (typed into the key form once, as a person would). */
  async function signedIn(): Promise<{ page: Page; problems: string[] }> {
    const page = await context.newPage();
    const problems = watchPage(page);
    await page.goto(`${srv.url}/`);
    const keyInput = page.getByLabel('API key');
    if (await keyInput.isVisible().catch(() => false)) {
      await keyInput.fill(srv.keys.admin);
      await page.getByRole('button', { name: 'Save key' }).click();
    }
    await page.locator('main .panel, main .notice').first().waitFor();
    return { page, problems };
  }

  it('asks for the API key first, and refuses a wrong one with the server message', async () => {
    const page = await browser.newPage();
    await page.goto(`${srv.url}/app/`);
    await page.getByLabel('API key').fill('tp_wrong');
    await page.getByRole('button', { name: 'Save key' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('UNAUTHORIZED');
    await page.close();
  });

  it('loads every page without console errors', async () => {
    const { page, problems } = await signedIn();
    const links = await page.getByRole('navigation', { name: 'pages' }).locator('a:not(.brand)').all();
    const names: string[] = [];
    for (const l of links) names.push((await l.textContent())!.trim());
    expect(names.length).toBeGreaterThanOrEqual(3);
    for (const name of names) {
      await page.getByRole('navigation', { name: 'pages' }).getByText(name, { exact: true }).click();
      await page.locator('main .panel, main .notice').first().waitFor();
      await expect.poll(() => page.locator('main').textContent()).not.toContain('loading…');
      await screenshot(page, `page-${name.toLowerCase().replace(/[^a-z]+/g, '-')}`);
      // A direct load of the same URL works too (the server falls back to index.html).
      await page.reload();
      await page.locator('main .panel, main .notice').first().waitFor();
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it('answers a confirmation YES: the row changes state and the gate records a paper order', async () => {
    const { confirmation } = await srv.confirmations.request({ symbol: 'AAPL', action: 'BUY', confidence: 0.71, quantity: 5, alertId: 'alert-aapl-1' });
    const { page, problems } = await signedIn();
    await page.goto(`${srv.url}/app/confirmations`);
    const row = page.locator(`tr[data-key="${confirmation.id}"]`);
    await expect.poll(() => row.getByTestId('status').textContent()).toBe('pending');
    expect(await row.textContent()).toContain('alert-aapl-1');
    await screenshot(page, 'confirmation-pending');
    await row.getByRole('button', { name: 'YES' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: confirmation.id }).textContent()).toContain('executed');
    // The pending filter drops the row; the full list shows it executed.
    await page.getByLabel('status filter').selectOption('');
    await expect.poll(() => page.locator(`tr[data-key="${confirmation.id}"]`).getByTestId('status').textContent()).toBe('executed');
    await screenshot(page, 'confirmation-executed');
    const orders = await srv.store.db.selectFrom('orders').selectAll().where('confirmation_id', '=', confirmation.id).execute();
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ symbol: 'AAPL', side: 'buy', qty: 5, mode: 'paper' });
    expect((await srv.confirmations.get(confirmation.id)).status).toBe('executed');
    // A second answer is refused by the server, as an SMS would be; the page shows no buttons for it.
    expect(await page.locator(`tr[data-key="${confirmation.id}"]`).getByRole('button', { name: 'YES' }).count()).toBe(0);
    await page.goto(`${srv.url}/app/orders`);
    await expect.poll(() => page.getByRole('table', { name: 'orders' }).textContent()).toContain('AAPL');
    expect(problems).toEqual([]);
    await page.close();
  });
});
