/**
 * Sweep grids. Simple mode: threshold [0.50..0.70] x allowed_hours
 * [[9,10],[13,14,15],all_day] x top_pct [0.05,0.10,0.15] = 45 combinations.
 * Custom mode: any of stop_loss, take_profit, max_positions, strike_selection,
 * dte_target, hold_days, entry_type (and the simple keys), at most 1,000 combinations.
 */
import { z } from 'zod';
import { BadInputError } from '../../core/errors.ts';
import { StrategyParamsSchema, type Instrument, type StrategyParams } from '../../strategy/packs/schema.ts';

/** Most combinations a custom sweep may run. */
export const MAX_COMBINATIONS = 1000;

/** The simple grid's axes. */
export const SIMPLE_GRID = {
  threshold: [0.5, 0.55, 0.6, 0.65, 0.7],
  allowed_hours: [[9, 10], [13, 14, 15], 'all_day'],
  top_pct: [0.05, 0.1, 0.15],
} as const;

const axis = <T extends z.ZodType>(t: T) => z.array(t).min(1).optional();

/** A custom sweep config file (YAML or JSON): `grid` of axes, optional walk-forward and gate overrides. */
export const SweepConfigSchema = z.strictObject({
  grid: z.strictObject({
    stop_loss: axis(z.number().min(0).lt(1)),
    take_profit: axis(z.number().min(0)),
    max_positions: axis(z.number().int().min(1)),
    strike_selection: axis(z.enum(['ATM', 'OTM_5', 'OTM_10', 'ITM_5', 'ITM_10'])),
    dte_target: axis(z.number().int().min(0)),
    hold_days: axis(z.number().gt(0)),
    entry_type: axis(z.enum(['level', 'cross'])),
    threshold: axis(z.number().min(0).max(1)),
    top_pct: axis(z.number().gt(0).lte(1)),
    allowed_hours: axis(z.union([z.literal('all_day'), z.array(z.number().int().min(0).max(23)).min(1)])),
  }),
  walk_forward: z.strictObject({ is_bars: z.number().int().min(20), oos_bars: z.number().int().min(5) }).optional(),
  tags: z.array(z.string()).optional(),
});
export type SweepConfig = z.infer<typeof SweepConfigSchema>;

/** Cartesian product of axes over a base configuration, in a fixed order (last axis fastest). */
export function product(base: StrategyParams, axes: readonly (readonly [string, readonly unknown[]])[]): StrategyParams[] {
  let out: Record<string, unknown>[] = [{ ...base }];
  for (const [key, values] of axes) {
    const next: Record<string, unknown>[] = [];
    for (const o of out) for (const v of values) next.push({ ...o, [key]: v });
    out = next;
  }
  return out.map((o) => StrategyParamsSchema.parse(o));
}

/** The 45 simple-mode combinations. */
export function simpleGrid(base: StrategyParams): StrategyParams[] {
  return product(base, Object.entries(SIMPLE_GRID));
}

const OPTION_ONLY = new Set(['strike_selection', 'dte_target']);

/** The custom-mode combinations of a config; refuses option keys for other instruments and grids over 1,000. */
export function customGrid(base: StrategyParams, cfg: SweepConfig, instrument: Instrument, maxPositions: number): StrategyParams[] {
  const axes = Object.entries(cfg.grid).filter(([, v]) => v !== undefined) as [string, unknown[]][];
  if (axes.length === 0) throw new BadInputError('grid: give at least one axis');
  for (const [k, v] of axes) {
    if (OPTION_ONLY.has(k) && instrument !== 'option') throw new BadInputError(`grid.${k}: only option models sweep ${k}`);
    if (k === 'max_positions' && (v as number[]).some((x) => x > maxPositions)) throw new BadInputError(`grid.max_positions: the pack allows at most ${maxPositions}`);
  }
  const n = axes.reduce((a, [, v]) => a * v.length, 1);
  if (n > MAX_COMBINATIONS) throw new BadInputError(`grid: ${n} combinations; custom sweeps run at most ${MAX_COMBINATIONS}`);
  return product(base, axes);
}
