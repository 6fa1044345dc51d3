import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { modelBacktest, type ChartBacktest } from '../../backtest/chartBacktest.ts';
import { defaultModelSpec } from '../../strategy/models/modelSpec.ts';
import { PackCatalog, type PackEntry, type PackViewer } from '../../strategy/packs/packStore.ts';
import { INSTRUMENTS, PackSchema } from '../../strategy/packs/schema.ts';
import { pageArray } from '../arrayPage.ts';
import { errorResponses } from '../httpErrors.ts';
import { withFieldErrors } from '../inputErrors.ts';
import { ownerOf } from '../owner.ts';
import { pageQuery, pageSchema } from '../pagination.ts';
import type { RouteModule } from '../routeModule.ts';

/** A pack as a card in the pack browser. */
export const PackSummaryBody = z
  .object({
    id: z.string().describe('the namespace'),
    namespace: z.string(),
    version: z.string(),
    name: z.string(),
    description: z.string(),
    official: z.boolean().describe('shipped with tradepilot (read-only)'),
    owner: z.string().nullable().describe('API key id of a custom pack\'s creator'),
    timeframe: z.string(),
    instruments: z.array(z.enum(INSTRUMENTS)),
    defaultInstrument: z.enum(INSTRUMENTS),
    personality: PackSchema.shape.personality,
    tags: z.array(z.string()),
    indicators: z.array(z.string()).describe('indicator ids'),
    strategies: z.array(z.string()),
    createdAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'PackSummary' });

/** A pack in full: the summary, the validated pack (the pack file format, snake_case) and its source text. */
export const PackBody = PackSummaryBody.extend({
  pack: z.record(z.string(), z.unknown()).describe('the validated pack in the pack file format (format 3)'),
  source: z.string().describe('the YAML (or JSON) as written'),
}).meta({ id: 'Pack' });

