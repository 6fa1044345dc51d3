/**
 * The model registry: a directory (MODEL_DIR) of versioned artifacts. Version N
 * of a model set is `metadata_vN.json` plus the files it lists
 * (`classifier_vN.json`, `scaler_vN.json`, `lstm_vN.onnx`, ...). Metadata carries
 * name, version, training time, data and feature-set hashes, the feature order,
 * thresholds and validation metrics. Every write is atomic (temp file + rename)
 * and metadata is written last, so a reader never sees a half-written version.
 * Loading checks the stored feature order against the live one and refuses a mismatch.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { ErrorCode, NotFoundError, TradepilotError } from '../../core/errors.ts';

/** What every version records about itself. */
export const ModelMetadataSchema = z.object({
  name: z.string().min(1),
  version: z.number().int().positive(),
  /** Model family: gbdt, forest, logistic, svm, mlp, xgboost, onnx, lstm, ... */
  kind: z.string().min(1),
  createdAt: z.string(),
  trainingSeconds: z.number().nonnegative().optional(),
  /** sha256 of the training data (file bytes or matrix). */
  dataHash: z.string(),
  /** sha256 of the ordered feature names. */
  featureSetHash: z.string(),
  features: z.array(z.string()),
  label: z.string().optional(),
  thresholds: z.record(z.string(), z.number()).default({}),
  metrics: z.record(z.string(), z.number().nullable()).default({}),
  params: z.record(z.string(), z.unknown()).default({}),
  /** Artifact role -> file name in the registry directory. */
  files: z.record(z.string(), z.string()),
  source: z.string().optional(),
});
export type ModelMetadata = z.infer<typeof ModelMetadataSchema>;

/** An artifact to store: JSON-serialisable object or raw bytes (e.g. ONNX). */
export type Artifact = { json: unknown } | { bytes: Uint8Array; ext: string };

/** sha256 hex of bytes or text. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Hash of an ordered feature list (order matters). */
export function featureSetHash(features: readonly string[]): string {
  return sha256(features.join('\n'));
}

/** Write a file atomically: temp file in the same directory, then rename. */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Refuse a live feature list that differs from the trained order, naming the first difference. */
export function checkFeatureOrder(meta: Pick<ModelMetadata, 'name' | 'version' | 'features'>, live: readonly string[]): void {
  const want = meta.features;
  if (want.length === live.length && want.every((f, i) => f === live[i])) return;
  let i = 0;
  while (i < want.length && i < live.length && want[i] === live[i]) i++;
  const detail =
    want.length !== live.length && i === Math.min(want.length, live.length)
      ? `the model has ${want.length} features, the live set ${live.length}`
      : `position ${i}: model expects "${want[i]}", live set has "${live[i]}"`;
  throw new TradepilotError(ErrorCode.MODEL_INVALID, `feature order mismatch for ${meta.name} v${meta.version}: ${detail}`, {
    expected: want,
    live: [...live],
  });
}

const META_RE = /^metadata_v(\d+)\.json$/;

/** A registry rooted at one directory. */
export class ModelRegistry {
  constructor(readonly dir: string) {}

  /** Versions present, ascending. */
  versions(): number[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .map((f) => META_RE.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  /** Metadata of one version (latest when omitted). */
  metadata(version?: number): ModelMetadata {
    const vs = this.versions();
    const v = version ?? vs[vs.length - 1];
    if (v === undefined) throw new NotFoundError(`no models in ${this.dir}`);
    const path = join(this.dir, `metadata_v${v}.json`);
    if (!existsSync(path)) throw new NotFoundError(`no version ${v} in ${this.dir} (have: ${vs.join(', ') || 'none'})`);
    return parseMetadata(readFileSync(path, 'utf8'), path);
  }

  /** Every version's metadata, ascending. */
  list(): ModelMetadata[] {
    return this.versions().map((v) => this.metadata(v));
  }

  /**
   * Save a new version: artifacts first, metadata last. `roles` maps an artifact
   * role (classifier, scaler, lstm) to its content; file names are `<role>_v<N>.<ext>`.
   */
  save(meta: Omit<ModelMetadata, 'version' | 'files' | 'createdAt' | 'featureSetHash'> & { createdAt?: string }, roles: Record<string, Artifact>): ModelMetadata {
    const vs = this.versions();
    const version = (vs[vs.length - 1] ?? 0) + 1;
    const files: Record<string, string> = {};
    for (const [role, a] of Object.entries(roles)) {
      if (!/^[a-z][a-z0-9_-]*$/i.test(role)) throw new TradepilotError(ErrorCode.BAD_INPUT, `artifact role "${role}" is not a plain name`);
      const file = 'json' in a ? `${role}_v${version}.json` : `${role}_v${version}.${a.ext}`;
      writeAtomic(join(this.dir, file), 'json' in a ? JSON.stringify(a.json) : a.bytes);
      files[role] = file;
    }
    const full: ModelMetadata = ModelMetadataSchema.parse({
      ...meta,
      version,
      files,
      createdAt: meta.createdAt ?? new Date().toISOString(),
      featureSetHash: featureSetHash(meta.features),
    });
    writeAtomic(join(this.dir, `metadata_v${version}.json`), `${JSON.stringify(full, null, 2)}\n`);
    return full;
  }

  /** Path of a version's artifact file. */
  artifactPath(meta: ModelMetadata, role: string): string {
    const f = meta.files[role];
    if (!f) throw new NotFoundError(`${meta.name} v${meta.version} has no "${role}" artifact (has: ${Object.keys(meta.files).join(', ')})`);
    return join(this.dir, f);
  }

  /**
   * Load a version for live use: checks the feature order against `liveFeatures`
   * and returns the metadata and the parsed JSON artifacts (byte artifacts as paths).
   */
  load(liveFeatures: readonly string[], version?: number): { meta: ModelMetadata; json: Record<string, unknown>; paths: Record<string, string> } {
    const meta = this.metadata(version);
    checkFeatureOrder(meta, liveFeatures);
    const json: Record<string, unknown> = {};
    const paths: Record<string, string> = {};
    for (const role of Object.keys(meta.files)) {
      const p = this.artifactPath(meta, role);
      paths[role] = p;
      if (p.endsWith('.json')) json[role] = readJson(p);
    }
    return { meta, json, paths };
  }
}

function parseMetadata(text: string, path: string): ModelMetadata {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new TradepilotError(ErrorCode.MODEL_INVALID, `${path}: not valid JSON`, undefined, { cause: err });
  }
  const r = ModelMetadataSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new TradepilotError(ErrorCode.MODEL_INVALID, `${path}: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  return r.data;
}

/** Read a JSON file, with errors naming it. */
export function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new NotFoundError(`${path}: cannot read file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new TradepilotError(ErrorCode.MODEL_INVALID, `${path}: not valid JSON`, undefined, { cause: err });
  }
}

/** For a path like `<dir>/classifier_v3.json`: its registry, version and role; null if not versioned. */
export function locateArtifact(path: string): { registry: ModelRegistry; version: number; role: string } | null {
  const m = /^(.+)_v(\d+)\.[a-z0-9]+$/i.exec(basename(path));
  if (!m) return null;
  return { registry: new ModelRegistry(dirname(path)), version: Number(m[2]), role: m[1]! };
}
