import { z } from 'zod';
import type { Selectable } from 'kysely';
import type { OrdersTable } from '../../adapters/store/schema.ts';
import { NotFoundError } from '../../core/errors.ts';
import { errorResponses } from '../httpErrors.ts';
import { filterEq, pageByCreated, pageQuery, pageSchema, toPage } from '../pagination.ts';
import type { RouteModule } from '../routeModule.ts';

/** An order the gate saw (placed, simulated or refused) with its reasons and receipt. */
export const OrderBody = z
  .object({
    id: z.string(),
    clientOrderId: z.string(),
    confirmationId: z.string().nullable(),
    predictionId: z.string().nullable(),
    symbol: z.string(),
    side: z.string(),
    qty: z.number(),
    type: z.string(),
    refPrice: z.number(),
    notional: z.number(),
    broker: z.string(),
    mode: z.string().describe('paper, live, or none when refused'),
    status: z.string(),
    brokerOrderId: z.string().nullable(),
    reasons: z.array(z.string()),
    receipt: z.unknown().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Order' });

function toBody(o: Selectable<OrdersTable>): z.infer<typeof OrderBody> {
  return {
    id: o.id,
    clientOrderId: o.client_order_id,
    confirmationId: o.confirmation_id,
    predictionId: o.prediction_id,
    symbol: o.symbol,
    side: o.side,
    qty: o.qty,
    type: o.type,
    refPrice: o.ref_price,
    notional: o.notional,
    broker: o.broker,
    mode: o.mode,
    status: o.status,
    brokerOrderId: o.broker_order_id,
    reasons: JSON.parse(o.reasons) as string[],
    receipt: o.receipt === null ? null : (JSON.parse(o.receipt) as unknown),
    createdAt: o.created_at,
    updatedAt: o.updated_at,
  };
}

/** Orders read back from the store. */
export const orderRoutes: RouteModule = {
  name: 'orders',
  register(app, { deps }) {
    const tags = ['orders'];
    app.get(
      '/orders',
      {
        schema: {
          summary: 'List orders, newest first',
          tags,
          querystring: z.object({
            ...pageQuery,
            status: z.string().max(32).optional(),
            symbol: z.string().max(32).optional(),
            mode: z.enum(['paper', 'live', 'none']).optional(),
            confirmationId: z.string().max(64).optional(),
          }),
          response: { 200: pageSchema(OrderBody), ...errorResponses(400, 401, 429) },
        },
      },
      async (req) => {
        const q = req.query;
        const base = filterEq(deps.store.db.selectFrom('orders').selectAll(), { status: q.status, symbol: q.symbol?.toUpperCase(), mode: q.mode, confirmation_id: q.confirmationId });
        const rows = await pageByCreated(base, q).execute();
        return toPage(rows, q.limit, toBody, (r) => [r.created_at, r.id]);
      },
    );
    app.get(
      '/orders/:id',
      { schema: { summary: 'One order by id or client order id', tags, params: z.object({ id: z.string().min(1).max(128) }), response: { 200: OrderBody, ...errorResponses(401, 404, 429) } } },
      async (req) => {
        const row = await deps.store.db
          .selectFrom('orders')
          .selectAll()
          .where((eb) => eb.or([eb('id', '=', req.params.id), eb('client_order_id', '=', req.params.id)]))
          .executeTakeFirst();
        if (!row) throw new NotFoundError(`no order with id ${req.params.id}`);
        return toBody(row);
      },
    );
  },
};