function summary(e: PackEntry): z.infer<typeof PackSummaryBody> {
  const p = e.pack;
  return {
    id: e.namespace,
    namespace: e.namespace,
    version: p.version,
    name: p.name,
    description: p.description,
    official: e.official,
    owner: e.owner,
    timeframe: p.timeframe,
    instruments: p.instruments.supported,
    defaultInstrument: p.instruments.default,
    personality: p.personality,
    tags: p.tags,
    indicators: p.indicators.map((i) => i.id),
    strategies: p.strategies.map((s) => s.name),
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

function full(e: PackEntry): z.infer<typeof PackBody> {
  return { ...summary(e), pack: e.pack as unknown as Record<string, unknown>, source: e.source };
}

/** A pack body: YAML text (Content-Type application/yaml) or the same document as JSON. */
const PackInput = z.union([z.string().min(1).max(200_000).describe('pack YAML'), z.record(z.string(), z.unknown()).describe('pack as JSON')]);

function sourceOf(body: z.infer<typeof PackInput>): string {
  // YAML is a superset of JSON: a JSON body is validated as its pretty-printed text, so issues get line numbers too.
  return typeof body === 'string' ? body : JSON.stringify(body, null, 2);
}

/** A pack's default model backtested over its data window: the card's performance preview. */
export const PackPreviewBody = z
  .object({
    id: z.string(),
    version: z.string(),
    strategy: z.string(),
    summary: z.object({ symbol: z.string(), start: z.string(), end: z.string(), bars: z.number().int(), initCash: z.number(), metrics: z.record(z.string(), z.number().nullable()), buyHold: z.record(z.string(), z.number().nullable()) }),
    series: z.object({ time: z.array(z.number()), equity: z.array(z.number()), buyHoldEquity: z.array(z.number()) }),
  })
  .meta({ id: 'PackPreview' });

/** Previews kept per pack version and text (a backtest per card view would be wasteful). */
const PREVIEW_CACHE = 64;

const IdParams = z.object({ id: z.string().min(1).max(64).regex(/^[a-z][a-z0-9_]*$/, 'a pack namespace') });

function viewerOf(req: FastifyRequest): PackViewer {
  return { userId: ownerOf(req), all: req.principal?.role === 'admin' };
}

/** GET/POST /packs and GET/PUT/DELETE /packs/{id}: the official packs (read-only) and custom packs (role premium to write). */
export const packRoutes: RouteModule = {
  name: 'packs',
  register(app, { deps }) {
    const tags = ['packs'];
    const catalog = new PackCatalog(deps.store, deps.packsDir, () => deps.clock.now());
    const premium = { auth: 'premium' as const };
    const previews = new Map<string, Promise<ChartBacktest>>();
    // Pack files are YAML: accept them as text in this scope only.
    app.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml'], { parseAs: 'string' }, (_req, body, done) => done(null, body));

    app.get(
      '/packs',
      {
        schema: {
          summary: 'List packs (official first, then your custom packs), with filters',
          tags,
          querystring: z.object({
            ...pageQuery,
            tag: z.string().min(1).max(64).optional().describe('packs carrying this tag'),
            instrument: z.enum(INSTRUMENTS).optional().describe('packs supporting this instrument'),
            q: z.string().min(1).max(100).optional().describe('search in namespace, name, description and tags (case-insensitive)'),
            official: z.enum(['true', 'false']).optional().describe('only official (true) or only custom (false) packs'),
          }),
          response: { 200: pageSchema(PackSummaryBody), ...errorResponses(400, 401, 429) },
        },
      },
      async (req) => {
        const q = req.query;
        const needle = q.q?.toLowerCase();
        const all = (await catalog.list(viewerOf(req))).filter((e) => {
          const p = e.pack;
          if (q.tag !== undefined && !p.tags.includes(q.tag)) return false;
          if (q.instrument !== undefined && !p.instruments.supported.includes(q.instrument)) return false;
          if (q.official !== undefined && e.official !== (q.official === 'true')) return false;
          if (needle !== undefined && ![e.namespace, p.name, p.description, ...p.tags].some((s) => s.toLowerCase().includes(needle))) return false;
          return true;
        });
        // Official packs first, each group by namespace: a stable order for cursors (`0:` < `1:`).
        const keyed = all.map((e) => ({ e, key: `${e.official ? 0 : 1}:${e.namespace}` })).sort((a, b) => (a.key < b.key ? -1 : 1));
        return pageArray(keyed, q, (k) => k.key, (k) => summary(k.e));
      },
    );

    app.post(
      '/packs',
      {
        config: premium,
        schema: {
          summary: 'Create a custom pack from YAML (application/yaml) or JSON; validated like a pack file',
          tags,
          consumes: ['application/json', 'application/yaml'],
          body: PackInput,
          response: { 201: PackBody, ...errorResponses(400, 401, 403, 409, 413, 429) },
        },
      },
      async (req, reply) => {
        // A YAML syntax error has a line but no field: it is the body's.
        const e = await withFieldErrors(() => catalog.create(ownerOf(req), sourceOf(req.body)), 'body');
        return reply.code(201).send(full(e));
      },
    );

    app.get(
      '/packs/:id',
      { schema: { summary: 'One pack with its validated document and source', tags, params: IdParams, response: { 200: PackBody, ...errorResponses(400, 401, 404, 429) } } },
      async (req) => full(await catalog.get(req.params.id, viewerOf(req))),
    );

    app.get(
      '/packs/:id/preview',
      {
        schema: {
          summary: 'Performance preview: the pack\'s default model backtested over its data window, beside buy-and-hold',
          tags,
          params: IdParams,
          response: { 200: PackPreviewBody, ...errorResponses(400, 401, 404, 429) },
        },
      },
      async (req) => {
        const e = await catalog.get(req.params.id, viewerOf(req));
        const spec = defaultModelSpec(e.pack);
        const key = `${e.namespace}\u0000${e.source}`;
        let run = previews.get(key);
        if (!run) {
          if (previews.size >= PREVIEW_CACHE) previews.delete(previews.keys().next().value!);
          run = modelBacktest(spec, spec.params);
          previews.set(key, run);
          run.catch(() => previews.delete(key));
        }
        const r = await withFieldErrors(() => run);
        return { id: e.namespace, version: e.pack.version, strategy: spec.strategy, summary: r.summary, series: { time: r.series.time, equity: r.series.equity, buyHoldEquity: r.series.buyHoldEquity } };
      },
    );

    app.put(
      '/packs/:id',
      {
        config: premium,
        schema: {
          summary: 'Replace one of your custom packs (official packs are read-only: 403)',
          tags,
          consumes: ['application/json', 'application/yaml'],
          params: IdParams,
          body: PackInput,
          response: { 200: PackBody, ...errorResponses(400, 401, 403, 404, 413, 429) },
        },
      },
      async (req) => full(await withFieldErrors(() => catalog.update(req.params.id, viewerOf(req), sourceOf(req.body)), 'body')),
    );

    app.delete(
      '/packs/:id',
      {
        config: premium,
        schema: {
          summary: 'Delete one of your custom packs (models made from it keep their snapshot)',
          tags,
          params: IdParams,
          response: { 200: z.object({ id: z.string(), deleted: z.literal(true) }), ...errorResponses(400, 401, 403, 404, 429) },
        },
      },
      async (req) => {
        const e = await catalog.remove(req.params.id, viewerOf(req));
        return { id: e.namespace, deleted: true as const };
      },
    );
  },
};
