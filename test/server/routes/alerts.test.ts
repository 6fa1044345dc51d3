import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { Alert } from '../../../src/core/alert.ts';
import { alertId } from '../../../src/live/alerts/alertId.ts';
import type { AlertOutcome } from '../../../src/live/alerts/alertOutcome.ts';
import { parseAlert } from '../../../src/live/alerts/alertSchema.ts';
import { AlertStore } from '../../../src/live/alerts/alertStore.ts';
import { AlertItem } from '../../../src/server/routes/alerts.ts';
import { pageSchema } from '../../../src/server/pagination.ts';
import { bearer, makeHarness, type Harness } from '../harness.ts';
import { readSse } from '../../support/sse.ts';

const NOW = Date.UTC(2024, 5, 3, 14, 0);
const MIN = 60_000;

/** A stock or option alert `ageMin` minutes before NOW, valid for `validMin` minutes. */
function makeAlert(ageMin: number, o: { ticker?: string; option?: boolean; model?: string; validMin?: number; action?: 'BUY' | 'SELL' } = {}): Alert {
  const t = NOW - ageMin * MIN;
  const common = {
    alert_id: alertId(t),
    timestamp: new Date(t).toISOString(),
    model_id: o.model ?? 'sma-cross',
    action: o.action ?? 'BUY',
    confidence: 0.7,
    entry_price: 100,
    stop_loss: o.action === 'SELL' ? 104 : 96,
    take_profit: o.action === 'SELL' ? 94 : 106,
    urgency: 'normal',
    valid_until: new Date(t + (o.validMin ?? 60) * MIN).toISOString(),
  };
  return o.option
    ? parseAlert({ ...common, instrument: 'option', underlying: o.ticker ?? 'QQQ', option_type: 'call', strike: 100, expiration: '2024-06-14', contracts: 2, quantity: 2 })
    : parseAlert({ ...common, instrument: 'stock', ticker: o.ticker ?? 'SPY', quantity: 10 });
}

type Page = { items: { id: string; status: string; acknowledgedBy: string | null; alert: Alert }[]; nextCursor: string | null; limit: number };

