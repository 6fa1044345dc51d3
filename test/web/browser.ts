/**
 * Debian's chromium for the browser tests, driven by playwright-core. Absent:
 * skip with a printed reason locally, fail under CI=true (.ci/run installs it).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots go here (git-ignored). */
export const RESULTS_DIR = fileURLToPath(new URL('../../test-results/', import.meta.url));

/** Whether the browser suite should run (throws under CI=true when chromium is missing). */
export function requireChromium(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const reason = `chromium is not installed at ${CHROMIUM}`;
  if (process.env.CI === 'true') throw new Error(`${reason}, and CI=true requires it (apt-get install chromium)`);
  process.stdout.write(`skipping browser tests: ${reason}\n`);
  return false;
}

/** Headless chromium without sandbox or background networking. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-background-networking'] });
}

/** Console errors, page errors and failed requests of a page, collected for assertions. */
export function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') problems.push(`console.${m.type()}: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => {
    // Streams cut by a navigation are not failures of the page.
    if (r.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.push(`requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
  return problems;
}

/** Save a full-page screenshot as test-results/NAME.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = `${RESULTS_DIR}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}
