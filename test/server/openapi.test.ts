import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/core/errors.ts';
import { InlineQueue } from '../../src/research/jobs/inlineQueue.ts';
import type { RouteModule } from '../../src/server/routeModule.ts';
import { routeModules } from '../../src/server/routes/index.ts';
import { makeHarness, type Harness } from './harness.ts';

interface Operation {
  tags?: string[];
  security?: unknown[];
  parameters?: { in: string; name: string; schema?: unknown }[];
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface Doc {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}
/** A route as fastify holds it; read after start-up, when every module's own onRoute hooks have run. */
interface Registered {
  method: string;
  url: string;
  route: { config?: { auth?: string }; schema?: { body?: unknown; querystring?: unknown } };
}

describe('the OpenAPI document covers every registered route', () => {
  let h: Harness;
  let doc: Doc;
  const registered: Registered[] = [];

  beforeAll(async () => {
    // Every route module, each wrapped to record the routes it registers (hooks reach its child plugins too).
    const recording: RouteModule[] = routeModules.map((m) => ({
      name: m.name,
      async register(app, ctx) {
        app.addHook('onRoute', (r) => {
          if (r.schema?.hide) return;
          for (const method of [r.method].flat()) {
            if (method === 'HEAD') continue;
            registered.push({ method, url: r.url, route: r as Registered['route'] });
          }
        });
        await m.register(app, ctx);
      },
    }));
    h = await makeHarness({
      modules: recording,
      deps: {
        jobs: new InlineQueue(),
        twilio: { authToken: 'twilio-token-0123456789', publicUrl: 'https://tp.example.com' },
        scan: {
          pipeline: async () => {
            throw new NotFoundError('no scan models');
          },
        },
      },
    });
    doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json() as Doc;
  });
  afterAll(async () => {
    await h.close();
  });

  it('records the routes of every module, the new resources included', () => {
    const names = registered.map((r) => `${r.method} ${r.url}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'GET /health',
        'GET /orders',
        'POST /admin/live',
        'POST /admin/kill',
        'GET /stream/events',
        'POST /webhooks/twilio/sms',
        'POST /api/ml/scan',
        'POST /api/ml/predict',
        'GET /packs',
        'POST /packs',
        'GET /packs/:id',
        'GET /packs/:id/preview',
        'PUT /packs/:id',
        'DELETE /packs/:id',
        'GET /models',
        'POST /models',
        'GET /models/:id',
        'PUT /models/:id',
        'DELETE /models/:id',
        'POST /models/:id/publish',
        'POST /models/:id/unpublish',
        'GET /sweeps',
        'POST /sweeps',
        'POST /sweeps/estimate',
        'GET /sweeps/:id',
        'GET /sweeps/:id/results',
        'DELETE /sweeps/:id',
        'GET /sweeps/:id/events',
        'GET /backtests',
        'POST /backtests',
        'GET /backtests/:id',
      ]),
    );
  });

  it('documents each with its parameters, request body and response schemas', () => {
    const problems: string[] = [];
    for (const { method, url, route } of registered) {
      const r = { method, url, auth: route.config?.auth ?? 'user', body: Boolean(route.schema?.body), querystring: Boolean(route.schema?.querystring) };
      const path = r.url.replace(/:(\w+)/g, '{$1}');
      const op = doc.paths[path]?.[r.method.toLowerCase()];
      const name = `${r.method} ${r.url}`;
      if (!op) {
        problems.push(`${name}: not in the document`);
        continue;
      }
      const ok = Object.entries(op.responses).find(([s]) => /^2\d\d$/.test(s));
      if (!ok || !Object.values(ok[1].content ?? {}).some((c) => c.schema)) problems.push(`${name}: no success response schema`);
      for (const p of r.url.match(/:(\w+)/g) ?? []) {
        if (!op.parameters?.some((q) => q.in === 'path' && q.name === p.slice(1) && q.schema)) problems.push(`${name}: path parameter ${p} undocumented`);
      }
      if (r.querystring && !op.parameters?.some((q) => q.in === 'query' && q.schema)) problems.push(`${name}: query parameters undocumented`);
      if (r.body && !Object.values(op.requestBody?.content ?? {}).some((c) => c.schema)) problems.push(`${name}: request body undocumented`);
      if (r.body && !op.responses['400']) problems.push(`${name}: takes a body but documents no 400`);
      if (r.auth !== 'public') {
        const unauth = op.responses['401']?.content?.['application/json']?.schema as { $ref?: string } | undefined;
        if (unauth?.$ref !== '#/components/schemas/Error') problems.push(`${name}: 401 not documented with the Error body`);
        if (!op.responses['429']) problems.push(`${name}: 429 undocumented`);
      }
      if (r.auth !== 'public' && r.auth !== 'user' && !op.responses['403']) problems.push(`${name}: needs role ${r.auth} but documents no 403`);
    }
    expect(problems).toEqual([]);
    // Nothing documented that is not served.
    const served = new Set(registered.map((r) => `${r.method.toLowerCase()} ${r.url.replace(/:(\w+)/g, '{$1}')}`));
    const extra = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`)).filter((k) => !served.has(k));
    expect(extra).toEqual([]);
    expect(doc.components.schemas).toHaveProperty('Error');
  });

  it('names the role of each route and the shared schemas of the new resources', () => {
    const op = (p: string, m: string) => doc.paths[p]![m] as Operation & { description?: string };
    expect(op('/packs', 'post').description).toContain('Role: premium');
    expect(op('/packs', 'get').description).toContain('Role: user');
    expect(op('/packs', 'post').requestBody!.content).toHaveProperty('application/yaml');
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Pack', 'PackSummary', 'PackPreview', 'Model', 'ModelRequest', 'Sweep', 'SweepRequest', 'SweepEstimate', 'SweepResults', 'Backtest', 'BacktestSummary', 'BacktestRequest']));
  });

  it('the docs page (swagger-ui) serves its page and assets, without a key', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const scripts = [...page.body.matchAll(/src="\.?\/?([^"]+\.js)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) {
      const asset = await h.app.inject({ method: 'GET', url: `/docs/${s.replace(/^\/?docs\//, '')}` });
      expect(asset.statusCode, s).toBe(200);
      expect(asset.body.length).toBeGreaterThan(100);
    }
    const json = await h.app.inject({ method: 'GET', url: '/docs/json' });
    expect(json.statusCode).toBe(200);
    expect(json.json().paths).toHaveProperty('/sweeps/{id}/results');
  });
});
