import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { hashApiKey } from '../../src/server/auth/apiKeys.ts';
import { ADMIN_KEY, bearer, makeHarness, OPERATOR, type Harness } from './harness.ts';

const TWILIO_TOKEN = 'twilio-token-0123456789';
const PUBLIC_URL = 'https://tp.example.com';

/** Every (method, path) this suite calls, checked against the OpenAPI document at the end. */
const covered = new Set<string>();

describe('REST API', () => {
  let h: Harness;
  const call = async (method: 'GET' | 'POST' | 'DELETE', url: string, key?: string, payload?: unknown, headers: Record<string, string> = {}) => {
    const res = await h.app.inject({ method, url, headers: { ...(key ? bearer(key) : {}), ...headers }, ...(payload !== undefined ? { payload: payload as object } : {}) });
    covered.add(`${method} ${url.split('?')[0]}`);
    return res;
  };

  beforeAll(async () => {
    h = await makeHarness({ deps: { twilio: { authToken: TWILIO_TOKEN, publicUrl: PUBLIC_URL } } });
  });
  afterAll(async () => {
    await h.close();
  });

  describe('authentication and roles', () => {
    it('401 without a key, with a malformed key and with an unknown key, same error body', async () => {
      for (const key of [undefined, 'nonsense', `tp_${'A'.repeat(43)}`]) {
        const res = await call('GET', '/orders', key);
        expect(res.statusCode).toBe(401);
        expect(res.headers['www-authenticate']).toContain('Bearer');
        expect(res.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
      }
    });
    it('accepts the key as Bearer and as X-API-Key', async () => {
      expect((await call('GET', '/orders', h.keys.user)).statusCode).toBe(200);
      expect((await call('GET', '/orders', undefined, undefined, { 'x-api-key': h.keys.user })).statusCode).toBe(200);
    });
    it('403 for a role below the route', async () => {
      for (const key of [h.keys.user, h.keys.premium]) {
        const res = await call('POST', '/admin/halt', key, { reason: 'test' });
        expect(res.statusCode).toBe(403);
        expect(res.json().error.code).toBe('FORBIDDEN');
      }
      expect((await h.gate.state()).state).toBe('ACTIVE');
    });
    it('a revoked key stops working at once', async () => {
      const { key, info } = await h.apiKeys.create('temp', 'user');
      expect((await call('GET', '/events?limit=1', key)).statusCode).toBe(200);
      await h.apiKeys.revoke(info.id, 'test');
      expect((await call('GET', '/events?limit=1', key)).statusCode).toBe(401);
    });
    it('stores only hashes of keys', async () => {
      const rows = await h.store.db.selectFrom('api_keys').selectAll().execute();
      const dump = JSON.stringify(rows);
      for (const k of Object.values(h.keys)) {
        expect(dump).not.toContain(k);
        expect(rows.some((r) => r.key_hash === hashApiKey(k))).toBe(true);
      }
    });
  });

  describe('errors, limits and headers', () => {
    it('400 names the field, in query, params and body', async () => {
      let res = await call('GET', '/events?limit=0', h.keys.user);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'BAD_INPUT', field: 'limit' });
      res = await call('GET', '/confirmations/bad-id!', h.keys.user);
      expect(res.json().error).toMatchObject({ code: 'BAD_INPUT', field: 'id' });
      res = await call('POST', '/confirmations/ABC/decision', h.keys.user, { decision: 'maybe' });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ field: 'decision' });
      expect(res.json().error.message).toContain('body.decision');
      res = await call('GET', '/events?cursor=zzz', h.keys.user);
      expect(res.json().error).toMatchObject({ field: 'cursor' });
      res = await call('GET', '/orders?cursor=WyJhIiwiYiJd&offset=2', h.keys.user);
      expect(res.json().error).toMatchObject({ field: 'offset' });
    });
    it('404 with the same body for unknown routes and ids', async () => {
      let res = await call('GET', '/no/such/route', h.keys.user);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route GET /no/such/route' } });
      res = await call('GET', '/orders/none', h.keys.user);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    });
    it('413 for an oversized body, before the handler runs', async () => {
      const res = await call('POST', '/admin/halt', h.keys.admin, { reason: 'x'.repeat(300 * 1024) });
      expect(res.statusCode).toBe(413);
      expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
      expect((await h.gate.state()).state).toBe('ACTIVE');
    });
    it('415 for a body that is not JSON', async () => {
      const res = await call('POST', '/admin/halt', h.keys.admin, '<reason>x</reason>', { 'content-type': 'application/xml' });
      expect(res.statusCode).toBe(415);
      expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });
    it('security headers on answers and errors; no CORS header by default', async () => {
      for (const res of [await call('GET', '/health'), await call('GET', '/orders'), await call('GET', '/orders', h.keys.user, undefined, { origin: 'https://evil.example' })]) {
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['x-frame-options']).toBe('DENY');
        expect(res.headers['referrer-policy']).toBe('no-referrer');
        expect(res.headers['content-security-policy']).toContain("default-src 'none'");
        expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
        expect(res.headers['strict-transport-security']).toBeUndefined();
      }
      const pre = await h.app.inject({ method: 'OPTIONS', url: '/orders', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
      expect(pre.statusCode).toBe(403);
      expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('confirmations', () => {
    it('lists with filters and cursor paging, and reads one', async () => {
      const made = [];
      for (const s of ['AAA', 'BBB', 'CCC']) {
        made.push((await h.confirmations.request({ symbol: s, action: 'BUY', confidence: 0.7, quantity: 1 })).confirmation);
        h.clock.advance(1000);
      }
      const p1 = await call('GET', '/confirmations?limit=2&status=pending', h.keys.user);
      expect(p1.statusCode).toBe(200);
      expect(p1.json().items.map((c: { symbol: string }) => c.symbol)).toEqual(['CCC', 'BBB']);
      const p2 = await call('GET', `/confirmations?limit=2&status=pending&cursor=${p1.json().nextCursor}`, h.keys.user);
      expect(p2.json().items.map((c: { symbol: string }) => c.symbol)).toEqual(['AAA']);
      expect(p2.json().nextCursor).toBeNull();
      expect((await call('GET', '/confirmations?symbol=bbb', h.keys.user)).json().items).toHaveLength(1);
      expect((await call('GET', '/confirmations?offset=1&limit=1&status=pending', h.keys.user)).json().items[0].symbol).toBe('BBB');
      const one = await call('GET', `/confirmations/${made[0]!.id.toLowerCase()}`, h.keys.user);
      expect(one.json()).toMatchObject({ id: made[0]!.id, symbol: 'AAA', status: 'pending', drill: false });
      expect((await call('GET', '/confirmations/ZZZZZZZZ', h.keys.user)).statusCode).toBe(404);
      await h.confirmations.expireStale();
      h.clock.advance(901_000);
      await h.confirmations.expireStale();
    });
    it('YES executes once through the gate; a second answer is 409; the call is audited with the key id', async () => {
      const { confirmation } = await h.confirmations.request({ symbol: 'SPY', action: 'BUY', confidence: 0.8, quantity: 2, predictionId: 'pred-api' });
      const res = await call('POST', `/confirmations/${confirmation.id}/decision`, h.keys.user, { decision: 'YES' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ kind: 'executed', confirmation: { id: confirmation.id, status: 'executed' } });
      const again = await call('POST', `/confirmations/${confirmation.id}/decision`, h.keys.user, { decision: 'YES' });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.message).toContain('already executed');
      const orders = await h.store.db.selectFrom('orders').selectAll().where('confirmation_id', '=', confirmation.id).execute();
      expect(orders).toHaveLength(1);
      expect(orders[0]).toMatchObject({ mode: 'paper', prediction_id: 'pred-api' });
      const audit = (await h.store.events({ type: 'api.request' })).filter((e) => (e.payload as { path: string }).path === `/confirmations/${confirmation.id}/decision`);
      expect(audit).toHaveLength(2);
      const userKey = await h.apiKeys.verify(h.keys.user);
      expect(audit.map((e) => (e.payload as { status: number; keyId: string }).status)).toEqual([200, 409]);
      expect(audit.every((e) => (e.payload as { keyId: string }).keyId === userKey!.keyId)).toBe(true);
      const everything = JSON.stringify(await h.store.events());
      for (const k of Object.values(h.keys)) expect(everything).not.toContain(k);
    });
    it('NO skips; a late answer finds it expired (409) and places nothing', async () => {
      const a = (await h.confirmations.request({ symbol: 'QQQ', action: 'SELL', confidence: 0.9, quantity: 1 })).confirmation;
      const res = await call('POST', `/confirmations/${a.id}/decision`, h.keys.user, { decision: 'NO' });
      expect(res.json()).toMatchObject({ kind: 'skipped', confirmation: { status: 'rejected' } });
      const b = (await h.confirmations.request({ symbol: 'DIA', action: 'BUY', confidence: 0.9, quantity: 1 })).confirmation;
      h.clock.advance(901_000);
      const late = await call('POST', `/confirmations/${b.id}/decision`, h.keys.user, { decision: 'YES' });
      expect(late.statusCode).toBe(409);
      expect(late.json().error.message).toContain('expired');
      expect(await h.store.db.selectFrom('orders').selectAll().where('confirmation_id', 'in', [a.id, b.id]).execute()).toHaveLength(0);
    });
    it('refuses an unauthenticated decision and audits the attempt', async () => {
      const res = await call('POST', '/confirmations/ABCDEFGH/decision', undefined, { decision: 'YES' });
      expect(res.statusCode).toBe(401);
      const last = (await h.store.events({ type: 'api.request', order: 'desc', limit: 1 }))[0]!;
      expect(last.payload).toMatchObject({ status: 401, keyId: null, method: 'POST' });
    });
  });

  describe('orders', () => {
    it('lists with filters and reads one by id or client order id', async () => {
      const list = await call('GET', '/orders?symbol=spy&mode=paper', h.keys.user);
      expect(list.statusCode).toBe(200);
      const [o] = list.json().items;
      expect(o).toMatchObject({ symbol: 'SPY', mode: 'paper', broker: 'paper', reasons: expect.any(Array) });
      expect((await call('GET', `/orders/${o.id}`, h.keys.user)).json().clientOrderId).toBe(o.clientOrderId);
      expect((await call('GET', `/orders/${o.clientOrderId}`, h.keys.user)).json().id).toBe(o.id);
      expect((await call('GET', '/orders?mode=live', h.keys.user)).json().items).toEqual([]);
      expect((await call('GET', '/orders?mode=sideways', h.keys.user)).json().error.field).toBe('mode');
    });
  });

  describe('admin switches', () => {
    it('reads the trading state with any key', async () => {
      const res = await call('GET', '/admin/trading', h.keys.user);
      expect(res.json()).toMatchObject({ state: 'ACTIVE', dryRun: true, live: { enabled: false } });
      expect(res.json().live.blockers).toContain('DRY_RUN is not false');
    });
    it('live approval needs role admin and the ADMIN_KEY itself', async () => {
      expect((await call('POST', '/admin/live', h.keys.premium, { enabled: true, adminKey: ADMIN_KEY })).statusCode).toBe(403);
      const missing = await call('POST', '/admin/live', h.keys.admin, { enabled: true });
      expect(missing.statusCode).toBe(400);
      expect(missing.json().error.field).toBe('adminKey');
      const wrong = await call('POST', '/admin/live', h.keys.admin, { enabled: true, adminKey: 'not-the-admin-key-000' });
      expect(wrong.statusCode).toBe(403);
      const ok = await call('POST', '/admin/live', h.keys.admin, { enabled: true, adminKey: ADMIN_KEY });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().live.blockers).not.toContain('no admin approval of live trading recorded');
      // Still paper here: DRY_RUN and ENV keep it off, whatever the approval.
      expect(ok.json().live.enabled).toBe(false);
      const approved = await h.store.events({ type: 'admin.live_approved' });
      expect(approved.at(-1)!.payload).toMatchObject({ by: expect.stringMatching(/^api:key_/) });
      expect(JSON.stringify(await h.store.events())).not.toContain(ADMIN_KEY);
      const off = await call('POST', '/admin/live', h.keys.admin, { enabled: false });
      expect(off.json().live.blockers).toContain('no admin approval of live trading recorded');
    });
    it('halt, resume to REDUCING and ACTIVE, and the kill switch', async () => {
      expect((await call('POST', '/admin/halt', h.keys.admin, { reason: 'maintenance' })).json()).toMatchObject({ state: 'HALTED', reason: expect.stringContaining('maintenance') });
      expect((await call('POST', '/admin/resume', h.keys.admin, { state: 'REDUCING' })).json().state).toBe('REDUCING');
      expect((await call('POST', '/admin/resume', h.keys.admin, {})).json().state).toBe('ACTIVE');
      const kill = await call('POST', '/admin/kill', h.keys.admin);
      expect(kill.json()).toMatchObject({ state: 'HALTED', canceled: expect.any(Number) });
      expect((await h.gate.state()).reason).toContain('kill switch by api:key_');
      await h.gate.setState('ACTIVE', 'test reset');
      const audit = (await h.store.events({ type: 'api.request' })).map((e) => e.payload as { route: string; status: number });
      expect(audit.filter((a) => a.route === '/admin/kill' && a.status === 200)).toHaveLength(1);
    });
  });

  describe('events', () => {
    it('filters by type and subject and pages by sequence number', async () => {
      await h.store.append(Array.from({ length: 5 }, (_, i) => ({ type: 'test.tick', subject: i % 2 ? 'odd' : 'even', payload: { i } })));
      const p1 = await call('GET', '/events?type=test.tick&limit=2', h.keys.user);
      expect(p1.json().items.map((e: { payload: { i: number } }) => e.payload.i)).toEqual([4, 3]);
      const p2 = await call('GET', `/events?type=test.tick&limit=2&cursor=${p1.json().nextCursor}`, h.keys.user);
      expect(p2.json().items.map((e: { payload: { i: number } }) => e.payload.i)).toEqual([2, 1]);
      const odd = await call('GET', '/events?type=test.tick&subject=odd&order=asc', h.keys.user);
      expect(odd.json().items.map((e: { payload: { i: number } }) => e.payload.i)).toEqual([1, 3]);
      const two = await call('GET', '/events?type=test.tick,apikey.created&limit=500', h.keys.user);
      expect(two.json().items.length).toBe(5 + 4);
      expect((await call('GET', '/events?type=bad type', h.keys.user)).json().error.field).toBe('type');
    });
  });

  describe('operations', () => {
    it('GET /health is public and reports the database', async () => {
      const res = await call('GET', '/health');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'ok', checks: { database: { ok: true } } });
    });
    it('GET /metrics counts from the audit trail, with request latencies', async () => {
      expect((await call('GET', '/metrics')).statusCode).toBe(401);
      const res = await call('GET', '/metrics', h.keys.user);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/plain');
      const text = res.body;
      const value = (re: RegExp): number => Number(re.exec(text)?.[1]);
      expect(value(/^tradepilot_orders_total\{outcome="receipt"\} (\d+)/m)).toBe(1);
      expect(value(/^tradepilot_confirmations_total\{status="executed"\} (\d+)/m)).toBe(1);
      expect(value(/^tradepilot_confirmations_total\{status="rejected"\} (\d+)/m)).toBe(1);
      expect(value(/^tradepilot_messages_sent_total\{channel="console"\} (\d+)/m)).toBeGreaterThanOrEqual(5);
      expect(text).toMatch(/^tradepilot_sms_sent_total 0/m);
      expect(text).toMatch(/^tradepilot_predictions_total 0/m);
      expect(text).toMatch(/^tradepilot_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/orders",status="200"\} \d+/m);
      await h.store.append({ type: 'prediction', payload: { p: 0.7 } });
      await h.store.append({ type: 'order.failed', payload: {} });
      const again = (await call('GET', '/metrics', h.keys.user)).body;
      expect(again).toMatch(/^tradepilot_predictions_total 1/m);
      expect(again).toMatch(/^tradepilot_failures_total\{kind="order.failed"\} 1/m);
    });
    it('docs page and OpenAPI document are public; the docs page gets its own CSP', async () => {
      const docs = await h.app.inject({ method: 'GET', url: '/docs/' });
      expect(docs.statusCode).toBe(200);
      expect(docs.headers['content-security-policy']).toContain("script-src 'self'");
      const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json();
      expect(doc.openapi).toBe('3.0.3');
      expect(doc.components.securitySchemes.bearerAuth.scheme).toBe('bearer');
      expect(doc.paths['/health'].get.security).toEqual([]);
      expect(doc.paths['/admin/live'].post.description).toContain('Role: admin');
    });
    it('the Twilio webhook is mounted, signature-authenticated, without an API key', async () => {
      const { confirmation } = await h.confirmations.request({ symbol: 'IWM', action: 'BUY', confidence: 0.7, quantity: 1 });
      const params = { MessageSid: 'SMapi1', From: OPERATOR, To: '+15550001111', Body: `NO ${confirmation.id}` };
      const signature = twilio.getExpectedTwilioSignature(TWILIO_TOKEN, `${PUBLIC_URL}/webhooks/twilio/sms`, params);
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const bad = await call('POST', '/webhooks/twilio/sms', undefined, new URLSearchParams(params).toString(), form);
      expect(bad.statusCode).toBe(403);
      const good = await call('POST', '/webhooks/twilio/sms', undefined, new URLSearchParams(params).toString(), { ...form, 'x-twilio-signature': signature });
      expect(good.statusCode).toBe(200);
      expect(good.body).toContain('Skipped IWM BUY');
    });
  });

  it('training routes answer unknown ids and bad bodies (the full flow is in training.test.ts)', async () => {
    expect((await call('POST', '/training', h.keys.user, { sweep: 'x', select: [] })).statusCode).toBe(400);
    expect((await call('POST', '/training', h.keys.user, { sweep: 'no-such-sweep', select: [1] })).statusCode).toBe(404);
    for (const [m, u] of [['GET', '/training/nope'], ['GET', '/training/nope/results'], ['GET', '/training/nope/events'], ['DELETE', '/training/nope'], ['POST', '/training/nope/publish']] as const) {
      expect((await call(m, u, h.keys.user)).statusCode).toBe(404);
    }
  });

  it('every route in the OpenAPI document is exercised by this suite', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { tags?: string[] }>> };
    // Resources with suites of their own (packsModels, backtests, sweeps, routes/alerts .test.ts) are exercised there.
    const elsewhere = new Set(['packs', 'models', 'sweeps', 'backtests', 'alerts']);
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => !(op.tags ?? []).some((t) => elsewhere.has(t)))
        .map(([m]) => `${m.toUpperCase()} ${p}`),
    );
    const calls = [...covered];
    const exercised = (r: string): boolean => {
      const re = new RegExp(`^${r.replace(/\{\w+\}/g, '[^/]+')}$`);
      return calls.some((c) => re.test(c));
    };
    // The SSE stream is exercised over a real socket in listen.test.ts.
    const missing = documented.filter((r) => !exercised(r) && r !== 'GET /stream/events');
    expect(missing).toEqual([]);
    expect(documented).toContain('GET /stream/events');
    expect(documented.length).toBeGreaterThanOrEqual(15);
  });
});

