import type { Store } from '../../adapters/store/store.ts';
import type { Clock } from '../../core/time.ts';

/** Orders in these states never reached the market, so they do not count against the daily limit. */
const NOT_PLACED = ['refused', 'failed', 'rejected', 'canceled'];

/** Notional of today's placed orders (UTC day): the guardrails' daily limit counts them. */
export async function todayNotional(store: Store, clock: Clock): Promise<number> {
  const dayStart = new Date(Math.floor(clock.now() / 86_400_000) * 86_400_000).toISOString();
  const row = await store.db
    .selectFrom('orders')
    .select((eb) => eb.fn.sum<number>('notional').as('total'))
    .where('created_at', '>=', dayStart)
    .where('status', 'not in', NOT_PLACED)
    .executeTakeFirst();
  return Number(row?.total ?? 0);
}
