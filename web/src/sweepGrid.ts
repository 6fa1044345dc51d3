/** Custom sweep grids from parameter ranges. Pure: unit-tested from test/web. */

/** Most combinations a custom sweep may run (the server's limit too). */
export const MAX_COMBOS = 1000;

/** A numeric axis as a range. */
export interface RangeAxis {
  key: string;
  label: string;
  on: boolean;
  from: string;
  to: string;
  step: string;
  int: boolean;
  min: number;
  max?: number;
}

/** The values of a range axis, or an error. */
export function rangeValues(a: RangeAxis): { values: number[]; error?: string } {
  const from = Number(a.from);
  const to = Number(a.to);
  const step = Number(a.step);
  if (![from, to, step].every(Number.isFinite)) return { values: [], error: 'from, to and step must be numbers' };
  if (step <= 0) return { values: [], error: 'step must be above 0' };
  if (to < from) return { values: [], error: 'to must be at least from' };
  if (from < a.min || (a.max !== undefined && to > a.max)) return { values: [], error: `values must lie in [${a.min}, ${a.max ?? '∞'}]` };
  if (a.int && ![from, to, step].every(Number.isInteger)) return { values: [], error: 'whole numbers only' };
  const n = Math.floor((to - from) / step + 1e-9) + 1;
  if (n > MAX_COMBOS) return { values: [], error: `${n} values` };
  // Rounded to the step's decimals so 0.1 + 0.2 shows as 0.3.
  const dec = (a.step.split('.')[1] ?? '').length + (a.from.split('.')[1] ?? '').length;
  return { values: Array.from({ length: n }, (_, i) => Number((from + i * step).toFixed(Math.min(10, dec + 2)))) };
}
