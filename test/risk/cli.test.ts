import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { startFakeOptionsServer, type FakeOptionsServer } from './fakeOptionsServer.ts';

async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += String(c)));
  stderr.on('data', (c) => (err += String(c)));
  const code = await main(['node', 'tradepilot', ...args], { stdout, stderr }, env);
  return { code, out, err };
}

const dem = new URL('../../data/sample/dem2gbp.csv', import.meta.url).pathname;
let srv: FakeOptionsServer;
beforeAll(async () => {
  srv = await startFakeOptionsServer({ polygonKey: 'pk', tradierToken: 'tt' });
});
afterAll(async () => srv.close());

describe('tradepilot risk / options CLI', () => {
  it('risk garch --json prints the benchmark fit', async () => {
    const r = await run(['risk', 'garch', '--csv', dem, '--column', 'ret', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.alpha.toPrecision(6)).toBe('0.153134');
    expect(j.loglik).toBeCloseTo(-1106.60788104129, 4);
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['mu', 'omega', 'alpha', 'beta', 'gamma', 'shape', 'loglik', 'se', 'robust_se', 'persistence', 'forecast']));
    expect(j.gamma).toBeNull();
  });
  it('bad input exits 2 with a message naming the field', async () => {
    const r = await run(['risk', 'garch', '--csv', dem, '--model', 'arch', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out).error.message).toMatch(/--model: .*"arch"/);
  });
  it('risk var and options price', async () => {
    const v = JSON.parse((await run(['risk', 'var', '--csv', dem, '--level', '0.99', '--method', 'historical', '--json'])).out);
    expect(v.results[0].var).toBeGreaterThan(1);
    const p = JSON.parse((await run(['options', 'price', '--spot', '42', '--strike', '40', '--rate', '0.1', '--vol', '0.2', '--t', '0.5', '--json'])).out);
    expect(p.price.toFixed(2)).toBe('4.76');
  });
  it('options select from Tradier through the fake server', async () => {
    const r = await run(['options', 'select', '--source', 'tradier', '--underlying', 'SPY', '--as-of', '2024-04-18', '--dte', '30', '--spot', '500', '--json'], {
      TRADIER_TOKEN: 'tt',
      TRADIER_BASE_URL: srv.baseUrl,
    });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.expiry).toBe('2024-05-17');
    expect(j.contract.strike).toBe(500);
    expect(j.vol).toBe(0.1556);
  });
});
