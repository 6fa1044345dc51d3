import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { BadInputError, DataError } from '../core/errors.ts';

/** Parse a flag that must be a positive integer; names the flag in the error. */
export function positiveIntOption(name: string, v: string | undefined, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new BadInputError(`--${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

/** Parse an optional numeric flag within [min, max] (an integer when asked); undefined when absent. */
export function optionalNumber(name: string, v: string | undefined, min = -Infinity, max = Infinity, integer = false): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new BadInputError(`--${name} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${JSON.stringify(v)}`);
  }
  return n;
}

/** Parse a numeric flag within [min, max], with a default. */
export function numberOption(name: string, v: string | undefined, def: number, min = -Infinity, max = Infinity): number {
  return optionalNumber(name, v, min, max) ?? def;
}

/** Split a comma-separated flag into trimmed, non-empty items. */
export function listOption(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const items = v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  return items.length > 0 ? items : undefined;
}

/** A flag whose value must be one of a fixed set; names the flag and the choices. */
export function oneOf<T extends string>(name: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new BadInputError(`--${name}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

/** Read a YAML (or JSON) file named by a flag and check it against `schema`; unreadable YAML and each schema issue become a DataError naming the file. */
export async function readSchemaFile<T>(file: string, schema: z.ZodType<T>): Promise<T> {
  const { parse: parseYaml } = await import('yaml');
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DataError(file, [{ reason: (e as Error).message.split('\n')[0]! }]);
  }
  const r = schema.safeParse(raw);
  if (!r.success) throw new DataError(file, r.error.issues.map((i) => ({ field: i.path.join('.') || (i.code === 'unrecognized_keys' ? i.keys.join(',') : '(root)'), reason: i.message })));
  return r.data;
}
