import { action, withStore, type CommandModule, type CommonOptions } from '../context.ts';
import { pct, stamp, table } from '../output.ts';
import { positiveIntOption } from '../options.ts';

interface ListOpts extends CommonOptions {
  status?: string;
  limit?: string;
}

/** `tradepilot confirmations list`: trades put to a person and what became of them. */
export const registerConfirmations: CommandModule = (program, ctx) => {
  const c = program.command('confirmations').description('trades waiting for (or given) a YES or NO');
  c.command('list')
    .description('list confirmations, newest first')
    .option('--status <status>', 'only this status (pending, confirmed, rejected, expired, executed, failed)')
    .option('--limit <n>', 'at most n', '50')
    .option('--json', 'print one JSON document')
    .action(
      action<ListOpts>(ctx, async (opts) => {
        const limit = positiveIntOption('limit', opts.limit, 50);
        return withStore(ctx, opts, async (store) => {
          let q = store.db.selectFrom('confirmations').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit);
          if (opts.status) q = q.where('status', '=', opts.status);
          const rows = (await q.execute()).map((r) => ({ ...r, drill: r.drill === 1 }));
          const human =
            rows.length === 0
              ? 'no confirmations'
              : table(
                  ['id', 'created', 'symbol', 'action', 'qty', 'confidence', 'status', 'expires', 'drill'],
                  rows.map((r) => [r.id, stamp(r.created_at), r.symbol, r.action, r.quantity, pct(r.confidence, 0), r.status, stamp(r.expires_at), r.drill ? 'yes' : '']),
                );
          return { json: { confirmations: rows }, human };
        });
      }),
    );
};
