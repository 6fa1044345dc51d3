import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ErrorCode } from '../../core/errors.ts';
import { getSweep } from '../../research/sweep/sweepStore.ts';
import { newTraining } from '../../research/training/newTraining.ts';
import { cancelTraining, discardTraining, publishTraining } from '../../research/training/publishTraining.ts';
import { TrainingRunner } from '../../research/training/trainingRunner.ts';
import { TrainingGridSchema } from '../../research/training/trainingGrid.ts';
import { getTraining, loadFolds, type TrainingRecord } from '../../research/training/trainingStore.ts';
import { trainingView, TrainingViewSchema } from '../../research/training/trainingView.ts';
import { actorOf } from '../auth/authenticate.ts';
import { errorResponses, HttpError } from '../httpErrors.ts';
import type { RouteModule } from '../routeModule.ts';
import { ownerOf } from '../owner.ts';
import { OpenStreams, sseFrame, startEventStream } from '../eventStream.ts';

/** A training with its saved progress. */
const TrainingStatusBody = TrainingViewSchema.extend({
  done: z.number().int().describe('finished (configuration, fold) units'),
  total: z.number().int(),
  warnings: z.array(z.string()),
}).meta({ id: 'TrainingStatus' });

const CreateBody = z.strictObject({
  sweep: z.string().min(1).max(64).describe('a finished sweep id (or a unique prefix)'),
  select: z.array(z.number().int().min(1)).min(1).max(50).describe('leaderboard ranks to train (PASS or MARGINAL only; more than five warns)'),
  grid: TrainingGridSchema.optional().describe('default n_estimators [100, 200] x max_depth [3, 5, 7] x learning_rate [0.01, 0.1]'),
  folds: z.number().int().min(2).max(20).optional().describe('time-series folds (default 5)'),
  embargo_days: z.number().min(0).max(30).optional().describe('default 1'),
  years: z.number().min(0.25).max(20).optional().describe('evaluation window (default the model\'s)'),
});

const IdParams = z.object({ id: z.string().min(1).max(64) });
const TERMINAL = new Set(['training.completed', 'training.cancelled', 'training.failed', 'training.discarded']);

/** The training, if this key may see it: its owner, or an admin key (403 otherwise). */
async function owned(req: FastifyRequest, store: Parameters<typeof getTraining>[0], id: string): Promise<TrainingRecord> {
  const tr = await getTraining(store, id);
  if (req.principal?.role !== 'admin' && tr.userId !== ownerOf(req)) throw new HttpError(403, ErrorCode.FORBIDDEN, `training ${tr.id} belongs to another user`);
  return tr;
}

