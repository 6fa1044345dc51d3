/**
 * Feature sets written as files (YAML or JSON): the declarative half of
 * FeatureSet (indicator features only; code-defined custom features stay in
 * TypeScript). Validated field by field; an error names the file, the line and
 * the field (`features[3].indicator`).
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { BadInputError, DataError, type Issue } from '../core/errors.ts';
import { isTimeframe, Timeframes, type Timeframe } from '../core/time.ts';
import { INDICATORS, resolveParams } from '../indicators/registry.ts';
import { featureSetByName } from './defaultSet.ts';
import type { FeatureSet, IndicatorFeature } from './featureSet.ts';
import { FEATURE_SOURCES } from './sources.ts';

const FeatureSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_]*$/, 'letters, digits and _ (a CSV column name)'),
  indicator: z.string().min(1),
  params: z.record(z.string(), z.number()).optional(),
  output: z.string().min(1).optional(),
  transform: z.enum(['raw', 'dist', 'over_close', 'log', 'zscore']).optional(),
  timeframe: z.string().refine(isTimeframe, { message: `a timeframe: ${Timeframes.join(', ')}` }).optional(),
  on: z.enum(['close', 'log_return']).optional(),
});

/** A feature-set file: a name, a version and the features in column order. */
export const FeatureSetFileSchema = z.strictObject({
  name: z.string().min(1),
  version: z.number().int().positive().default(1),
  description: z.string().optional(),
  features: z.array(FeatureSchema).min(1),
});

/** Whether `--set` names a file rather than a built-in set. */
export function isFeatureSetFile(set: string): boolean {
  return /\.(ya?ml|json)$/i.test(set);
}

/** Check indicator names, outputs and parameters against the registry, and names for duplicates. */
function semanticIssues(features: readonly z.infer<typeof FeatureSchema>[]): { path: (string | number)[]; reason: string }[] {
  const out: { path: (string | number)[]; reason: string }[] = [];
  const seen = new Set<string>();
  features.forEach((f, i) => {
    if (seen.has(f.name)) out.push({ path: ['features', i, 'name'], reason: `duplicate feature name "${f.name}"` });
    seen.add(f.name);
    const src = FEATURE_SOURCES.get(f.indicator);
    const def = INDICATORS.get(f.indicator);
    if (!src && !def) {
      out.push({ path: ['features', i, 'indicator'], reason: `unknown indicator "${f.indicator}" (\`tradepilot indicators --list\` lists them)` });
      return;
    }
    const outputs = (src ?? def)!.outputs;
    if (f.output !== undefined && !outputs.includes(f.output)) out.push({ path: ['features', i, 'output'], reason: `${f.indicator} has outputs ${outputs.join(', ')}, not "${f.output}"` });
    try {
      if (src) src.resolve(f.params);
      else resolveParams(def!, f.params);
    } catch (e) {
      out.push({ path: ['features', i, 'params'], reason: (e as Error).message });
    }
  });
  return out;
}

/** Parse and validate a feature-set file's text; `source` names it in errors. */
export function parseFeatureSetFile(text: string, source: string): FeatureSet {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) {
    throw new DataError(source, doc.errors.map((e) => ({ line: e.linePos?.[0]?.line, reason: e.message.split('\n')[0]! })));
  }
  const lineOf = (path: readonly (string | number)[]): number | undefined => {
    for (let k = path.length; k >= 0; k--) {
      const node = doc.getIn(path.slice(0, k), true) as { range?: [number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) return lines.linePos(node.range[0]).line;
    }
    return undefined;
  };
  const field = (path: readonly (string | number)[]): string => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(root)';
  const r = FeatureSetFileSchema.safeParse(doc.toJS());
  if (!r.success) {
    const issues: Issue[] = r.error.issues.map((i) => {
      const path = i.path as (string | number)[];
      const keys = i.code === 'unrecognized_keys' ? ` (${i.keys.join(', ')})` : '';
      return { line: lineOf(path), field: field(path), reason: `${i.message}${keys}` };
    });
    throw new DataError(source, issues);
  }
  const sem = semanticIssues(r.data.features);
  if (sem.length > 0) throw new DataError(source, sem.map((s) => ({ line: lineOf(s.path), field: field(s.path), reason: s.reason })));
  const features: IndicatorFeature[] = r.data.features.map((f) => ({ ...f, ...(f.timeframe ? { timeframe: f.timeframe as Timeframe } : {}) }) as IndicatorFeature);
  return { name: r.data.name, version: r.data.version, features };
}

/** Read a feature-set file (YAML or JSON). */
export function loadFeatureSetFile(path: string): FeatureSet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BadInputError(`${path}: cannot read the feature-set file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseFeatureSetFile(text, path);
}

/** The timeframes a set computes on, besides the base. */
export function featureSetTimeframes(set: FeatureSet): Timeframe[] {
  return [...new Set(set.features.map((f) => f.timeframe).filter((t): t is Timeframe => t !== undefined))];
}

/** `--set`: a built-in set by name, or a feature-set file; the coarser timeframes it needs are added to `coarser`. */
export function resolveFeatureSet(set: string, base: Timeframe, coarser: readonly Timeframe[]): { set: FeatureSet; timeframes: Timeframe[] } {
  if (isFeatureSetFile(set)) {
    const fs = loadFeatureSetFile(set);
    return { set: fs, timeframes: [...new Set([...coarser, ...featureSetTimeframes(fs)])] };
  }
  const named = featureSetByName(set, base, coarser);
  if (!named) throw new BadInputError(`unknown feature set "${set}" (known: default, or a .yaml/.json feature-set file)`);
  return { set: named, timeframes: [...coarser] };
}
