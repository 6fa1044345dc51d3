/**
 * A browser session against a real server for the workflow tests: the
 * dashboard built, the server started (sweeps on a real one-lane queue), a
 * chromium context whose pages start signed in with the admin key.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { InlineQueue } from '../../src/research/jobs/inlineQueue.ts';
import { launchChromium, watchPage } from './browser.ts';
import { ensureDashboardBuilt } from './dashboardBuild.ts';
import { startWebServer, type WebServer } from './webServer.ts';

/** What a workflow test drives. */
export interface Session {
  srv: WebServer;
  browser: Browser;
  context: BrowserContext;
  /** A new page at /app + path, with its console problems collected. */
  open(path: string): Promise<{ page: Page; problems: string[] }>;
  /** Call the API with the admin key; throws on an error status. */
  call<T>(method: string, path: string, body?: unknown, type?: string): Promise<T>;
  close(): Promise<void>;
}

export async function startSession(): Promise<Session> {
  await ensureDashboardBuilt();
  const srv = await startWebServer(async () => ({ jobs: new InlineQueue() }));
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  // The key where the key form keeps it, so every page starts signed in.
  await context.addInitScript({ content: `localStorage.setItem('tradepilot.apiKey', ${JSON.stringify(srv.keys.admin)});` });
  const auth = { authorization: `Bearer ${srv.keys.admin}` };
  return {
    srv,
    browser,
    context,
    async open(path) {
      const page = await context.newPage();
      const problems = watchPage(page);
      await page.goto(`${srv.url}/app${path}`);
      await page.locator('main .panel, main .notice').first().waitFor();
      return { page, problems };
    },
    async call<T>(method: string, path: string, body?: unknown, type = 'application/json'): Promise<T> {
      const res = await fetch(`${srv.url}${path}`, { method, headers: { ...auth, ...(body !== undefined ? { 'content-type': type } : {}) }, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
      const json = (await res.json()) as T;
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    },
    async close() {
      await context.close();
      await browser.close();
      await srv.close();
    },
  };
}
