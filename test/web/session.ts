/**
 * A browser session against a real server for the workflow tests: the
 * dashboard built, the server started (sweeps on a real one-lane queue), a
 * chromium context whose pages start signed in with the admin key.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { InlineQueue } from '../../src/research/jobs/inlineQueue.ts';
import { launchChromium, requireChromium, watchPage } from './browser.ts';
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

/**
 * A describe block for one browser workflow: skipped with the reason printed when chromium is
 * missing (an error under CI=true), a session started before its tests and closed after them.
 * `s` stands for that session inside the tests.
 */
export function describeInBrowser(name: string, body: (s: Session) => void): void {
  describe.skipIf(!requireChromium())(name, () => {
    let current: Session | undefined;
    const live = (): Session => {
      if (!current) throw new Error('the browser session is started in beforeAll; use it inside tests');
      return current;
    };
    beforeAll(async () => {
      current = await startSession();
    }, 120_000);
    afterAll(async () => {
      await current?.close();
    });
    body({
      get srv() {
        return live().srv;
      },
      get browser() {
        return live().browser;
      },
      get context() {
        return live().context;
      },
      open: (path) => live().open(path),
      call: <T>(method: string, path: string, body?: unknown, type?: string) => live().call<T>(method, path, body, type),
      close: () => live().close(),
    });
  });
}
