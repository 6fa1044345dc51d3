import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { runCli } from '../data/cliHarness.ts';
import { makeHarness, type Harness } from './harness.ts';
import { readSse } from '../support/sse.ts';

describe('over a real socket on 127.0.0.1', () => {
  let h: Harness;
  let base: string;
  beforeAll(async () => {
    h = await makeHarness({ options: { ssePollMs: 20 } });
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await h.close();
  });

  it('GET /stream/events streams events appended after connecting, filtered by type prefix', async () => {
    const auth = { authorization: `Bearer ${h.keys.user}` };
    const got = readSse(`${base}/stream/events?types=sweep.*`, auth, (f) => f.length >= 2);
    await new Promise((r) => setTimeout(r, 100));
    await h.store.append([
      { type: 'other.thing', payload: {} },
      { type: 'sweep.progress', subject: 'sw-1', payload: { done: 1, total: 2 } },
      { type: 'sweep.done', subject: 'sw-1', payload: { done: 2, total: 2 } },
    ]);
    const { res, frames } = await got;
    expect(res.headers['content-type']).toContain('text/event-stream');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(frames.map((f) => f.event)).toEqual(['sweep.progress', 'sweep.done']);
    expect(frames[0]!.data).toMatchObject({ type: 'sweep.progress', subject: 'sw-1', payload: { done: 1, total: 2 } });
    expect(Number(frames[1]!.id)).toBeGreaterThan(Number(frames[0]!.id));
  });

  it('resumes after Last-Event-ID, so a reconnect misses nothing', async () => {
    const recs = await h.store.append(Array.from({ length: 3 }, (_, i) => ({ type: 'resume.test', payload: { i } })));
    const { frames } = await readSse(`${base}/stream/events?types=resume.test`, { 'x-api-key': h.keys.user, 'last-event-id': String(recs[0]!.seq) }, (f) => f.length >= 2);
    expect(frames.map((f) => (f.data as { payload: { i: number } }).payload.i)).toEqual([1, 2]);
  });

  it('the stream needs a key', async () => {
    const { res } = await readSse(`${base}/stream/events`, {}, () => true);
    expect(res.statusCode).toBe(401);
  });

  it('tradepilot smoke exits 0 against a healthy server and 1 against nothing', async () => {
    const ok = await runCli(['smoke', '--url', base, '--key', h.keys.user, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ healthy: true, httpStatus: 200, auth: { ok: true } });
    const badKey = await runCli(['smoke', '--url', base, '--key', `tp_${'x'.repeat(43)}`]);
    expect(badKey.code).toBe(1);
    const down = await runCli(['smoke', '--url', 'http://127.0.0.1:9', '--timeout', '2000']);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('127.0.0.1:9');
    expect((await runCli(['smoke', '--url', 'not a url'])).code).toBe(2);
  });
});

describe('an unhealthy dependency', () => {
  it('GET /health answers 503 naming the failed check, and smoke exits 1', async () => {
    const h = await makeHarness({ deps: { health: [{ name: 'broker', check: () => Promise.reject(new Error('connection refused')) }, { name: 'data', check: () => new Promise(() => undefined) }] }, options: { healthTimeoutMs: 200 } });
    try {
      const res = await h.app.inject({ method: 'GET', url: '/health' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'unhealthy', checks: { database: { ok: true }, broker: { ok: false, detail: 'connection refused' }, data: { ok: false, detail: 'no answer within 200 ms' } } });
      await h.app.listen({ port: 0, host: '127.0.0.1' });
      const smoke = await runCli(['smoke', '--url', `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`]);
      expect(smoke.code).toBe(1);
      expect(smoke.stdout).toContain('UNHEALTHY');
    } finally {
      await h.close();
    }
  });
});