describe('alert routes', () => {
  let h: Harness;
  const alerts: Alert[] = [];
  const get = async (url: string, key?: string) => h.app.inject({ method: 'GET', url, headers: key ? bearer(key) : {} });

  beforeAll(async () => {
    h = await makeHarness({ options: { ssePollMs: 20 } });
    // 12 alerts: SPY stock every 10 min (the newest 3 still valid), 3 QQQ options, one from another model.
    for (let i = 0; i < 8; i++) alerts.push(makeAlert(5 + i * 10));
    for (let i = 0; i < 3; i++) alerts.push(makeAlert(7 + i * 30, { option: true, ticker: 'QQQ', validMin: 24 * 60 }));
    alerts.push(makeAlert(200, { ticker: 'IWM', model: 'rsi-revert', action: 'SELL' }));
    // Same bar time as alerts[1]: pages must break the tie by id.
    alerts.push({ ...makeAlert(15, { ticker: 'DIA' }), alert_id: `${alerts[1]!.alert_id.slice(0, -1)}${alerts[1]!.alert_id.endsWith('0') ? '1' : '0'}` });
    await new AlertStore(h.store, h.clock).save({ alerts, decisions: [] });
  });
  afterAll(async () => {
    await h.close();
  });

  it('lists newest first and pages with a cursor over every alert exactly once', async () => {
    const seen: string[] = [];
    let url = '/alerts?limit=3'; // the tied pair sits at positions 2 and 3: across a page boundary
    for (;;) {
      const res = await get(url, h.keys.user);
      expect(res.statusCode).toBe(200);
      const page = pageSchema(AlertItem).parse(res.json()) as Page;
      seen.push(...page.items.map((a) => a.id));
      if (!page.nextCursor) break;
      url = `/alerts?limit=3&cursor=${page.nextCursor}`;
    }
    const key = (a: Alert) => `${a.timestamp}|${a.alert_id}`;
    const expected = [...alerts].sort((a, b) => (key(a) < key(b) ? 1 : -1)).map((a) => a.alert_id);
    expect(alerts.filter((a) => a.timestamp === alerts[1]!.timestamp)).toHaveLength(2);
    expect(seen).toEqual(expected);
  });

  it('filters by symbol, kind, status and time range', async () => {
    const ids = async (q: string) => ((await get(`/alerts?${q}`, h.keys.user)).json() as Page).items.map((a) => a.id).sort();
    const idsOf = (xs: Alert[]) => xs.map((a) => a.alert_id).sort();
    expect(await ids('symbol=qqq')).toEqual(idsOf(alerts.filter((a) => a.instrument === 'option')));
    expect(await ids('kind=option')).toEqual(idsOf(alerts.filter((a) => a.instrument === 'option')));
    expect(await ids('kind=stock&symbol=SPY')).toEqual(idsOf(alerts.slice(0, 8)));
    // Valid for 60 min: the SPY alerts 5, 15 ... 55 min old are open, the older ones expired; the options (1 day) are all open.
    const open = alerts.filter((a) => Date.parse(a.valid_until) > NOW);
    expect(await ids('status=open')).toEqual(idsOf(open));
    expect(await ids('status=expired')).toEqual(idsOf(alerts.filter((a) => !open.includes(a))));
    const since = new Date(NOW - 30 * MIN).toISOString();
    const until = new Date(NOW - 10 * MIN).toISOString();
    expect(await ids(`since=${since}&until=${until}`)).toEqual(idsOf(alerts.filter((a) => a.timestamp >= since && a.timestamp < until)));
  });

  it('GET /alerts/{id} answers the stored record; an unknown id is 404', async () => {
    const a = alerts[8]!;
    const res = await get(`/alerts/${a.alert_id}`, h.keys.user);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: a.alert_id, status: 'open', acknowledgedAt: null, alert: a });
    const missing = await get('/alerts/0190000000000', h.keys.user);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
  });

  it('acknowledges all or nothing, records who did it, and reports repeats', async () => {
    const ids = [alerts[0]!.alert_id, alerts[1]!.alert_id];
    const bad = await h.app.inject({ method: 'POST', url: '/alerts/acknowledge', headers: bearer(h.keys.user), payload: { ids: [...ids, 'no-such-alert'] } });
    expect(bad.statusCode).toBe(404);
    expect(bad.json().error).toMatchObject({ code: 'NOT_FOUND', field: 'ids' });
    expect(((await get('/alerts?status=acknowledged', h.keys.user)).json() as Page).items).toEqual([]);

    const res = await h.app.inject({ method: 'POST', url: '/alerts/acknowledge', headers: bearer(h.keys.user), payload: { ids } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ acknowledged: ids, already: [] });
    const again = await h.app.inject({ method: 'POST', url: '/alerts/acknowledge', headers: bearer(h.keys.premium), payload: { ids: [ids[0]!, alerts[2]!.alert_id] } });
    expect(again.json()).toMatchObject({ acknowledged: [alerts[2]!.alert_id], already: [ids[0]] });

    const acked = (await get('/alerts?status=acknowledged', h.keys.user)).json() as Page;
    expect(acked.items.map((a) => a.id).sort()).toEqual([...ids, alerts[2]!.alert_id].sort());
    const userKeyId = (await h.apiKeys.verify(h.keys.user))!.keyId;
    expect(acked.items.find((a) => a.id === ids[0])!.acknowledgedBy).toBe(`api:${userKeyId}`);
    // The audit trail: the domain event and the api.request record of every call, refused ones included.
    const ev = await h.store.events({ type: 'alert.acknowledged' });
    expect(ev.map((e) => (e.payload as { alert_ids: string[] }).alert_ids)).toEqual([ids, [alerts[2]!.alert_id]]);
    const audit = (await h.store.events({ type: 'api.request', subject: '/alerts/acknowledge' })).map((e) => e.payload as { status: number; keyId: string });
    expect(audit.map((a) => a.status)).toEqual([404, 200, 200]);
    expect(audit[0]!.keyId).toBe(userKeyId);
  });

  it('performance: hit rate and mean return of acknowledged or filled alerts, from recorded outcomes only', async () => {
    // alerts[0..2] are acknowledged (test above); alerts[3] gets filled through a confirmation and an order.
    await h.store.db.insertInto('confirmations').values({ id: 'C1', prediction_id: null, alert_id: alerts[3]!.alert_id, symbol: 'SPY', action: 'BUY', confidence: 0.7, quantity: 10, phone: null, status: 'executed', drill: 0, created_at: new Date(NOW).toISOString(), expires_at: new Date(NOW + 900_000).toISOString(), resolved_at: null, resolution_message_id: null }).execute();
    await h.store.db
      .insertInto('orders')
      .values({ id: 'O1', client_order_id: 'c-1', confirmation_id: 'C1', prediction_id: null, symbol: 'SPY', side: 'buy', qty: 10, type: 'market', ref_price: 100, notional: 1000, broker: 'paper', mode: 'paper', status: 'filled', broker_order_id: null, reasons: '[]', receipt: null, created_at: new Date(NOW).toISOString(), updated_at: new Date(NOW).toISOString() })
      .execute();
    const outcome = (a: Alert, r: number): AlertOutcome => ({ alert_id: a.alert_id, model_id: a.model_id, symbol: 'SPY', action: 'BUY', entry_price: 100, exit_price: 100 * (1 + r), exit_time: new Date(NOW).toISOString(), exit: 'horizon', realized_return: r, hit: r > 0 });
    // Scored: 0 (+6%), 1 (-4%), 3 (+1%); alert 5 has an outcome but was never acted on; 2 has none.
    const recs: [number, number][] = [
      [0, 0.06],
      [1, -0.04],
      [3, 0.01],
      [5, 0.03],
    ];
    await h.store.append(recs.map(([i, r]) => ({ type: 'alert.outcome', correlationId: alerts[i]!.alert_id, payload: outcome(alerts[i]!, r) })));
    const res = await get('/alerts/performance', h.keys.user);
    expect(res.statusCode).toBe(200);
    const models = res.json().models as Record<string, unknown>[];
    expect(models.map((m) => m.modelId)).toEqual(['sma-cross', 'rsi-revert']);
    const m = models[0]!;
    expect(m).toMatchObject({ alerts: 12, acknowledged: 3, filled: 1, scored: 3, outcomesAll: 4, strategy: null });
    expect(m.hitRate).toBeCloseTo(2 / 3, 12);
    expect(m.avgReturn).toBeCloseTo((0.06 - 0.04 + 0.01) / 3, 12);
    expect(m.hitRateAll).toBeCloseTo(3 / 4, 12);
    expect(m.avgReturnAll).toBeCloseTo((0.06 - 0.04 + 0.01 + 0.03) / 4, 12);
    expect(models[1]).toMatchObject({ alerts: 1, scored: 0, hitRate: null, avgReturn: null, outcomesAll: 0 });
    // The time filter applies to the alert time.
    const recent = (await get(`/alerts/performance?since=${new Date(NOW - 20 * MIN).toISOString()}`, h.keys.user)).json().models as Record<string, unknown>[];
    expect(recent).toEqual([expect.objectContaining({ modelId: 'sma-cross', alerts: 4, scored: 2, outcomesAll: 2 })]);
  });

  it('400 names the field', async () => {
    const cases: [string, string][] = [
      ['/alerts?limit=0', 'limit'],
      ['/alerts?status=done', 'status'],
      ['/alerts?kind=crypto', 'kind'],
      ['/alerts?since=yesterday', 'since'],
      ['/alerts?symbol=S%20P', 'symbol'],
      ['/alerts?cursor=bm9wZQ', 'cursor'],
      ['/alerts?cursor=WyJhIiwiYiJd&offset=1', 'offset'],
      ['/alerts/bad%20id', 'id'],
      ['/alerts/performance?until=soon', 'until'],
      ['/alerts/stream?after=-1', 'after'],
    ];
    for (const [url, field] of cases) {
      const res = await get(url, h.keys.user);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error, url).toMatchObject({ code: 'BAD_INPUT', field });
    }
    for (const payload of [{}, { ids: [] }, { ids: ['a', 'a'] }, { ids: 'a' }, { ids: ['bad id'] }]) {
      const res = await h.app.inject({ method: 'POST', url: '/alerts/acknowledge', headers: bearer(h.keys.user), payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.field, JSON.stringify(payload)).toMatch(/^ids/);
    }
  });

  it('401 without a key or with a revoked one, on every alert route', async () => {
    for (const url of ['/alerts', `/alerts/${alerts[0]!.alert_id}`, '/alerts/performance', '/alerts/stream']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHORIZED');
    }
    expect((await h.app.inject({ method: 'POST', url: '/alerts/acknowledge', payload: { ids: ['x'] } })).statusCode).toBe(401);
    const { key, info } = await h.apiKeys.create('short-lived', 'user');
    expect((await get('/alerts?limit=1', key)).statusCode).toBe(200);
    await h.apiKeys.revoke(info.id, 'test');
    expect((await get('/alerts?limit=1', key)).statusCode).toBe(401);
  });

  it('is in the OpenAPI document with its error responses', async () => {
    const doc = (await get('/openapi.json')).json() as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/alerts', '/alerts/{id}', '/alerts/acknowledge', '/alerts/performance', '/alerts/stream']));
    expect(Object.keys(doc.paths['/alerts']!.get!.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '429']));
  });

  it('streams alerts stored after connecting (filtered), then acknowledgements, over a real socket', async () => {
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
    const got = readSse(`${base}/alerts/stream?symbol=TSLA`, bearer(h.keys.user), (f) => f.some((x) => x.event === 'alert.acknowledged'));
    await new Promise((r) => setTimeout(r, 100));
    const fresh = [makeAlert(1, { ticker: 'TSLA' }), makeAlert(1, { ticker: 'NVDA' }), makeAlert(0, { ticker: 'TSLA', action: 'SELL' })];
    await new AlertStore(h.store, h.clock).save({ alerts: fresh, decisions: [] });
    await h.app.inject({ method: 'POST', url: '/alerts/acknowledge', headers: bearer(h.keys.user), payload: { ids: [fresh[0]!.alert_id] } });
    const { res, frames } = await got;
    expect(res.headers['content-type']).toContain('text/event-stream');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const sent = frames.filter((f) => f.event === 'alert').map((f) => f.data as { id: string; alert: Alert });
    expect(sent.map((a) => a.id)).toEqual([fresh[0]!.alert_id, fresh[2]!.alert_id]);
    expect(sent[1]!.alert).toEqual(fresh[2]);
    expect(frames.at(-1)!.data).toMatchObject({ alert_ids: [fresh[0]!.alert_id] });
  });
});

describe('alert routes under limits', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness({ options: { rateLimits: { anonymous: 2, user: 3, premium: 5, admin: 5 }, corsOrigins: ['https://app.example.com'] } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('429 after the per-key limit, with retry-after; another key is unaffected', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await h.app.inject({ method: 'GET', url: '/alerts', headers: bearer(h.keys.user) })).statusCode);
    expect(codes).toEqual([200, 200, 200, 429]);
    const refused = await h.app.inject({ method: 'POST', url: '/alerts/acknowledge', headers: bearer(h.keys.user), payload: { ids: ['x'] } });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('RATE_LIMITED');
    expect(refused.headers['retry-after']).toBeDefined();
    expect((await h.app.inject({ method: 'GET', url: '/alerts/performance', headers: bearer(h.keys.premium) })).statusCode).toBe(200);
  });

  it('403 for a browser preflight from an origin not on the allow-list', async () => {
    const preflight = (origin: string) => h.app.inject({ method: 'OPTIONS', url: '/alerts/acknowledge', headers: { origin, 'access-control-request-method': 'POST' } });
    const res = await preflight('https://evil.example.com');
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
    expect((await preflight('https://app.example.com')).statusCode).toBe(204);
  });
});
