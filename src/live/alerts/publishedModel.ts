import { z } from 'zod';
import { DataError } from '../../core/errors.ts';

const period = z.number().int().min(1).max(10_000);

/** The rule a published model alerts on; each kind is a streaming crossing of indicators. */
export const RuleSpecSchema = z.discriminatedUnion('kind', [
  /** Fast SMA crossing the slow SMA: up is BUY, down is SELL. */
  z.object({ kind: z.literal('sma_cross'), fast: period, slow: period }).strict(),
  /** Close crossing its SMA (the SMA-200 rule with period 200): up is BUY, down is SELL. */
  z.object({ kind: z.literal('price_vs_sma'), period }).strict(),
  /** A published training's model: alerts when its win probability crosses `threshold` (signal from AlertEngineOptions.signals). */
  z.object({ kind: z.literal('trained'), training_id: z.string().min(1), threshold: z.number().min(0).max(1) }).strict(),
]);
export type RuleSpec = z.infer<typeof RuleSpecSchema>;

/** A model published for live alerts: its rule, what it trades and how its alerts are shaped. */
export const PublishedModelSchema = z
  .object({
    model_id: z.string().min(1),
    rule: RuleSpecSchema,
    /** Symbols it watches; every symbol when absent. */
    symbols: z.array(z.string().min(1)).optional(),
    instrument: z.enum(['stock', 'option']).default('stock'),
    /** Shares per stock alert. */
    quantity: z.number().positive().default(1),
    option: z
      .object({
        /** Expiration: the first Friday at least this many days after the bar. */
        min_days: z.number().int().min(0).default(7),
        strike_step: z.number().positive().default(1),
        /** Strikes out of the money (0 = nearest the money). */
        otm_steps: z.number().int().min(0).default(0),
        contracts: z.number().int().positive().default(1),
      })
      .strict()
      .default({ min_days: 7, strike_step: 1, otm_steps: 0, contracts: 1 }),
    atr_period: period.default(14),
    /** Stop and target distances in ATRs from the entry (no stops until the ATR is stable). */
    stop_atr: z.number().positive().default(2),
    take_profit_atr: z.number().positive().default(3),
    min_confidence: z.number().min(0).max(1).default(0),
    valid_minutes: z.number().positive().default(60),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.rule.kind === 'sma_cross' && m.rule.fast >= m.rule.slow) ctx.addIssue({ code: 'custom', path: ['rule', 'fast'], message: 'must be shorter than slow' });
  });
export type PublishedModel = z.infer<typeof PublishedModelSchema>;

/** Validate published models (from a pack file or the registry); errors name the model index and field. */
export function parsePublishedModels(source: string, raw: unknown): PublishedModel[] {
  const arr = z.array(z.unknown()).safeParse(raw);
  if (!arr.success) throw new DataError(source, [{ reason: 'expected a list of published models' }]);
  const out: PublishedModel[] = [];
  const issues: { field: string; reason: string }[] = [];
  arr.data.forEach((m, i) => {
    const r = PublishedModelSchema.safeParse(m);
    if (r.success) out.push(r.data);
    else for (const is of r.error.issues) issues.push({ field: `[${i}].${is.path.join('.')}`, reason: is.message });
  });
  if (issues.length > 0) throw new DataError(source, issues);
  const ids = new Set<string>();
  for (const m of out) {
    if (ids.has(m.model_id)) throw new DataError(source, [{ field: 'model_id', reason: `duplicate model_id ${m.model_id}` }]);
    ids.add(m.model_id);
  }
  return out;
}