/** Training jobs over sweep leaderboards: start, follow (JSON and server-sent events), results, publish, cancel or discard. */
export const trainingRoutes: RouteModule = {
  name: 'training',
  register(app, { deps, tail, options, headers }) {
    const tags = ['training'];
    const { store } = deps;
    const runner = deps.training ?? new TrainingRunner({ logger: deps.logger, ...(deps.jobs ? { run: { queue: deps.jobs } } : {}) });
    const open = new OpenStreams(app);
    app.addHook('onClose', async () => runner.close());
    const withProgress = async (tr: TrainingRecord, warnings: string[] = []): Promise<z.infer<typeof TrainingStatusBody>> => ({
      ...trainingView(tr),
      done: (await loadFolds(store, tr.id)).size,
      total: tr.plan.configs.length * tr.plan.folds,
      warnings,
    });

    app.post(
      '/training',
      {
        schema: {
          summary: 'Train boosted trees for chosen sweep configurations (runs in the background; follow it with GET /training/{id}/events)',
          tags,
          body: CreateBody,
          response: { 202: TrainingStatusBody, ...errorResponses(400, 401, 403, 404, 429) },
        },
      },
      async (req, reply) => {
        const b = req.body;
        const sw = await getSweep(store, b.sweep);
        if (req.principal?.role !== 'admin' && sw.userId !== ownerOf(req)) throw new HttpError(403, ErrorCode.FORBIDDEN, `sweep ${sw.id} belongs to another user`);
        const { training, warnings } = await newTraining(store, { userId: sw.userId, sweepId: sw.id, ranks: b.select, modelDir: deps.config.MODEL_DIR, grid: b.grid, folds: b.folds, embargoDays: b.embargo_days, years: b.years });
        runner.start(store, training.id);
        return reply.code(202).send(await withProgress(training, warnings));
      },
    );

    app.get(
      '/training/:id',
      { schema: { summary: 'A training: status, progress and (when done) the summary of each trained configuration', tags, params: IdParams, response: { 200: TrainingStatusBody, ...errorResponses(401, 403, 404, 429) } } },
      async (req) => withProgress(await owned(req, store, req.params.id)),
    );

    app.get(
      '/training/:id/results',
      {
        schema: {
          summary: 'Full results of a finished training: every grid point on every fold, importance, sample predictions, registry files',
          tags,
          params: IdParams,
          response: { 200: z.object({ id: z.string(), status: z.string(), result: z.unknown() }), ...errorResponses(401, 403, 404, 409, 429) },
        },
      },
      async (req) => {
        const tr = await owned(req, store, req.params.id);
        if (tr.status !== 'done' && tr.status !== 'published') throw new HttpError(409, ErrorCode.CONFLICT, `training ${tr.id} is ${tr.status}; results exist once it is done`);
        return { id: tr.id, status: tr.status, result: tr.result };
      },
    );

    app.delete(
      '/training/:id',
      {
        schema: {
          summary: 'Cancel a pending or running training (202), or discard a finished one: artifacts deleted, audited (200)',
          tags,
          params: IdParams,
          querystring: z.object({ reason: z.string().max(500).optional() }),
          response: { 200: TrainingStatusBody, 202: TrainingStatusBody, ...errorResponses(401, 403, 404, 409, 429) },
        },
      },
      async (req, reply) => {
        const tr = await owned(req, store, req.params.id);
        if (tr.status === 'running' || tr.status === 'pending' || tr.status === 'cancelling') {
          // Here: abort at once; elsewhere (another process or the CLI): the runner polls the status.
          if (!runner.cancel(tr.id)) await cancelTraining(store, tr.id, actorOf(req));
          return reply.code(202).send(await withProgress(await getTraining(store, tr.id)));
        }
        return withProgress(await discardTraining(store, tr.id, actorOf(req), req.query.reason ?? ''));
      },
    );

    app.post(
      '/training/:id/publish',
      {
        schema: {
          summary: 'Publish a finished training: its best (or the given) configuration\'s model starts generating alerts',
          tags,
          params: IdParams,
          body: z.strictObject({ rank: z.number().int().min(1).optional().describe('a trained rank instead of the best') }).nullish(),
          response: { 200: TrainingStatusBody, ...errorResponses(400, 401, 403, 404, 409, 429) },
        },
      },
      async (req) => {
        const tr = await owned(req, store, req.params.id);
        return withProgress(await publishTraining(store, tr.id, actorOf(req), req.body?.rank));
      },
    );

    app.get(
      '/training/:id/events',
      {
        config: { rateLimit: false },
        schema: {
          summary: 'Training progress as text/event-stream: the current state, then its events until it ends',
          tags,
          params: IdParams,
          response: { 200: z.string().describe('text/event-stream'), ...errorResponses(401, 403, 404, 429) },
        },
      },
      async (req, reply) => {
        const tr = await owned(req, store, req.params.id);
        const res = startEventStream(req, reply, headers);
        const state = await withProgress(tr);
        res.write(`retry: 2000\nevent: training.state\ndata: ${JSON.stringify({ id: tr.id, status: state.status, done: state.done, total: state.total })}\n\n`);
        const ended = ['done', 'published', 'cancelled', 'failed', 'discarded'].includes(tr.status);
        if (ended) {
          res.end();
          return;
        }
        await open.follow(res, options.sseHeartbeatMs, () =>
          tail.subscribe({ types: ['training.*'] }, (e) => {
            if (e.subject !== tr.id) return;
            res.write(sseFrame(e));
            if (TERMINAL.has(e.type)) res.end();
          }),
        );
      },
    );
  },
};
