import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { BadInputError, ErrorCode, NotFoundError, TradepilotError } from '../../core/errors.ts';
import type { ModelMetadata, ModelRegistry } from '../../ml/artifacts/registry.ts';
import { action, commandConfig, type CliContext, type CommandModule, type CommonOptions } from '../context.ts';
import { table } from '../output.ts';

interface DirOptions extends CommonOptions {
  modelDir?: string;
}

async function registryFor(ctx: CliContext, opts: DirOptions): Promise<ModelRegistry> {
  const { ModelRegistry } = await import('../../ml/artifacts/registry.ts');
  return new ModelRegistry(opts.modelDir ?? commandConfig(ctx, opts).MODEL_DIR);
}

/** Resolve `--model`: an artifact file (`classifier_v3.json`) or a registry directory (latest version). */
async function resolveModel(path: string): Promise<{ reg: ModelRegistry; meta: ModelMetadata }> {
  const { locateArtifact, ModelRegistry } = await import('../../ml/artifacts/registry.ts');
  if (!existsSync(path)) throw new NotFoundError(`${path}: no such model file or directory`);
  if (statSync(path).isDirectory()) {
    const reg = new ModelRegistry(path);
    return { reg, meta: reg.metadata() };
  }
  const loc = locateArtifact(path);
  if (!loc) throw new BadInputError(`${path}: not a registry artifact (expected <role>_v<N>.json or .onnx beside metadata_v<N>.json)`);
  return { reg: loc.registry, meta: loc.registry.metadata(loc.version) };
}

function metaRow(m: ModelMetadata): (string | number | null)[] {
  const metric = m.metrics.auc ?? m.metrics.accuracy ?? m.metrics.rmse ?? null;
  return [m.version, m.name, m.kind, m.createdAt.replace('T', ' ').slice(0, 19), m.features.length, metric, Object.values(m.files).join(' ')];
}

