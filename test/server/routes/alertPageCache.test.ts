import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../../src/adapters/store/sqliteStore.ts';
import type { Store } from '../../../src/adapters/store/store.ts';
import type { Alert } from '../../../src/core/alert.ts';
import { SimulatedClock } from '../../../src/core/time.ts';
import { alertId } from '../../../src/live/alerts/alertId.ts';
import { parseAlert } from '../../../src/live/alerts/alertSchema.ts';
import { AlertStore } from '../../../src/live/alerts/alertStore.ts';
import { etagMatches } from '../../../src/server/alertPageCache.ts';
import { AlertPageQuery } from '../../../src/server/alertPageQuery.ts';
import { bearer, makeHarness, type Harness } from '../harness.ts';

const NOW = Date.UTC(2024, 5, 3, 14, 0);
const MIN = 60_000;

function stock(ageMin: number, validMin = 60, ticker = 'SPY'): Alert {
  const t = NOW - ageMin * MIN;
  return parseAlert({ alert_id: alertId(t), timestamp: new Date(t).toISOString(), model_id: 'm', action: 'BUY', confidence: 0.7, entry_price: 100, stop_loss: 96, take_profit: 106, urgency: 'normal', valid_until: new Date(t + validMin * MIN).toISOString(), instrument: 'stock', ticker, quantity: 10 });
}

type Page = { items: { id: string; status: string }[] };

