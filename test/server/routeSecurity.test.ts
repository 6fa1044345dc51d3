import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InlineQueue } from '../../src/research/jobs/inlineQueue.ts';
import { bearer, makeHarness, type Harness } from './harness.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
interface Case {
  method: Method;
  /** The route pattern (as the audit trail records it). */
  route: string;
  role: 'user' | 'premium';
  /** A call that passes validation (its answer may be a 404 or a handler's 400): it counts against the limit. */
  ok: { url: string; body?: unknown; yaml?: boolean };
  /** A call refused by validation, and the field the 400 must name. */
  bad: { url: string; body?: unknown; field: string };
  /** A call a user key may not make, when the route (or this use of it) needs premium. */
  forbidden?: { url: string; body?: unknown };
}

const long = 'a'.repeat(65);
const CASES: Case[] = [
  { method: 'GET', route: '/packs', role: 'user', ok: { url: '/packs' }, bad: { url: '/packs?instrument=bond', field: 'instrument' } },
  { method: 'POST', route: '/packs', role: 'premium', ok: { url: '/packs', body: 'namespace: xx\n', yaml: true }, bad: { url: '/packs', body: [1], field: 'body' }, forbidden: { url: '/packs', body: 'namespace: xx\n' } },
  { method: 'GET', route: '/packs/:id', role: 'user', ok: { url: '/packs/swingsigma' }, bad: { url: '/packs/BAD!', field: 'id' } },
  { method: 'GET', route: '/packs/:id/preview', role: 'user', ok: { url: '/packs/nosuch/preview' }, bad: { url: '/packs/BAD!/preview', field: 'id' } },
  { method: 'PUT', route: '/packs/:id', role: 'premium', ok: { url: '/packs/nosuch', body: {} }, bad: { url: '/packs/BAD!', body: {}, field: 'id' }, forbidden: { url: '/packs/nosuch', body: {} } },
  { method: 'DELETE', route: '/packs/:id', role: 'premium', ok: { url: '/packs/nosuch' }, bad: { url: '/packs/BAD!', field: 'id' }, forbidden: { url: '/packs/nosuch' } },
  { method: 'GET', route: '/models', role: 'user', ok: { url: '/models' }, bad: { url: '/models?limit=0', field: 'limit' } },
  { method: 'POST', route: '/models', role: 'user', ok: { url: '/models', body: { pack: 'nosuch', name: 'a' } }, bad: { url: '/models', body: { name: 'a' }, field: 'pack' } },
  { method: 'GET', route: '/models/:id', role: 'user', ok: { url: '/models/x' }, bad: { url: `/models/${long}`, field: 'id' } },
  { method: 'PUT', route: '/models/:id', role: 'user', ok: { url: '/models/x', body: { pack: 'swingsigma', name: 'a' } }, bad: { url: '/models/x', body: { pack: 'swingsigma' }, field: 'name' } },
  { method: 'DELETE', route: '/models/:id', role: 'user', ok: { url: '/models/x' }, bad: { url: `/models/x?reason=${'r'.repeat(501)}`, field: 'reason' } },
  { method: 'POST', route: '/models/:id/publish', role: 'user', ok: { url: '/models/x/publish', body: {} }, bad: { url: '/models/x/publish', body: { reason: 5 }, field: 'reason' } },
  { method: 'POST', route: '/models/:id/unpublish', role: 'user', ok: { url: '/models/x/unpublish', body: {} }, bad: { url: '/models/x/unpublish', body: { reason: 5 }, field: 'reason' } },
  { method: 'GET', route: '/sweeps', role: 'user', ok: { url: '/sweeps' }, bad: { url: '/sweeps?status=paused', field: 'status' } },
  {
    method: 'POST',
    route: '/sweeps',
    role: 'user',
    ok: { url: '/sweeps', body: { model: 'x' } },
    bad: { url: '/sweeps', body: {}, field: 'model' },
    forbidden: { url: '/sweeps', body: { model: 'x', mode: 'custom', grid: { hold_days: [1] } } },
  },
  {
    method: 'POST',
    route: '/sweeps/estimate',
    role: 'user',
    ok: { url: '/sweeps/estimate', body: { model: 'x' } },
    bad: { url: '/sweeps/estimate', body: { model: 'x', tags: 'a' }, field: 'tags' },
    forbidden: { url: '/sweeps/estimate', body: { model: 'x', mode: 'custom', grid: { hold_days: [1] } } },
  },
  { method: 'GET', route: '/sweeps/:id', role: 'user', ok: { url: '/sweeps/0000aaaa' }, bad: { url: '/sweeps/zz!', field: 'id' } },
  { method: 'GET', route: '/sweeps/:id/results', role: 'user', ok: { url: '/sweeps/0000aaaa/results' }, bad: { url: '/sweeps/0000aaaa/results?format=xml', field: 'format' } },
  { method: 'DELETE', route: '/sweeps/:id', role: 'user', ok: { url: '/sweeps/0000aaaa' }, bad: { url: '/sweeps/zz!', field: 'id' } },
  { method: 'GET', route: '/sweeps/:id/events', role: 'user', ok: { url: '/sweeps/0000aaaa/events' }, bad: { url: '/sweeps/zz!/events', field: 'id' } },
  { method: 'GET', route: '/backtests', role: 'user', ok: { url: '/backtests' }, bad: { url: '/backtests?kind=x', field: 'kind' } },
  { method: 'POST', route: '/backtests', role: 'user', ok: { url: '/backtests', body: { symbol: 'NOPE' } }, bad: { url: '/backtests', body: { symbol: 'TTRC', cash: -1 }, field: 'cash' } },
  { method: 'GET', route: '/backtests/:id', role: 'user', ok: { url: '/backtests/x' }, bad: { url: `/backtests/${long}`, field: 'id' } },
];

