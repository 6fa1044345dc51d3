import { z } from 'zod';
import type { Confirmation } from '../../live/confirm/confirmations.ts';
import { ConfirmationStatus } from '../../live/confirm/confirmations.ts';
import { ErrorCode } from '../../core/errors.ts';
import { actorOf } from '../auth/authenticate.ts';
import { errorResponses, HttpError } from '../httpErrors.ts';
import { filterEq, pageByCreated, pageQuery, pageSchema, toPage } from '../pagination.ts';
import type { RouteModule } from '../routeModule.ts';

const statuses = Object.values(ConfirmationStatus) as [string, ...string[]];

/** A confirmation as the API shows it. */
export const ConfirmationBody = z
  .object({
    id: z.string(),
    predictionId: z.string().nullable(),
    alertId: z.string().nullable(),
    symbol: z.string(),
    action: z.string(),
    confidence: z.number(),
    quantity: z.number(),
    status: z.enum(statuses),
    drill: z.boolean(),
    createdAt: z.string(),
    expiresAt: z.string(),
    resolvedAt: z.string().nullable(),
  })
  .meta({ id: 'Confirmation' });

const DecisionBody = z.object({ decision: z.enum(['YES', 'NO']).describe('YES executes through the order gate, NO skips') });
const DecisionResult = z
  .object({
    kind: z.enum(['executed', 'execution_failed', 'skipped']),
    message: z.string(),
    confirmation: ConfirmationBody,
    receipt: z.unknown().optional(),
  })
  .meta({ id: 'DecisionResult' });

const IdParams = z.object({ id: z.string().min(1).max(64).regex(/^[0-9A-Za-z]+$/, 'letters and digits only') });

function toBody(c: Confirmation): z.infer<typeof ConfirmationBody> {
  return {
    id: c.id,
    predictionId: c.prediction_id,
    alertId: c.alert_id,
    symbol: c.symbol,
    action: c.action,
    confidence: c.confidence,
    quantity: c.quantity,
    status: c.status,
    drill: c.drill === 1,
    createdAt: c.created_at,
    expiresAt: c.expires_at,
    resolvedAt: c.resolved_at,
  };
}

/** The pending and past confirmations, and a YES/NO by API with the same rules as an SMS reply. */
export const confirmationRoutes: RouteModule = {
  name: 'confirmations',
  register(app, { deps }) {
    const tags = ['confirmations'];
    app.get(
      '/confirmations',
      {
        schema: {
          summary: 'List confirmations, newest first',
          tags,
          querystring: z.object({ ...pageQuery, status: z.enum(statuses).optional(), symbol: z.string().max(32).optional() }),
          response: { 200: pageSchema(ConfirmationBody), ...errorResponses(400, 401, 429) },
        },
      },
      async (req) => {
        const q = req.query;
        const rows = await pageByCreated(filterEq(deps.store.db.selectFrom('confirmations').selectAll(), { status: q.status, symbol: q.symbol?.toUpperCase() }), q).execute();
        return toPage(rows, q.limit, toBody, (r) => [r.created_at, r.id]);
      },
    );
    app.get(
      '/confirmations/:id',
      { schema: { summary: 'One confirmation', tags, params: IdParams, response: { 200: ConfirmationBody, ...errorResponses(400, 401, 404, 429) } } },
      async (req) => toBody(await deps.confirmations.get(req.params.id)),
    );
    app.post(
      '/confirmations/:id/decision',
      {
        schema: {
          summary: 'Answer YES or NO (same rules as the SMS reply: once only, not after expiry)',
          tags,
          params: IdParams,
          body: DecisionBody,
          response: { 200: DecisionResult, ...errorResponses(400, 401, 403, 404, 409, 429) },
        },
      },
      async (req) => {
        const outcome = await deps.confirmations.decide(req.params.id, req.body.decision, 'api', actorOf(req));
        const c = await deps.confirmations.get(req.params.id);
        if (outcome.kind === 'executed' || outcome.kind === 'execution_failed' || outcome.kind === 'skipped') {
          return { kind: outcome.kind, message: outcome.reply, confirmation: toBody(c), ...(outcome.receipt !== undefined ? { receipt: outcome.receipt } : {}) };
        }
        // Expired, already answered, duplicate: the decision did not apply.
        throw new HttpError(409, ErrorCode.CONFLICT, outcome.reply || `confirmation ${c.id} is ${c.status}`);
      },
    );
  },
};