describe('rate limits and CORS allow-list', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness({ options: { rateLimits: { anonymous: 2, user: 3, premium: 5, admin: 5 }, corsOrigins: ['https://app.example.com'] } });
  });
  afterAll(async () => {
    await h.close();
  });
  it('429 after the per-key limit, counted per key (another key is unaffected)', async () => {
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await h.app.inject({ method: 'GET', url: '/orders', headers: bearer(h.keys.user) })).statusCode);
    expect(codes).toEqual([200, 200, 200, 429]);
    const res = await h.app.inject({ method: 'GET', url: '/orders', headers: bearer(h.keys.user) });
    expect(res.json()).toEqual({ error: { code: 'RATE_LIMITED', message: expect.stringContaining('rate limit of 3') } });
    expect(res.headers['retry-after']).toBeDefined();
    expect((await h.app.inject({ method: 'GET', url: '/orders', headers: bearer(h.keys.premium) })).statusCode).toBe(200);
  });
  it('unauthenticated public calls are limited per IP', async () => {
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await h.app.inject({ method: 'GET', url: '/health' })).statusCode);
    expect(codes).toEqual([200, 200, 429]);
  });
  it('echoes an allowed origin (never *) and answers its preflight; others get nothing', async () => {
    const ok = await h.app.inject({ method: 'GET', url: '/orders', headers: { ...bearer(h.keys.admin), origin: 'https://app.example.com' } });
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(ok.headers.vary).toContain('Origin');
    const pre = await h.app.inject({ method: 'OPTIONS', url: '/confirmations/X/decision', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-headers']).toContain('authorization');
    const other = await h.app.inject({ method: 'GET', url: '/orders', headers: { ...bearer(h.keys.admin), origin: 'https://other.example.com' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