/** `tradepilot model ...`: predict with, import, list and show stored models. */
export const registerModel: CommandModule = (program, ctx) => {
  const model = program.command('model').description('stored models: predict, import (XGBoost JSON, ONNX), list, show');

  model
    .command('predict')
    .description('score a numeric CSV with a stored model (columns picked by the model\'s feature names)')
    .requiredOption('--model <path>', 'artifact file (e.g. models/classifier_v1.json) or registry directory (latest version)')
    .requiredOption('--csv <file>', 'numeric CSV with a header naming the model\'s features')
    .option('--limit <n>', 'rows shown in human output', '10')
    .option('--json', 'print one JSON document')
    .action(
      action<CommonOptions & { model: string; csv: string; limit: string }>(ctx, async (opts) => {
        const { reg, meta } = await resolveModel(opts.model);
        const { readNumericCsv, selectColumns } = await import('../../ml/data.ts');
        const { loadPredictor } = await import('../../ml/artifacts/predictor.ts');
        const tableIn = readNumericCsv(opts.csv);
        const X = selectColumns(tableIn, meta.features, opts.csv);
        const predictor = await loadPredictor(reg, meta);
        const { values, classes } = await predictor.predict(X);
        const n = X.rows;
        const rows = Array.from({ length: n }, (_, i) => (classes === 1 ? values[i]! : Array.from({ length: classes }, (_, k) => values[k * n + i]!)));
        const threshold = meta.thresholds.decision;
        const json = { model: meta.name, version: meta.version, kind: meta.kind, rows: n, classes, threshold: threshold ?? null, predictions: rows };
        const limit = Math.max(0, Number(opts.limit) || 0);
        const human = [
          `${meta.name} v${meta.version} (${meta.kind}) scored ${n} rows of ${opts.csv}`,
          table(
            ['row', ...(classes === 1 ? ['score'] : Array.from({ length: classes }, (_, k) => `p${k}`))],
            rows.slice(0, limit).map((r, i) => [i + 1, ...(Array.isArray(r) ? r : [r])]),
          ),
        ].join('\n');
        return { json, human };
      }),
    );

  model
    .command('import')
    .description('import a model trained elsewhere: xgboost (JSON from save_model) or onnx')
    .argument('<format>', 'xgboost or onnx')
    .argument('<file>', 'model file')
    .option('--name <name>', 'model name', 'classifier')
    .option('--features <list>', 'comma-separated feature names in model input order (default: stored names or x0..xN-1)')
    .option('--model-dir <dir>', 'registry directory (default MODEL_DIR)')
    .option('--json', 'print one JSON document')
    .action(
      action<DirOptions & { name: string; features?: string }>(ctx, async (opts, args) => {
        const [format, file] = args as [string, string];
        const reg = await registryFor(ctx, opts);
        const { readJson, sha256 } = await import('../../ml/artifacts/registry.ts');
        const { importXgboostJson } = await import('../../ml/artifacts/xgboost.ts');
        const { loadOnnx } = await import('../../ml/artifacts/onnx.ts');
        const { gbdtToJson } = await import('../../ml/tree/gbdt.ts');
        const given = opts.features?.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
        let bytes: Buffer;
        try {
          bytes = readFileSync(file);
        } catch {
          throw new NotFoundError(`${file}: cannot read file`);
        }
        let meta: ModelMetadata;
        if (format === 'xgboost') {
          const imp = importXgboostJson(readJson(file), file);
          const features = given ?? imp.featureNames;
          if (features.length !== imp.model.nFeatures) throw new BadInputError(`--features: ${features.length} names for a model with ${imp.model.nFeatures} features`);
          meta = reg.save(
            {
              name: opts.name,
              kind: 'xgboost',
              dataHash: sha256(bytes),
              features,
              thresholds: imp.model.objective === 'binary' ? { decision: 0.5 } : {},
              metrics: {},
              params: { objective: imp.xgbObjective, trees: imp.model.trees.length, groups: imp.model.groups },
              source: `import xgboost ${basename(file)}`,
            },
            { classifier: { json: gbdtToJson(imp.model) }, source: { bytes, ext: 'json' } },
          );
        } else if (format === 'onnx') {
          const m = await loadOnnx(bytes, file);
          const inp = m.inputs[0]!;
          await m.release();
          const inner = inp.shape.slice(1);
          if (!inner.every((d) => typeof d === 'number')) throw new TradepilotError(ErrorCode.MODEL_INVALID, `${file}: input "${inp.name}" has symbolic inner dimensions [${inp.shape.join(', ')}]`);
          const width = (inner as number[]).reduce((a, b) => a * b, 1);
          const features = given ?? Array.from({ length: width }, (_, i) => `x${i}`);
          if (features.length !== width) throw new BadInputError(`--features: ${features.length} names for an input of ${width} values ([${inp.shape.join(', ')}])`);
          meta = reg.save(
            {
              name: opts.name,
              kind: 'onnx',
              dataHash: sha256(bytes),
              features,
              thresholds: {},
              metrics: {},
              params: { inputs: m.inputs, outputs: m.outputs },
              source: `import onnx ${basename(file)}`,
            },
            { classifier: { bytes, ext: 'onnx' } },
          );
        } else {
          throw new BadInputError(`model import: format must be xgboost or onnx, got "${format}"`);
        }
        const path = reg.artifactPath(meta, 'classifier');
        return { json: { model_path: path, ...meta }, human: `imported ${file} as ${meta.name} v${meta.version}: ${path}` };
      }),
    );

  model
    .command('list')
    .description('list the versions in the registry')
    .option('--model-dir <dir>', 'registry directory (default MODEL_DIR)')
    .option('--json', 'print one JSON document')
    .action(
      action<DirOptions>(ctx, async (opts) => {
        const reg = await registryFor(ctx, opts);
        const all = reg.list();
        return {
          json: { dir: reg.dir, models: all },
          human: all.length === 0 ? `no models in ${reg.dir}` : table(['version', 'name', 'kind', 'created (UTC)', 'features', 'metric', 'files'], all.map(metaRow)),
        };
      }),
    );

  model
    .command('show')
    .description('show one version\'s metadata (latest when omitted)')
    .argument('[version]', 'version number')
    .option('--model-dir <dir>', 'registry directory (default MODEL_DIR)')
    .option('--json', 'print one JSON document')
    .action(
      action<DirOptions>(ctx, async (opts, args) => {
        const reg = await registryFor(ctx, opts);
        const v = args[0] !== undefined ? Number(args[0]) : undefined;
        if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new BadInputError(`model show: version must be a positive integer, got "${args[0]}"`);
        const m = reg.metadata(v);
        const rows: [string, string][] = [
          ['name', m.name],
          ['version', String(m.version)],
          ['kind', m.kind],
          ['created', m.createdAt],
          ['training seconds', m.trainingSeconds !== undefined ? m.trainingSeconds.toFixed(2) : ''],
          ['data hash', m.dataHash],
          ['feature-set hash', m.featureSetHash],
          ['features', m.features.join(', ')],
          ['thresholds', JSON.stringify(m.thresholds)],
          ['metrics', JSON.stringify(m.metrics)],
          ['files', Object.entries(m.files).map(([k, f]) => `${k}: ${f}`).join(', ')],
        ];
        return { json: m, human: table(['field', 'value'], rows) };
      }),
    );
};
