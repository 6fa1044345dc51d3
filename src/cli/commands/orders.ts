import { action, withStore, type CommandModule, type CommonOptions } from '../context.ts';
import { stamp, table } from '../output.ts';
import { positiveIntOption } from '../options.ts';

interface ListOpts extends CommonOptions {
  status?: string;
  symbol?: string;
  prediction?: string;
  limit?: string;
}

/** `tradepilot orders list`: every order the gate saw (placed, simulated, refused), newest first, with reasons and receipts. */
export const registerOrders: CommandModule = (program, ctx) => {
  const orders = program.command('orders').description('orders the order gate placed, simulated or refused');
  orders
    .command('list')
    .description('list orders, newest first')
    .option('--status <status>', 'only this status (refused, new, accepted, filled, canceled, failed, ...)')
    .option('--symbol <symbol>', 'only this symbol')
    .option('--prediction <id>', 'only orders of this prediction id')
    .option('--limit <n>', 'at most n orders', '50')
    .option('--json', 'print one JSON document')
    .action(
      action<ListOpts>(ctx, async (opts) => {
        const limit = positiveIntOption('limit', opts.limit, 50);
        return withStore(ctx, opts, async (store) => {
          let q = store.db.selectFrom('orders').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit);
          if (opts.status) q = q.where('status', '=', opts.status);
          if (opts.symbol) q = q.where('symbol', '=', opts.symbol.toUpperCase());
          if (opts.prediction) q = q.where('prediction_id', '=', opts.prediction);
          const rows = (await q.execute()).map((r) => ({ ...r, reasons: JSON.parse(r.reasons) as string[], receipt: r.receipt ? (JSON.parse(r.receipt) as unknown) : null }));
          const human =
            rows.length === 0
              ? 'no orders'
              : table(
                  ['created', 'symbol', 'side', 'qty', 'notional', 'mode', 'status', 'client order id', 'why'],
                  rows.map((r) => [stamp(r.created_at), r.symbol, r.side, r.qty, r.notional, r.mode, r.status, r.client_order_id, r.status === 'refused' || r.status === 'failed' ? r.reasons.join('; ') : '']),
                );
          return { json: { orders: rows }, human };
        });
      }),
    );
};
