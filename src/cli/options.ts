import { BadInputError } from '../core/errors.ts';

/** Parse a flag that must be a positive integer; names the flag in the error. */
export function positiveIntOption(name: string, v: string | undefined, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new BadInputError(`--${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

/** Parse a flag that must be a finite number within [min, max]. */
export function numberOption(name: string, v: string | undefined, def: number, min = -Infinity, max = Infinity): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new BadInputError(`--${name} must be a number in [${min}, ${max}], got ${JSON.stringify(v)}`);
  }
  return n;
}

/** Split a comma-separated flag into trimmed, non-empty items. */
export function listOption(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const items = v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  return items.length > 0 ? items : undefined;
}
