import type { FastifyRequest } from 'fastify';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { ModelsTable } from '../../adapters/store/schema.ts';
import { ErrorCode, isTradepilotError } from '../../core/errors.ts';
import { buildModel } from '../../strategy/models/buildModel.ts';
import type { ModelSpec } from '../../strategy/models/modelSpec.ts';
import { createModel, discardModel, getModel, publishModel, unpublishModel, updateModel, type ModelRecord } from '../../strategy/models/modelStore.ts';
import { PackCatalog } from '../../strategy/packs/packStore.ts';
import { INSTRUMENTS } from '../../strategy/packs/schema.ts';
import { errorResponses, HttpError } from '../httpErrors.ts';
import { withFieldErrors } from '../inputErrors.ts';
import { ownerOf } from '../owner.ts';
import { filterEq, pageByCreated, pageQuery, pageSchema, toPage } from '../pagination.ts';
import type { RouteModule } from '../routeModule.ts';

/** A stored model: the ModelRecord, with its spec in the pack file's snake_case. */
export const ModelBody = z
  .object({
    id: z.string(),
    userId: z.string().describe('API key id of the owner'),
    name: z.string(),
    status: z.enum(['draft', 'published']),
    spec: z.record(z.string(), z.unknown()).describe('the ModelSpec: pack, timeframe, indicators, strategy, params, instrument, settings, execution, risk, gates, data'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Model' });

/** What a model is made of: a pack and choices among what it offers (the rest defaults from the pack). */
export const ModelRequestBody = z
  .object({
    pack: z.string().min(1).max(64).describe('pack namespace (official or one of your custom packs)'),
    name: z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits, _ . or -'),
    indicators: z.array(z.string().min(1).max(64)).min(1).max(15).optional().describe('subset of the pack\'s indicator ids (default all)'),
    strategy: z.string().min(1).max(64).optional().describe('one of the pack\'s strategies (default its default)'),
    riskProfile: z.enum(['conservative', 'moderate', 'aggressive']).optional().describe('at most the pack\'s risk appetite'),
    instrument: z.enum(INSTRUMENTS).optional(),
    settings: z.record(z.string(), z.unknown()).optional().describe('instrument settings, e.g. { "ticker": "TTRC" }; the rest default from the pack'),
  })
  .meta({ id: 'ModelRequest' });

const IdParams = z.object({ id: z.string().min(1).max(64).describe('model id or name') });
const ReasonBody = z.object({ reason: z.string().max(500).optional().describe('recorded in the audit trail') }).nullish();

function toBody(m: ModelRecord): z.infer<typeof ModelBody> {
  return { id: m.id, userId: m.userId, name: m.name, status: m.status, spec: m.spec as unknown as Record<string, unknown>, createdAt: m.createdAt, updatedAt: m.updatedAt };
}

function rowBody(r: Selectable<ModelsTable>): z.infer<typeof ModelBody> {
  return { id: r.id, userId: r.user_id, name: r.name, status: r.status as ModelRecord['status'], spec: JSON.parse(r.spec) as Record<string, unknown>, createdAt: r.created_at, updatedAt: r.updated_at };
}

/** GET/POST /models, GET/PUT/DELETE /models/{id}, publish and unpublish: models made from packs, per API key. */
export const modelRoutes: RouteModule = {
  name: 'models',
  register(app, { deps }) {
    const tags = ['models'];
    const { store } = deps;
    const catalog = new PackCatalog(store, deps.packsDir, () => deps.clock.now());

    /** Resolve a request to a spec against its pack; a pack the caller cannot see is a 400 naming `pack`. */
    const specOf = async (req: FastifyRequest, body: z.infer<typeof ModelRequestBody>): Promise<ModelSpec> => {
      let pack;
      try {
        pack = (await catalog.get(body.pack, { userId: ownerOf(req), all: false })).pack;
      } catch (err) {
        if (isTradepilotError(err) && err.code === ErrorCode.NOT_FOUND) throw new HttpError(400, ErrorCode.BAD_INPUT, `body.pack: ${err.message}`, 'pack');
        throw err;
      }
      return withFieldErrors(() => buildModel(pack, { name: body.name, indicators: body.indicators, strategy: body.strategy, riskProfile: body.riskProfile, instrument: body.instrument, settings: body.settings }));
    };

    app.get(
      '/models',
      {
        schema: {
          summary: 'List your models, newest first',
          tags,
          querystring: z.object({
            ...pageQuery,
            status: z.enum(['draft', 'published']).optional(),
            pack: z.string().max(64).optional().describe('made from this pack namespace'),
            q: z.string().min(1).max(64).optional().describe('name contains (case-insensitive)'),
          }),
          response: { 200: pageSchema(ModelBody), ...errorResponses(400, 401, 429) },
        },
      },
      async (req) => {
        const q = req.query;
        let base = filterEq(store.db.selectFrom('models').selectAll().where('user_id', '=', ownerOf(req)), { status: q.status, pack_namespace: q.pack });
        if (q.q !== undefined) base = base.where((eb) => eb(eb.fn('lower', ['name']), 'like', `%${q.q!.toLowerCase().replace(/[%_\\]/g, '')}%`));
        const rows = await pageByCreated(base, q).execute();
        return toPage(rows, q.limit, rowBody, (r) => [r.created_at, r.id]);
      },
    );

    app.post(
      '/models',
      {
        schema: {
          summary: 'Create a model from a pack (anything the pack does not offer is a 400 naming the field)',
          tags,
          body: ModelRequestBody,
          response: { 201: ModelBody, ...errorResponses(400, 401, 409, 429) },
        },
      },
      async (req, reply) => {
        const spec = await specOf(req, req.body);
        return reply.code(201).send(toBody(await createModel(store, ownerOf(req), spec, deps.clock.now())));
      },
    );

    app.get(
      '/models/:id',
      { schema: { summary: 'One of your models', tags, params: IdParams, response: { 200: ModelBody, ...errorResponses(400, 401, 404, 429) } } },
      async (req) => toBody(await getModel(store, ownerOf(req), req.params.id)),
    );

    app.put(
      '/models/:id',
      {
        schema: {
          summary: 'Rebuild a draft model from a new request (a published model must be unpublished first: 409)',
          tags,
          params: IdParams,
          body: ModelRequestBody,
          response: { 200: ModelBody, ...errorResponses(400, 401, 404, 409, 429) },
        },
      },
      async (req) => {
        await getModel(store, ownerOf(req), req.params.id);
        const spec = await specOf(req, req.body);
        return toBody(await updateModel(store, ownerOf(req), req.params.id, spec, deps.clock.now()));
      },
    );

    app.delete(
      '/models/:id',
      {
        schema: {
          summary: 'Discard a model (deleted; the audit trail keeps its spec)',
          tags,
          params: IdParams,
          querystring: z.object({ reason: z.string().max(500).optional() }),
          response: { 200: z.object({ id: z.string(), name: z.string(), deleted: z.literal(true) }), ...errorResponses(400, 401, 404, 429) },
        },
      },
      async (req) => {
        const m = await discardModel(store, ownerOf(req), req.params.id, req.query.reason ?? '');
        return { id: m.id, name: m.name, deleted: true as const };
      },
    );

    for (const verb of ['publish', 'unpublish'] as const) {
      app.post(
        `/models/:id/${verb}`,
        {
          schema: {
            summary: verb === 'publish' ? 'Publish a model: it goes live and starts generating alerts' : 'Unpublish a model: it stops generating alerts and returns to draft',
            tags,
            params: IdParams,
            body: ReasonBody,
            response: { 200: ModelBody, ...errorResponses(400, 401, 404, 429) },
          },
        },
        async (req) => toBody(await (verb === 'publish' ? publishModel : unpublishModel)(store, ownerOf(req), req.params.id, req.body?.reason ?? '')),
      );
    }
  },
};