describe('every new route: 401, 403, 400 naming the field, 429, and the audit trail', () => {
  let h: Harness;
  const send = (method: Method, url: string, key: string | undefined, body?: unknown, yaml = false) =>
    h.app.inject({ method, url, headers: { ...(key ? bearer(key) : {}), ...(yaml ? { 'content-type': 'application/yaml' } : {}) }, ...(body !== undefined ? { payload: body as string } : {}) });
  const freshKey = async (role: string) => (await h.apiKeys.create(`k-${role}`, role)).key;

  beforeAll(async () => {
    h = await makeHarness({ deps: { jobs: new InlineQueue() }, options: { rateLimits: { anonymous: 10_000, user: 1, premium: 1, admin: 1 } } });
  });
  afterAll(async () => {
    await h.close();
  });

  it.each(CASES.map((c) => [`${c.method} ${c.route}`, c] as const))('%s', async (_name, c) => {
    const unauth = await send(c.method, c.ok.url, undefined, c.ok.body, c.ok.yaml);
    expect(unauth.statusCode).toBe(401);
    expect(unauth.json().error.code).toBe('UNAUTHORIZED');
    if (c.forbidden) {
      const res = await send(c.method, c.forbidden.url, await freshKey('user'), c.forbidden.body, c.ok.yaml);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
    const bad = await send(c.method, c.bad.url, await freshKey(c.role), c.bad.body);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'BAD_INPUT', field: c.bad.field });
    const key = await freshKey(c.role);
    const first = await send(c.method, c.ok.url, key, c.ok.body, c.ok.yaml);
    expect(first.statusCode).not.toBe(429);
    expect([200, 201, 202, 400, 404]).toContain(first.statusCode);
    const second = await send(c.method, c.ok.url, key, c.ok.body, c.ok.yaml);
    expect(second.statusCode).toBe(429);
    expect(second.json().error.code).toBe('RATE_LIMITED');
    if (c.method !== 'GET') {
      const audit = (await h.store.events({ type: 'api.request' })).map((e) => e.payload as { route: string; method: string; status: number }).filter((a) => a.route === c.route && a.method === c.method);
      expect(audit.map((a) => a.status)).toEqual(expect.arrayContaining([401, 400, first.statusCode, 429]));
    }
  });
});
