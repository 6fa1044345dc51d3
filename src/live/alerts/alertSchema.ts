import { z } from 'zod';
import type { Alert, FutureAlert, OptionAlert, StockAlert } from '../../core/alert.ts';

/** The Pack System alert spec as zod schemas: alerts are validated where they leave or enter the system. */

const isoDateTime = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(s) && Number.isFinite(Date.parse(s)), 'must be an ISO-8601 UTC date-time');
const price = z.number().finite().positive();

const base = {
  alert_id: z.string().min(1),
  timestamp: isoDateTime,
  model_id: z.string().min(1),
  action: z.enum(['BUY', 'SELL', 'HOLD']),
  confidence: z.number().min(0).max(1),
  entry_price: price,
  stop_loss: price.nullable(),
  take_profit: price.nullable(),
  urgency: z.enum(['low', 'normal', 'high']),
  valid_until: isoDateTime,
  quantity: z.number().finite().positive(),
};

/** A stock alert: `ticker` plus the common fields. */
export const StockAlertSchema = z.object({ ...base, instrument: z.literal('stock'), ticker: z.string().min(1) }).strict();

/** An option alert: underlying, type, strike, expiration and contracts; `entry_price` is the underlying's price at the alert. */
export const OptionAlertSchema = z
  .object({
    ...base,
    instrument: z.literal('option'),
    underlying: z.string().min(1),
    option_type: z.enum(['call', 'put']),
    strike: price,
    expiration: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'),
    contracts: z.number().int().positive(),
  })
  .strict();

/** A futures alert: contract and contract month. */
export const FutureAlertSchema = z.object({ ...base, instrument: z.literal('future'), contract: z.string().min(1), contract_month: z.string().min(1) }).strict();

/** Any alert, told apart by `instrument`, with the cross-field rules (valid_until after timestamp, stops on the right side). */
export const AlertSchema = z.discriminatedUnion('instrument', [StockAlertSchema, OptionAlertSchema, FutureAlertSchema]).superRefine((a, ctx) => {
  if (Date.parse(a.valid_until) <= Date.parse(a.timestamp)) ctx.addIssue({ code: 'custom', path: ['valid_until'], message: 'must be after timestamp' });
  // Stops are on the underlying's price scale for every instrument, so the sides are checked against entry_price.
  const dir = a.action === 'BUY' ? 1 : a.action === 'SELL' ? -1 : 0;
  if (dir !== 0 && a.stop_loss !== null && dir * (a.entry_price - a.stop_loss) <= 0) ctx.addIssue({ code: 'custom', path: ['stop_loss'], message: `must be ${dir > 0 ? 'below' : 'above'} entry_price for a ${a.action}` });
  if (dir !== 0 && a.take_profit !== null && dir * (a.take_profit - a.entry_price) <= 0) ctx.addIssue({ code: 'custom', path: ['take_profit'], message: `must be ${dir > 0 ? 'above' : 'below'} entry_price for a ${a.action}` });
  if (a.instrument === 'option' && a.quantity !== a.contracts) ctx.addIssue({ code: 'custom', path: ['quantity'], message: 'must equal contracts for an option alert' });
});

// The schemas and the core types must describe the same records.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _stock: Same<z.infer<typeof StockAlertSchema>, StockAlert> = true;
const _option: Same<z.infer<typeof OptionAlertSchema>, OptionAlert> = true;
const _future: Same<z.infer<typeof FutureAlertSchema>, FutureAlert> = true;
void [_stock, _option, _future];

/** Parse an alert from outside (API body, file); throws a BadInput-style zod error naming the field. */
export function parseAlert(x: unknown): Alert {
  return AlertSchema.parse(x) as Alert;
}

/** The symbol an alert is about, whatever its instrument (the key for conflicts and storage). */
export function alertTicker(a: Alert): string {
  return a.instrument === 'stock' ? a.ticker : a.instrument === 'option' ? a.underlying : a.contract;
}
