/**
 * Parameter files: a versioned JSON document of named tensors. Loading checks the format,
 * version, names, shapes and values, and says exactly what does not match.
 */
import { z } from 'zod';
import { ErrorCode, TradepilotError } from '../../core/errors.ts';
import type { Module } from './module.ts';
import { type DType, fmtShape, numel } from './tensor.ts';

/** Format tag and version written into every parameter file. */
export const PARAMS_FORMAT = 'tradepilot.nn.params';
export const PARAMS_VERSION = 1;

const ParamFileSchema = z.object({
  format: z.literal(PARAMS_FORMAT),
  version: z.literal(PARAMS_VERSION),
  dtype: z.enum(['float64', 'float32']),
  params: z.record(z.string(), z.object({ shape: z.array(z.number().int().nonnegative()), data: z.array(z.number()) })),
  meta: z.record(z.string(), z.unknown()).optional(),
});

/** The JSON document `saveParams` writes and `loadParams` reads. */
export type ParamFile = z.infer<typeof ParamFileSchema>;

function invalid(source: string, reason: string): TradepilotError {
  return new TradepilotError(ErrorCode.MODEL_INVALID, `${source}: ${reason}`, { source });
}

/** Every parameter of `module` as a JSON-ready document (values round-trip exactly). */
export function saveParams(module: Module, meta?: Record<string, unknown>): ParamFile {
  const named = module.namedParameters();
  const dtype: DType = named[0]?.[1].dtype ?? 'float64';
  const params: ParamFile['params'] = {};
  for (const [name, t] of named) params[name] = { shape: t.shape.slice(), data: Array.from(t.data) };
  return meta === undefined ? { format: PARAMS_FORMAT, version: PARAMS_VERSION, dtype, params } : { format: PARAMS_FORMAT, version: PARAMS_VERSION, dtype, params, meta };
}

/**
 * Copies the parameters in `file` (a parsed object or JSON text) into `module`, in place.
 * Refuses a different format or version, missing or extra names, other shapes and
 * non-finite values, naming `source` (e.g. the file path) and the parameter.
 */
export function loadParams(module: Module, file: unknown, source = 'parameters'): void {
  let doc = file;
  if (typeof file === 'string') {
    try {
      doc = JSON.parse(file);
    } catch (e) {
      throw invalid(source, `not JSON (${(e as Error).message})`);
    }
  }
  const head = z.object({ format: z.unknown(), version: z.unknown() }).safeParse(doc);
  if (!head.success) throw invalid(source, 'not a parameter file (expected an object with format and version)');
  if (head.data.format !== PARAMS_FORMAT) throw invalid(source, `format is ${JSON.stringify(head.data.format)}, expected "${PARAMS_FORMAT}"`);
  if (head.data.version !== PARAMS_VERSION) throw invalid(source, `version ${JSON.stringify(head.data.version)} is not supported (this build reads version ${PARAMS_VERSION})`);
  const parsed = ParamFileSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(source, `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const { params } = parsed.data;
  const named = module.namedParameters();
  const expected = new Set(named.map(([n]) => n));
  const extra = Object.keys(params).filter((n) => !expected.has(n));
  if (extra.length > 0) throw invalid(source, `unexpected parameter(s) ${extra.map((n) => `"${n}"`).join(', ')} (the model has ${[...expected].join(', ')})`);
  // Check everything before writing anything, so a bad file leaves the model untouched.
  for (const [name, t] of named) {
    const p = params[name];
    if (p === undefined) throw invalid(source, `parameter "${name}" is missing`);
    if (p.shape.length !== t.shape.length || p.shape.some((s, i) => s !== t.shape[i])) {
      throw invalid(source, `parameter "${name}" has shape ${fmtShape(p.shape)} in the file but the model expects ${fmtShape(t.shape)}`);
    }
    if (p.data.length !== numel(p.shape)) throw invalid(source, `parameter "${name}" has ${p.data.length} values for shape ${fmtShape(p.shape)}`);
    const bad = p.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw invalid(source, `parameter "${name}" value ${bad} is not finite`);
  }
  for (const [name, t] of named) t.data.set(params[name]!.data);
}
