import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../support/cli.ts';

const CHROMIUM = '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'tp-mainjob-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Chromium present: run. Absent: skip with a printed reason, except under CI=true, where it must be there. */
function haveChromium(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const reason = `${CHROMIUM} is missing (apt-get install chromium)`;
  if (process.env.CI === 'true') throw new Error(`${reason}, and CI=true requires it`);
  process.stdout.write(`skipping the run report browser test: ${reason}\n`);
  return false;
}

describe('tradepilot run: the HTML report in a browser', () => {
  it('opens offline in Chromium with its charts drawn', async (t) => {
    if (!haveChromium()) return t.skip();
    const html = join(dir, 'report.html');
    const r = await runCli(['run', '--json', '--db', join(dir, 'run.db'), '--symbol', 'DAX,SMI', '--report', html]);
    expect(r.code, r.stderr).toBe(0);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-background-networking'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const requests: string[] = [];
      page.on('request', (req) => requests.push(req.url()));
      await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
      // Self-contained: the page asked for nothing but itself.
      expect(requests).toEqual([pathToFileURL(html).href]);
      expect(await page.title()).toMatch(/^tradepilot run /);
      // Two charts per symbol: equity vs buy-and-hold (two lines) and price (one line) with trade marks.
      const charts = await page.$$eval('section svg', (svgs) =>
        svgs.map((s) => {
          const box = s.getBoundingClientRect();
          const lines = [...s.querySelectorAll('polyline')].map((p) => {
            const b = p.getBBox();
            return { cls: p.getAttribute('class'), points: (p.getAttribute('points') ?? '').trim().split(/\s+/).length, w: b.width, h: b.height, stroke: p.ownerDocument.defaultView!.getComputedStyle(p).stroke };
          });
          return { w: box.width, h: box.height, lines, marks: s.querySelectorAll('circle').length };
        }),
      );
      expect(charts).toHaveLength(4);
      for (const c of charts) {
        expect(c.w).toBeGreaterThan(500);
        expect(c.h).toBeGreaterThan(100);
        for (const l of c.lines) {
          expect(l.points).toBeGreaterThan(200);
          expect(l.w).toBeGreaterThan(500);
          expect(l.h).toBeGreaterThan(20);
          expect(l.stroke).not.toBe('none');
        }
      }
      expect(charts.filter((_, i) => i % 2 === 0).map((c) => c.lines.map((l) => l.cls))).toEqual([['bh', 'st'], ['bh', 'st']]);
      for (const c of charts.filter((_, i) => i % 2 === 1)) {
        expect(c.lines.map((l) => l.cls)).toEqual(['px']);
        expect(c.marks).toBeGreaterThan(10);
      }
      mkdirSync('test-results', { recursive: true });
      const shot = resolve('test-results', 'run-report.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(20_000);
    } finally {
      await browser.close();
    }
  });
});
