import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { BadInputError } from '../../core/errors.ts';
import type { Dataset } from '../../ml/data.ts';
import type { GbdtModel, GbdtParams } from '../../ml/tree/gbdt.ts';
import { ObjectiveName } from '../../ml/tree/objective.ts';
import { action, commandConfig, type CommandModule, type CommonOptions } from '../context.ts';
import { table } from '../output.ts';

interface TrainOptions extends CommonOptions {
  train: string;
  test?: string;
  label: string;
  objective: string;
  numClass?: string;
  rounds: string;
  depth: string;
  leaves: string;
  growth: string;
  lr: string;
  bins: string;
  lambda: string;
  alpha: string;
  minChildWeight: string;
  subsample: string;
  colsample: string;
  seed: string;
  earlyStopping: string;
  threads: string;
  threshold: string;
  name: string;
  modelDir?: string;
}

/**
 * Training rows from which `--threads` > 1 uses its workers. Measured here (2 vCPUs, 200 rounds,
 * 40 features, start-up overlapping the CSV read): 2 threads cost more than they save at 2k-10k
 * rows, broke even at 20k and were ~10% faster at 30k-50k. A started pool is faster at any size:
 * what small data cannot pay back is the ~0.2 s the workers take to start.
 */
export const MIN_POOL_ROWS = 20_000;

function num(v: string, flag: string, { int = false, min = -Infinity } = {}): number {
  const x = Number(v);
  if (!Number.isFinite(x) || (int && !Number.isInteger(x)) || x < min) throw new BadInputError(`--${flag}: expected ${int ? 'an integer' : 'a number'}${min > -Infinity ? ` >= ${min}` : ''}, got "${v}"`);
  return x;
}

/** Test-set metrics for each objective. */
async function evaluate(model: GbdtModel, test: Dataset, threshold: number): Promise<Record<string, number | null>> {
  const { gbdtPredict } = await import('../../ml/tree/gbdt.ts');
  const { accuracy, logLoss, toLabels } = await import('../../ml/metrics/classification.ts');
  const { rocAuc } = await import('../../ml/metrics/rocAuc.ts');
  const p = gbdtPredict(model, test.X);
  const n = test.y.length;
  if (model.objective === 'binary') {
    const auc = rocAuc(test.y, p);
    return { auc: Number.isNaN(auc) ? null : auc, accuracy: accuracy(test.y, toLabels(p, threshold)), log_loss: logLoss(test.y, p) };
  }
  if (model.objective === 'multiclass') {
    const pred = new Float64Array(n);
    let ll = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let k = 1; k < model.groups; k++) if (p[k * n + i]! > p[best * n + i]!) best = k;
      pred[i] = best;
      ll -= Math.log(Math.max(1e-15, p[test.y[i]! * n + i]!));
    }
    return { auc: null, accuracy: accuracy(test.y, pred), log_loss: ll / n };
  }
  let se = 0;
  for (let i = 0; i < n; i++) se += (p[i]! - test.y[i]!) ** 2;
  return { auc: null, accuracy: null, rmse: Math.sqrt(se / n) };
}

