import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelBacktest } from '../../src/backtest/chartBacktest.ts';
import { defaultModelSpec } from '../../src/strategy/models/modelSpec.ts';
import { PACKS_DIR } from '../../src/strategy/packs/load.ts';
import { bearer, makeHarness, type Harness } from './harness.ts';

const swing = readFileSync(join(PACKS_DIR, 'swing.yaml'), 'utf8');
/** The official swing pack under a new namespace: a valid custom pack. */
const custom = swing.replace('namespace: swingsigma', 'namespace: myswing').replace('name: Swing Sigma', 'name: My Swing').replace('tags: [swing, mean-reversion, daily, stocks]', 'tags: [swing, custom]');
const yaml = { 'content-type': 'application/yaml' };

describe('packs and models routes', () => {
  let h: Harness;
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, key?: string, payload?: unknown, headers: Record<string, string> = {}) =>
    h.app.inject({ method, url, headers: { ...(key ? bearer(key) : {}), ...headers }, ...(payload !== undefined ? { payload: payload as string } : {}) });
  const audited = async (path: string) => (await h.store.events({ type: 'api.request' })).map((e) => e.payload as { path: string; status: number; keyId: string | null }).filter((p) => p.path === path);

  beforeAll(async () => {
    h = await makeHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  describe('packs', () => {
    it('lists the official packs with tag, instrument and search filters, paged by cursor', async () => {
      const all = await call('GET', '/packs', h.keys.user);
      expect(all.statusCode).toBe(200);
      const items = all.json().items as { id: string; official: boolean; tags: string[]; instruments: string[] }[];
      expect(items.length).toBeGreaterThanOrEqual(4);
      expect(items.every((p) => p.official)).toBe(true);
      expect(items.map((p) => p.id)).toContain('swingsigma');
      const swingOnly = (await call('GET', '/packs?tag=swing', h.keys.user)).json().items as { id: string; tags: string[] }[];
      expect(swingOnly.length).toBeGreaterThan(0);
      expect(swingOnly.every((p) => p.tags.includes('swing'))).toBe(true);
      const options = (await call('GET', '/packs?instrument=option', h.keys.user)).json().items as { instruments: string[] }[];
      expect(options.every((p) => p.instruments.includes('option'))).toBe(true);
      expect((await call('GET', '/packs?q=SIGMA', h.keys.user)).json().items.map((p: { id: string }) => p.id)).toEqual(['swingsigma']);
      const p1 = (await call('GET', '/packs?limit=2', h.keys.user)).json();
      const p2 = (await call('GET', `/packs?limit=2&cursor=${p1.nextCursor}`, h.keys.user)).json();
      expect([...p1.items, ...p2.items].map((p: { id: string }) => p.id)).toEqual(items.slice(0, 4).map((p) => p.id));
      const bad = await call('GET', '/packs?instrument=bond', h.keys.user);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error).toMatchObject({ code: 'BAD_INPUT', field: 'instrument' });
    });
    it('reads one pack with its document and YAML source; 404 for an unknown one', async () => {
      const res = await call('GET', '/packs/swingsigma', h.keys.user);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: 'swingsigma', official: true, owner: null, timeframe: '1d', pack: { namespace: 'swingsigma', policies: { risk: { position_size: 0.5 } } } });
      expect(res.json().source).toBe(swing);
      expect((await call('GET', '/packs/nosuchpack', h.keys.user)).statusCode).toBe(404);
      expect((await call('GET', '/packs/Bad-Id', h.keys.user)).json().error.field).toBe('id');
    });
    it('previews a pack: its default model backtested beside buy-and-hold, as a direct evaluation gives', async () => {
      const res = await call('GET', '/packs/swingsigma/preview', h.keys.user);
      expect(res.statusCode).toBe(200);
      const p = res.json();
      const { pack } = (await call('GET', '/packs/swingsigma', h.keys.user)).json();
      const spec = defaultModelSpec(pack);
      const direct = await modelBacktest(spec, spec.params);
      expect(p).toMatchObject({ id: 'swingsigma', version: pack.version, strategy: 'pullback', summary: { symbol: 'TTRC', end: '2006-12-29' } });
      expect(p.summary.metrics.total_return).toBe(direct.summary.metrics.total_return);
      expect(p.summary.buyHold.total_return).toBe(direct.summary.buyHold.total_return);
      expect(p.series.equity).toEqual(direct.series.equity);
      expect(p.series.time).toHaveLength(p.summary.bars);
      expect((await call('GET', '/packs/swingsigma/preview', h.keys.user)).json()).toEqual(p);
      expect((await call('GET', '/packs/nosuchpack/preview', h.keys.user)).statusCode).toBe(404);
    });
    it('401 without a key; 403 for a user key creating a custom pack, audited', async () => {
      expect((await call('GET', '/packs')).statusCode).toBe(401);
      const res = await call('POST', '/packs', h.keys.user, custom, yaml);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
      expect((await audited('/packs')).map((a) => a.status)).toContain(403);
      expect(await h.store.db.selectFrom('packs').selectAll().execute()).toEqual([]);
    });
    it('premium creates a custom pack from YAML, and from JSON; a taken namespace is 409', async () => {
      const res = await call('POST', '/packs', h.keys.premium, custom, yaml);
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ id: 'myswing', official: false, name: 'My Swing', tags: ['swing', 'custom'], owner: expect.stringMatching(/^key_/) });
      expect(res.json().source).toBe(custom);
      const again = await call('POST', '/packs', h.keys.premium, custom, yaml);
      expect(again.statusCode).toBe(409);
      expect(again.json().error.field).toBe('namespace');
      const official = await call('POST', '/packs', h.keys.premium, swing, yaml);
      expect(official.statusCode).toBe(409);
      const asJson = (await call('GET', '/packs/myswing', h.keys.premium)).json().pack;
      const json = await call('POST', '/packs', h.keys.premium, { ...asJson, namespace: 'jsonswing' });
      expect(json.statusCode).toBe(201);
      expect(json.json().pack.namespace).toBe('jsonswing');
      // The custom packs show in the owner's listing only.
      expect((await call('GET', '/packs?official=false', h.keys.premium)).json().items.map((p: { id: string }) => p.id)).toEqual(['jsonswing', 'myswing']);
      expect((await call('GET', '/packs?official=false', h.keys.user)).json().items).toEqual([]);
      expect((await call('GET', '/packs/myswing', h.keys.user)).statusCode).toBe(404);
      expect((await call('GET', '/packs?official=false', h.keys.admin)).json().items).toHaveLength(2);
      expect(await h.store.events({ type: 'pack.created' })).toHaveLength(2);
    });
    it('400 names the field of an invalid pack (with its line), and stores nothing', async () => {
      const bad = custom.replace('namespace: myswing', 'namespace: badswing').replace('timeframe: 1d\n', 'timeframe: 5m\n');
      const res = await call('POST', '/packs', h.keys.premium, bad, yaml);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'DATA_INVALID', field: 'timeframe' });
      expect(res.json().error.message).toMatch(/body line \d+: timeframe: 5m bars do not fit a swing pack/);
      const yamlErr = await call('POST', '/packs', h.keys.premium, 'namespace: [unclosed', yaml);
      expect(yamlErr.statusCode).toBe(400);
      expect(yamlErr.json().error).toMatchObject({ code: 'DATA_INVALID', field: 'body', message: expect.stringMatching(/^body.*: YAML: /) });
      const empty = await call('POST', '/packs', h.keys.premium, []);
      expect(empty.statusCode).toBe(400);
      expect(empty.json().error.code).toBe('BAD_INPUT');
      expect((await h.store.db.selectFrom('packs').select('namespace').execute()).map((r) => r.namespace).sort()).toEqual(['jsonswing', 'myswing']);
    });
    it('PUT replaces a custom pack; the namespace cannot change; official packs are read-only', async () => {
      const v2 = custom.replace('version: 1.2.0', 'version: 1.3.0');
      const res = await call('PUT', '/packs/myswing', h.keys.premium, v2, yaml);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ version: '1.3.0', updatedAt: expect.any(String) });
      const renamed = await call('PUT', '/packs/myswing', h.keys.premium, v2.replace('namespace: myswing', 'namespace: otherswing'), yaml);
      expect(renamed.statusCode).toBe(400);
      expect(renamed.json().error.field).toBe('namespace');
      const official = await call('PUT', '/packs/swingsigma', h.keys.premium, swing, yaml);
      expect(official.statusCode).toBe(403);
      expect(official.json().error.message).toContain('read-only');
      expect((await call('DELETE', '/packs/swingsigma', h.keys.admin)).statusCode).toBe(403);
      expect((await call('PUT', '/packs/myswing', h.keys.user, v2, yaml)).statusCode).toBe(403);
    });
    it('DELETE removes a custom pack and keeps its source in the audit trail', async () => {
      const res = await call('DELETE', '/packs/jsonswing', h.keys.premium);
      expect(res.json()).toEqual({ id: 'jsonswing', deleted: true });
      expect((await call('GET', '/packs/jsonswing', h.keys.premium)).statusCode).toBe(404);
      expect((await call('DELETE', '/packs/jsonswing', h.keys.premium)).statusCode).toBe(404);
      const ev = await h.store.events({ type: 'pack.deleted' });
      expect(ev[0]!.payload).toMatchObject({ namespace: 'jsonswing', source: expect.stringContaining('jsonswing') });
      expect((await audited('/packs/jsonswing')).map((a) => a.status)).toEqual([200, 404]);
    });
  });

  describe('models', () => {
    let modelId = '';
    it('creates a model from an official pack; defaults come from the pack', async () => {
      const res = await call('POST', '/models', h.keys.user, { pack: 'swingsigma', name: 'swing-a', indicators: ['rsi_14', 'bb_pctb', 'sma_50'], riskProfile: 'conservative' });
      expect(res.statusCode).toBe(201);
      const m = res.json();
      expect(m).toMatchObject({ name: 'swing-a', status: 'draft', userId: expect.stringMatching(/^key_/), spec: { pack: { namespace: 'swingsigma' }, instrument: 'stock', strategy: 'pullback' } });
      // conservative on a moderate pack: 0.5 / 0.75 of the pack's position size.
      expect(m.spec.risk.position_size).toBeCloseTo((0.5 * 0.5) / 0.75, 12);
      expect(m.spec.indicators.map((i: { id: string }) => i.id)).toEqual(['rsi_14', 'bb_pctb', 'sma_50']);
      modelId = m.id;
      expect((await call('POST', '/models', h.keys.user, { pack: 'swingsigma', name: 'swing-a' })).statusCode).toBe(409);
    });
    it('400 names the field the pack does not offer', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ pack: 'swingsigma', name: 'x1', indicators: ['nope'] }, 'indicators'],
        [{ pack: 'swingsigma', name: 'x2', strategy: 'nope' }, 'strategy'],
        [{ pack: 'swingsigma', name: 'x3', riskProfile: 'aggressive' }, 'riskProfile'],
        [{ pack: 'swingsigma', name: 'x4', instrument: 'future' }, 'instrument'],
        [{ pack: 'swingsigma', name: 'x5', settings: { ticker: '' } }, 'settings.ticker'],
        [{ pack: 'swingsigma', name: 'x6', settings: { strike: 5 } }, 'settings.strike'],
        [{ pack: 'nosuchpack', name: 'x7' }, 'pack'],
        [{ pack: 'swingsigma', name: 'bad name!' }, 'name'],
        [{ pack: 'swingsigma' }, 'name'],
      ];
      for (const [body, field] of cases) {
        const res = await call('POST', '/models', h.keys.user, body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.json().error.field, JSON.stringify(res.json())).toBe(field);
      }
      expect(await h.store.db.selectFrom('models').selectAll().execute()).toHaveLength(1);
    });
    it('a custom pack is usable only by its owner', async () => {
      expect((await call('POST', '/models', h.keys.user, { pack: 'myswing', name: 'mine' })).json().error.field).toBe('pack');
      const res = await call('POST', '/models', h.keys.premium, { pack: 'myswing', name: 'mine' });
      expect(res.statusCode).toBe(201);
      expect(res.json().spec.pack).toEqual({ namespace: 'myswing', version: '1.3.0' });
    });
    it('lists your models only, with filters; reads one by id or name', async () => {
      await call('POST', '/models', h.keys.user, { pack: 'swingsigma', name: 'swing-b' });
      const list = (await call('GET', '/models', h.keys.user)).json();
      expect(list.items.map((m: { name: string }) => m.name)).toEqual(['swing-b', 'swing-a']);
      expect((await call('GET', '/models?q=B', h.keys.user)).json().items.map((m: { name: string }) => m.name)).toEqual(['swing-b']);
      expect((await call('GET', '/models?pack=myswing', h.keys.user)).json().items).toEqual([]);
      const p1 = (await call('GET', '/models?limit=1', h.keys.user)).json();
      expect((await call('GET', `/models?limit=1&cursor=${p1.nextCursor}`, h.keys.user)).json().items[0].name).toBe('swing-a');
      expect((await call('GET', '/models?status=live', h.keys.user)).json().error.field).toBe('status');
      expect((await call('GET', `/models/${modelId}`, h.keys.user)).json().name).toBe('swing-a');
      expect((await call('GET', '/models/swing-a', h.keys.user)).json().id).toBe(modelId);
      expect((await call('GET', `/models/${modelId}`, h.keys.premium)).statusCode).toBe(404);
      expect((await call('GET', '/models')).statusCode).toBe(401);
    });
    it('PUT rebuilds a draft; publish, unpublish and delete are audited', async () => {
      const put = await call('PUT', `/models/${modelId}`, h.keys.user, { pack: 'swingsigma', name: 'swing-a2', instrument: 'option', settings: { default_dte: 5 } });
      expect(put.statusCode).toBe(200);
      expect(put.json()).toMatchObject({ id: modelId, name: 'swing-a2', spec: { instrument: 'option', settings: { underlying: 'TTRC', default_dte: 5 } } });
      expect((await call('PUT', `/models/${modelId}`, h.keys.user, { pack: 'swingsigma', name: 'swing-b' })).statusCode).toBe(409);
      expect((await call('PUT', `/models/${modelId}`, h.keys.user, { pack: 'swingsigma', name: 'swing-a2', strategy: 'nope' })).json().error.field).toBe('strategy');
      const pub = await call('POST', `/models/${modelId}/publish`, h.keys.user, { reason: 'looks good' });
      expect(pub.json().status).toBe('published');
      expect((await call('PUT', `/models/${modelId}`, h.keys.user, { pack: 'swingsigma', name: 'swing-a3' })).statusCode).toBe(409);
      const unpub = await call('POST', `/models/${modelId}/unpublish`, h.keys.user);
      expect(unpub.json().status).toBe('draft');
      const types = (await h.store.events({ subject: modelId })).map((e) => e.type);
      expect(types).toEqual(expect.arrayContaining(['model.created', 'model.updated', 'model.published', 'model.unpublished']));
      expect((await h.store.events({ type: 'model.published', subject: modelId }))[0]!.payload).toMatchObject({ reason: 'looks good' });
      const del = await call('DELETE', `/models/${modelId}?reason=done`, h.keys.user);
      expect(del.json()).toEqual({ id: modelId, name: 'swing-a2', deleted: true });
      expect((await call('GET', `/models/${modelId}`, h.keys.user)).statusCode).toBe(404);
      expect((await h.store.events({ type: 'model.discarded', subject: modelId }))[0]!.payload).toMatchObject({ reason: 'done' });
      const audit = await audited(`/models/${modelId}/publish`);
      expect(audit).toHaveLength(1);
      expect(audit[0]!.keyId).toMatch(/^key_/);
    });
  });
});

describe('packs and models under the rate limit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness({ options: { rateLimits: { anonymous: 2, user: 2, premium: 2, admin: 2 } } });
  });
  afterAll(async () => {
    await h.close();
  });
  it('429 once the key has used its requests, on reads and writes alike', async () => {
    const codes = [];
    for (const [method, url] of [['GET', '/packs'], ['GET', '/models'], ['POST', '/models'], ['GET', '/packs/swingsigma']] as const) {
      codes.push((await h.app.inject({ method, url, headers: bearer(h.keys.user), ...(method === 'POST' ? { payload: { pack: 'swingsigma', name: 'rl' } } : {}) })).statusCode);
    }
    expect(codes).toEqual([200, 200, 429, 429]);
    expect(await h.store.db.selectFrom('models').selectAll().execute()).toEqual([]);
    const del = [];
    for (let i = 0; i < 3; i++) del.push((await h.app.inject({ method: 'DELETE', url: '/packs/x_y', headers: bearer(h.keys.premium) })).statusCode);
    expect(del).toEqual([404, 404, 429]);
  });
});