describe('GET /alerts page cache: ETag, 304 and invalidation', () => {
  let h: Harness;
  let dir: string;
  /** The server's store (the harness's own in-memory one is not the server's here). */
  let store: Store;
  const soon = stock(10, 15);
  const get = (url: string, extra: Record<string, string> = {}, key = h.keys.user) => h.app.inject({ method: 'GET', url, headers: { ...bearer(key), ...extra } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tp-alert-cache-'));
    // A file, not :memory:, so a second connection (another process's stand-in) can write to it.
    store = await openSqliteStore(join(dir, 'api.db'));
    h = await makeHarness({ deps: { store } });
    // 10 min old and valid 15 min: open until NOW + 5 min. The others are long expired or valid for a day.
    await new AlertStore(store, h.clock).save({ alerts: [soon, stock(20, 24 * 60), stock(120, 30)], decisions: [] });
  });
  afterAll(async () => {
    await h.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 304 with the ETag, the security headers and no body while nothing changed', async () => {
    const first = await get('/alerts');
    expect(first.statusCode).toBe(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    const again = await get('/alerts');
    expect(again.body).toBe(first.body);
    expect(again.headers.etag).toBe(etag);

    for (const inm of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const nm = await get('/alerts', { 'if-none-match': inm });
      expect(nm.statusCode, inm).toBe(304);
      expect(nm.body).toBe('');
      expect(nm.headers.etag).toBe(etag);
      expect(nm.headers['x-content-type-options']).toBe('nosniff');
      expect(nm.headers['content-security-policy']).toContain("default-src 'none'");
    }
    expect((await get('/alerts', { 'if-none-match': '"stale"' })).statusCode).toBe(200);
    // Another query is another page with its own tag.
    const one = await get('/alerts?limit=1');
    expect(one.headers.etag).not.toBe(etag);
    expect((await get('/alerts?limit=1', { 'if-none-match': etag })).statusCode).toBe(200);
  });

  it('still authenticates and counts every conditional request: no key is 401, not 304', async () => {
    const etag = (await get('/alerts')).headers.etag as string;
    const anon = await h.app.inject({ method: 'GET', url: '/alerts', headers: { 'if-none-match': etag } });
    expect(anon.statusCode).toBe(401);
    const { key, info } = await h.apiKeys.create('cache-revoke', 'user');
    expect((await get('/alerts', { 'if-none-match': etag }, key)).statusCode).toBe(304);
    await h.apiKeys.revoke(info.id, 'test');
    expect((await get('/alerts', { 'if-none-match': etag }, key)).statusCode).toBe(401);
  });

  it('shows a newly stored alert at once, and the old ETag no longer matches', async () => {
    const before = await get('/alerts');
    const fresh = stock(1);
    await new AlertStore(store, h.clock).save({ alerts: [fresh], decisions: [] });
    const after = await get('/alerts', { 'if-none-match': before.headers.etag as string });
    expect(after.statusCode).toBe(200);
    expect((after.json() as Page).items[0]!.id).toBe(fresh.alert_id);
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it('shows an acknowledgement at once, in the page and in the status filters', async () => {
    const page = (await get('/alerts')).json() as Page;
    const target = page.items.find((a) => a.status === 'open' && a.id !== soon.alert_id)!;
    expect(((await get('/alerts?status=acknowledged')).json() as Page).items.map((a) => a.id)).not.toContain(target.id);
    const ack = await h.app.inject({ method: 'POST', url: '/alerts/acknowledge', headers: bearer(h.keys.user), payload: { ids: [target.id] } });
    expect(ack.statusCode).toBe(200);
    expect(((await get('/alerts')).json() as Page).items.find((a) => a.id === target.id)!.status).toBe('acknowledged');
    expect(((await get('/alerts?status=acknowledged')).json() as Page).items.map((a) => a.id)).toContain(target.id);
  });

  it('turns an open alert expired when its time passes, with no write in between', async () => {
    const clock = h.clock as SimulatedClock;
    const id = soon.alert_id;
    const status = async (q: string) => ((await get(`/alerts${q}`)).json() as Page).items.find((a) => a.id === id)?.status;
    expect(await status('')).toBe('open');
    expect(await status('?status=expired')).toBeUndefined();
    const etag = (await get('/alerts')).headers.etag as string;
    clock.set(NOW + 6 * MIN);
    expect(await status('')).toBe('expired');
    expect(await status('?status=expired')).toBe('expired');
    expect(await status('?status=open')).toBeUndefined();
    expect((await get('/alerts', { 'if-none-match': etag })).statusCode).toBe(200);
  });

  it('sees a write committed by another connection to the same database (another process)', async () => {
    const before = (await get('/alerts?symbol=IWM')).json() as Page;
    expect(before.items).toEqual([]);
    const other = await openSqliteStore(join(dir, 'api.db'));
    try {
      const a = stock(2, 60, 'IWM');
      await new AlertStore(other, h.clock).save({ alerts: [a], decisions: [] });
      expect(((await get('/alerts?symbol=IWM')).json() as Page).items.map((x) => x.id)).toEqual([a.alert_id]);
    } finally {
      await other.close();
    }
  });
});

describe('alert page helpers', () => {
  it('etagMatches: exact, weak, listed and * match; others do not', () => {
    expect(etagMatches(undefined, '"a"')).toBe(false);
    expect(etagMatches('"a"', '"a"')).toBe(true);
    expect(etagMatches('W/"a"', '"a"')).toBe(true);
    expect(etagMatches('"b" ,  "a"', '"a"')).toBe(true);
    expect(etagMatches('*', '"a"')).toBe(true);
    expect(etagMatches('"ab"', '"a"')).toBe(false);
    expect(etagMatches('a', '"a"')).toBe(false);
  });

  it('AlertPageQuery numbers PostgreSQL placeholders in parameter order, one text per filter shape', () => {
    const q = new AlertPageQuery('postgres');
    const a = q.build({ limit: 10, symbol: 'SPY', status: 'open', cursor: ['t', 'id'], offset: 5 }, 'NOW');
    expect(a.sql).toBe('select "alert_id", "acknowledged_at", "acknowledged_by" from "alerts" where "ticker" = $1 and "acknowledged_at" is null and "valid_until" > $2 and ("timestamp", "alert_id") < ($3, $4) order by "timestamp" desc, "alert_id" desc limit $5 offset $6');
    expect(a.params).toEqual(['SPY', 'NOW', 't', 'id', 11, 5]);
    const b = q.build({ limit: 3, symbol: 'QQQ', status: 'open', cursor: ['u', 'v'], offset: 0 }, 'LATER');
    expect(b.sql).toBe(a.sql);
    expect(new AlertPageQuery('sqlite').build({ limit: 1 }, 'x')).toEqual({ sql: 'select "alert_id", "acknowledged_at", "acknowledged_by" from "alerts" order by "timestamp" desc, "alert_id" desc limit ?', params: [2] });
  });
});