/** `tradepilot gbdt train`: fit a boosted-tree model on a numeric CSV, report test metrics, store it in MODEL_DIR. */
export const registerGbdt: CommandModule = (program, ctx) => {
  const gbdt = program.command('gbdt').description('gradient-boosted decision trees (histogram method)');
  gbdt
    .command('train')
    .description('train on a numeric CSV (features + label column), evaluate on --test, save a versioned model')
    .requiredOption('--train <file>', 'training CSV (header row, numeric cells; empty/nan = missing)')
    .option('--test <file>', 'test CSV with the same columns (metrics; also the early-stopping set)')
    .requiredOption('--label <col>', 'label column')
    .option('--objective <name>', `objective: ${Object.values(ObjectiveName).join(', ')}`, 'binary')
    .option('--num-class <n>', 'classes for multiclass (labels 0..n-1)')
    .option('--rounds <n>', 'boosting rounds', '200')
    .option('--depth <n>', 'maximum tree depth (0 = unlimited, then set --leaves)', '6')
    .option('--leaves <n>', 'maximum leaves per tree (0 = unlimited)', '0')
    .option('--growth <mode>', 'depthwise or leafwise', 'depthwise')
    .option('--lr <x>', 'learning rate', '0.1')
    .option('--bins <n>', 'histogram bins per feature (<= 256)', '256')
    .option('--lambda <x>', 'L2 regularisation', '1')
    .option('--alpha <x>', 'L1 regularisation', '0')
    .option('--min-child-weight <x>', 'minimum hessian sum per child', '1')
    .option('--subsample <x>', 'row subsample per tree', '1')
    .option('--colsample <x>', 'column subsample per tree', '1')
    .option('--seed <n>', 'random seed', '0')
    .option(
      '--threads <n>',
      `threads for binning and growing trees (worker_threads), same model for any n; used from ${MIN_POOL_ROWS} training rows (below, the ~0.2 s worker start-up costs more than they save). 2 pays only on otherwise idle cores: measured 10-20% faster from 30k to 200k rows at ~1.5x the CPU, no gain when other work holds the cores; with --colsample < 1 or --alpha > 0 trees grow on one thread`,
      '1',
    )
    .option('--early-stopping <n>', 'stop after n rounds without improvement on --test (0 = off)', '0')
    .option('--threshold <p>', 'decision threshold stored with the model (binary)', '0.5')
    .option('--name <name>', 'model name stored in the metadata', 'classifier')
    .option('--model-dir <dir>', 'registry directory (default MODEL_DIR)')
    .option('--json', 'print one JSON document')
    .action(
      action<TrainOptions>(ctx, async (opts) => {
        const cfg = commandConfig(ctx, opts);
        const objective = opts.objective as ObjectiveName;
        if (!Object.values(ObjectiveName).includes(objective)) throw new BadInputError(`--objective: expected one of ${Object.values(ObjectiveName).join(', ')}, got "${opts.objective}"`);
        if (opts.growth !== 'depthwise' && opts.growth !== 'leafwise') throw new BadInputError(`--growth: expected depthwise or leafwise, got "${opts.growth}"`);
        const params: Partial<GbdtParams> = {
          objective,
          numClass: opts.numClass !== undefined ? num(opts.numClass, 'num-class', { int: true, min: 2 }) : undefined,
          rounds: num(opts.rounds, 'rounds', { int: true, min: 1 }),
          maxDepth: num(opts.depth, 'depth', { int: true, min: 0 }),
          maxLeaves: num(opts.leaves, 'leaves', { int: true, min: 0 }),
          growth: opts.growth,
          learningRate: num(opts.lr, 'lr', { min: 0 }),
          maxBins: num(opts.bins, 'bins', { int: true, min: 2 }),
          lambda: num(opts.lambda, 'lambda', { min: 0 }),
          alpha: num(opts.alpha, 'alpha', { min: 0 }),
          minChildWeight: num(opts.minChildWeight, 'min-child-weight', { min: 0 }),
          subsample: num(opts.subsample, 'subsample', { min: 0 }),
          colsample: num(opts.colsample, 'colsample', { min: 0 }),
          seed: num(opts.seed, 'seed', { int: true, min: 0 }),
          earlyStoppingRounds: num(opts.earlyStopping, 'early-stopping', { int: true, min: 0 }),
        };
        const threshold = num(opts.threshold, 'threshold', { min: 0 });
        const threads = num(opts.threads, 'threads', { int: true, min: 1 });
        const { HistogramPool } = await import('../../ml/tree/histogramPool.ts');
        // the workers boot (~0.2 s) on the other cores while this thread reads the CSVs
        const starting = threads > 1 ? HistogramPool.create(threads) : undefined;
        // a failed start is reported below, where it is awaited
        starting?.catch(() => undefined);
        const { readNumericCsv, toDataset } = await import('../../ml/data.ts');
        const { featureImportance, gbdtToJson, trainGbdt } = await import('../../ml/tree/gbdt.ts');
        const { ModelRegistry, sha256 } = await import('../../ml/artifacts/registry.ts');
        const { terminalProgress } = await import('../progress.ts');
        let train: Dataset;
        let test: Dataset | undefined;
        try {
          train = toDataset(readNumericCsv(opts.train), opts.label, opts.train);
          test = opts.test ? toDataset(readNumericCsv(opts.test), opts.label, opts.test) : undefined;
          if (test && test.featureNames.join(',') !== train.featureNames.join(',')) {
            throw new BadInputError(`${opts.test}: columns differ from ${opts.train} (the feature order must match)`);
          }
        } catch (e) {
          await (await starting?.catch(() => undefined))?.close();
          throw e;
        }
        const progress = terminalProgress(Boolean(opts.json));
        // below MIN_POOL_ROWS the workers go unused (their start-up outweighs what they save) and are closed after training
        const usePool = train.X.rows >= MIN_POOL_ROWS;
        // timed from here: what is left of the workers' start-up after reading the CSVs is part of what threads cost
        const t0 = performance.now();
        const pool = usePool ? await starting : undefined;
        const threadsUsed = pool?.threads ?? 1;
        progress.start(params.rounds!, 'gbdt');
        let model: GbdtModel;
        try {
          model = trainGbdt(train.X, train.y, params, {
            valid: test && params.earlyStoppingRounds ? { X: test.X, y: test.y } : undefined,
            onRound: () => progress.tick(),
            pool,
          });
        } finally {
          progress.stop();
          await pool?.close();
        }
        const trainSeconds = (performance.now() - t0) / 1000;
        if (!usePool) await (await starting?.catch(() => undefined))?.close();
        const metrics = test ? await evaluate(model, test, threshold) : {};
        const reg = new ModelRegistry(opts.modelDir ?? cfg.MODEL_DIR);
        const meta = reg.save(
          {
            name: opts.name,
            kind: 'gbdt',
            trainingSeconds: trainSeconds,
            dataHash: sha256(readFileSync(opts.train)),
            features: [...train.featureNames],
            label: opts.label,
            thresholds: objective === 'binary' ? { decision: threshold } : {},
            metrics,
            params: { ...params, threads, threads_used: threadsUsed, rounds_kept: model.rounds, train_file: basename(opts.train), test_file: opts.test ? basename(opts.test) : null },
            source: 'tradepilot gbdt train',
          },
          { classifier: { json: gbdtToJson(model) } },
        );
        const modelPath = reg.artifactPath(meta, 'classifier');
        const imp = featureImportance(model, 'gain');
        const top = Array.from(imp.keys())
          .sort((a, b) => imp[b]! - imp[a]!)
          .slice(0, 5)
          .map((j) => ({ feature: train.featureNames[j]!, gain: imp[j]! }));
        const json = {
          train_seconds: trainSeconds,
          auc: metrics.auc ?? null,
          accuracy: metrics.accuracy ?? null,
          ...Object.fromEntries(Object.entries(metrics).filter(([k]) => k !== 'auc' && k !== 'accuracy')),
          rounds: model.rounds,
          rows: train.X.rows,
          features: train.X.cols,
          threads: threadsUsed,
          model_path: modelPath,
          version: meta.version,
          top_features: top,
        };
        const human = [
          `trained ${model.rounds} rounds on ${train.X.rows} rows x ${train.X.cols} features in ${trainSeconds.toFixed(2)} s` +
            (threads > 1 ? (usePool ? ` on ${threadsUsed} threads` : ` on 1 thread (--threads applies from ${MIN_POOL_ROWS} rows)`) : ''),
          table(['metric', 'value'], Object.entries(metrics).map(([k, v]) => [k, v])),
          `model: ${modelPath} (v${meta.version})`,
        ].join('\n');
        return { json, human };
      }),
    );
};
