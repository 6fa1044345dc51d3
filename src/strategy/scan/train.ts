/**
 * `scan train`: build labelled rows from the universe's daily history, hold out
 * the latest ~20% of them in time, starting at a calendar year when one is near
 * (1999-01-01 on the bundled Dow 30; purged: no training trade overlaps a test
 * signal), fit the stacked ensemble on the rest (every choice inside it made on
 * purged folds of the training rows; the held-out rows are only scored), report test metrics against
 * the requirement's 65% accuracy, train one GRU predictor per timeframe
 * (walk-forward 80/20 inside), and save one artifact per model.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { BadInputError } from '../../core/errors.ts';
import { MS_PER_DAY, type Timeframe } from '../../core/time.ts';
import { lowerBound } from '../../data/range.ts';
import { accuracy, brierScore, precisionRecallF1, toLabels } from '../../ml/metrics/classification.ts';
import { rocAuc } from '../../ml/metrics/rocAuc.ts';
import type { Progress } from '../../cli/progress.ts';
import { fromArtifactJson, toArtifactJson } from './artifactJson.ts';
import { FULL_ENSEMBLE, QUICK_ENSEMBLE, ScanEnsemble, trainEnsemble, type EnsembleArtifact, type EnsembleConfig } from './ensembleModel.ts';
import type { ScanModels } from './models.ts';
import { LOOKBACK_DAYS, SCAN_TIMEFRAMES } from './multiTimeframe.ts';
import { crossSectionPanel, type CrossSectionSpec } from './crossSection.ts';
import { scanFeatureColumns } from './symbolFeatures.ts';
import { FULL_PREDICTOR, GruPredictor, trainPredictor, type PredictorArtifact, type PredictorConfig } from './timeframePredictor.ts';
import { DEFAULT_LABELS, poolRows, sliceRows, symbolRows, type LabelOptions, type PooledRows } from './tradeLabels.ts';
import type { Universe } from './universe.ts';

/** Options of trainScanModels. */
export interface TrainOptions {
  universe: Universe;
  /** Training data ends here (default: now). */
  asOf: number;
  ensemble?: EnsembleConfig;
  predictor?: PredictorConfig;
  labels?: LabelOptions;
  /** Fraction of rows (the latest) held out for the test report (default 0.2; see heldOutStart). */
  testFraction?: number;
  /** Hold out rows from this signal time on instead (overrides testFraction). */
  testFrom?: number;
  /** Symbols per timeframe predictor (default 6). */
  predictorSymbols?: number;
  /** Use at most this many symbols for the ensemble (default 100: a 1,500-symbol mock universe would give 170k rows). */
  maxSymbols?: number;
  /** Calendar days of history per timeframe for the predictors (default 730: two years). */
  predictorDays?: number;
  timeframes?: readonly Timeframe[];
  progress?: Progress;
}

/** Test metrics of the held-out rows. */
export interface HeldOutMetrics {
  rows: number;
  from: string;
  to: string;
  accuracy: number;
  /** Accuracy with a plain 0.5 cut instead of the F1 threshold (F1 favours recall). */
  accuracy_at_half: number;
  /** Accuracy of always predicting the majority class of the training rows. */
  baseline_accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  auc: number;
  brier: number;
  positive_rate: number;
  target_accuracy: 0.65;
  meets_target: boolean;
}

/** What training reports. */
export interface TrainReport {
  version: string;
  trained_at: string;
  universe: string;
  symbols: number;
  /** FULL_ENSEMBLE ('full', `scan train`), QUICK_ENSEMBLE ('quick': `scan train --quick`, and what `scan` trains when it finds no models) or other ('custom'). */
  sizes: 'full' | 'quick' | 'custom';
  labels: { horizon_days: number; step: number; fee: number; slippage_bps: number };
  /** The cross-section the features rank against. */
  cross_section: { members: number; market: string | null };
  train_rows: number;
  purged_rows: number;
  positive_rate: number;
  smote: boolean;
  threshold: number;
  oof_f1: number;
  /** AUC of the calibrated out-of-fold probabilities on the training rows (the validation the model was chosen on). */
  oof_auc: number;
  test: HeldOutMetrics;
  predictors: Partial<Record<Timeframe, PredictorArtifact['metrics'] | { error: string }>>;
  seconds: number;
}

/** Trained artifacts and their report. */
export interface TrainedScan {
  models: ScanModels;
  ensemble: EnsembleArtifact;
  predictors: Partial<Record<Timeframe, PredictorArtifact>>;
  report: TrainReport;
  /** The held-out rows (for the signal backtest). */
  test: PooledRows;
}

/** The cross-section of a universe: its first `maxSymbols` non-benchmark members, ranked against each other, and its first benchmark as the market. */
export function crossSectionSpec(u: Universe, maxSymbols?: number): CrossSectionSpec {
  const bench = new Set(u.benchmarks);
  return { members: u.symbols.filter((s) => !bench.has(s)).slice(0, maxSymbols), market: u.benchmarks[0] ?? null };
}

/** Pooled labelled rows of the cross-section's members, up to `asOf`, with the cross-section columns. */
export async function universeRows(u: Universe, asOf: number, labels: LabelOptions, maxSymbols?: number): Promise<PooledRows & { crossSection: CrossSectionSpec }> {
  const spec = crossSectionSpec(u, maxSymbols);
  const columns = scanFeatureColumns();
  const series = [];
  for (const s of spec.members) series.push(await u.provider.getBars({ symbol: s, timeframe: '1d', end: asOf }));
  const market = spec.market === null ? null : await u.provider.getBars({ symbol: spec.market, timeframe: '1d', end: asOf });
  const panel = crossSectionPanel(series, market);
  const parts = series.map((bars) => symbolRows(bars, columns, labels, { until: asOf }, panel.get(bars.symbol)));
  return { ...poolRows(parts, columns), crossSection: spec };
}

/**
 * Where the held-out rows start: the signal time of the row `fraction` from the end, moved to
 * the nearest 1 January when that still holds out 10-35% of the rows (whole calendar years
 * read better: 1999-01-01 on the bundled Dow 30).
 */
export function heldOutStart(d: PooledRows, fraction: number): number {
  const q = d.t0[Math.min(d.rows - 1, Math.floor(d.rows * (1 - fraction)))]!;
  const y = new Date(q).getUTCFullYear();
  const share = (t: number): number => (d.rows - lowerBound(d.t0, t)) / d.rows;
  const years = [Date.UTC(y, 0, 1), Date.UTC(y + 1, 0, 1)].filter((t) => share(t) >= 0.1 && share(t) <= 0.35).sort((a, b) => Math.abs(a - q) - Math.abs(b - q));
  return years[0] ?? q;
}

/** Split rows in time: rows with signal time >= `from` are the test set; training rows whose trade ends at or after the first test signal are purged. */
export function heldOutSplit(d: PooledRows, from: number): { train: PooledRows; test: PooledRows; purged: number } {
  const cut = lowerBound(d.t0, from);
  if (cut < 50 || d.rows - cut < 20) throw new BadInputError(`scan train: ${d.rows} labelled rows are too few to hold out the rows from ${new Date(from).toISOString().slice(0, 10)} (${d.rows - cut} of them)`);
  const firstTest = d.t0[cut]!;
  let end = cut;
  while (end > 0 && d.t1[end - 1]! >= firstTest) end--;
  // Rows are sorted by t0, not t1: drop any earlier row whose trade still overlaps.
  const keep: number[] = [];
  for (let i = 0; i < cut; i++) if (d.t1[i]! < firstTest) keep.push(i);
  const train = takeIdx(d, keep);
  return { train, test: sliceRows(d, cut, d.rows), purged: cut - keep.length };
}

function takeIdx(d: PooledRows, idx: number[]): PooledRows {
  const n = d.rows;
  const m = idx.length;
  const data = new Float64Array(m * d.columns.length);
  for (let j = 0; j < d.columns.length; j++) for (let k = 0; k < m; k++) data[j * m + k] = d.data[j * n + idx[k]!]!;
  const pick = (a: Float64Array): Float64Array => Float64Array.from(idx, (i) => a[i]!);
  return { columns: d.columns, data, rows: m, y: pick(d.y), ret: pick(d.ret), t0: pick(d.t0), t1: pick(d.t1), symbol: idx.map((i) => d.symbol[i]!) };
}

/** AUC over the rows that have an out-of-fold probability. */
function oofAuc(y: Float64Array, oof: Float64Array): number {
  const keep: number[] = [];
  for (let i = 0; i < oof.length; i++) if (Number.isFinite(oof[i]!)) keep.push(i);
  return rocAuc(Float64Array.from(keep, (i) => y[i]!), Float64Array.from(keep, (i) => oof[i]!));
}

/** Score the held-out rows with a trained ensemble. */
export function evaluateHeldOut(e: ScanEnsemble, test: PooledRows, trainPositiveRate: number): HeldOutMetrics {
  const p = e.predictProba(test.data, test.rows);
  const pred = toLabels(p, e.threshold);
  const pr = precisionRecallF1(test.y, pred);
  const acc = accuracy(test.y, pred);
  const base = trainPositiveRate >= 0.5 ? 1 : 0;
  let pos = 0;
  let same = 0;
  for (let i = 0; i < test.rows; i++) {
    pos += test.y[i]!;
    same += test.y[i] === base ? 1 : 0;
  }
  return {
    rows: test.rows,
    from: new Date(test.t0[0]!).toISOString().slice(0, 10),
    to: new Date(test.t0[test.rows - 1]!).toISOString().slice(0, 10),
    accuracy: acc,
    accuracy_at_half: accuracy(test.y, toLabels(p, 0.5)),
    baseline_accuracy: same / test.rows,
    precision: pr.precision,
    recall: pr.recall,
    f1: pr.f1,
    auc: rocAuc(test.y, p),
    brier: brierScore(test.y, p),
    positive_rate: pos / test.rows,
    target_accuracy: 0.65,
    meets_target: acc >= 0.65,
  };
}

/** Train everything. */
export async function trainScanModels(o: TrainOptions): Promise<TrainedScan> {
  const t0 = performance.now();
  const labels = o.labels ?? DEFAULT_LABELS;
  const pooled = await universeRows(o.universe, o.asOf, labels, o.maxSymbols ?? 100);
  const { train, test, purged } = heldOutSplit(pooled, o.testFrom ?? heldOutStart(pooled, o.testFraction ?? 0.2));
  let win = 0;
  let nw = 0;
  let loss = 0;
  let pos = 0;
  for (let i = 0; i < train.rows; i++) {
    if (train.y[i] === 1) {
      win += train.ret[i]!;
      nw++;
    } else loss += train.ret[i]!;
    pos += train.y[i]!;
  }
  const fit = trainEnsemble(
    { data: train.data, rows: train.rows, cols: train.columns.length },
    train.y,
    { t0: train.t0, t1: train.t1 },
    train.columns,
    { horizonDays: labels.horizon, avgWin: nw > 0 ? win / nw : 0, avgLoss: train.rows - nw > 0 ? loss / (train.rows - nw) : 0 },
    o.ensemble ?? FULL_ENSEMBLE,
    pooled.crossSection,
  );
  const ensemble = new ScanEnsemble(fit.artifact);
  const testMetrics = evaluateHeldOut(ensemble, test, pos / train.rows);

  const timeframes = o.timeframes ?? SCAN_TIMEFRAMES;
  const predictorArtifacts: Partial<Record<Timeframe, PredictorArtifact>> = {};
  const predictorReport: TrainReport['predictors'] = {};
  const bench = new Set(o.universe.benchmarks);
  const psyms = o.universe.symbols.filter((s) => !bench.has(s)).slice(0, o.predictorSymbols ?? 6);
  // History windows end at the data's end (bundled samples stop in 2001, long before "now").
  const lastDaily = await o.universe.provider.getBars({ symbol: psyms[0]!, timeframe: '1d', end: o.asOf });
  const dataEnd = Math.min(o.asOf, lastDaily.time[lastDaily.time.length - 1]! + MS_PER_DAY - 1);
  o.progress?.start(timeframes.length, 'predictors');
  for (const tf of timeframes) {
    try {
      const days = Math.max(LOOKBACK_DAYS[tf], o.predictorDays ?? 730);
      const series = [];
      let lastError = '';
      for (const s of psyms) {
        try {
          series.push(await o.universe.provider.getBars({ symbol: s, timeframe: tf, start: dataEnd - days * MS_PER_DAY, end: dataEnd }));
        } catch (err) {
          // A provider without this timeframe (daily-only samples) leaves the predictor untrained; reported below.
          lastError = err instanceof Error ? err.message : String(err);
        }
      }
      if (series.length === 0) throw new BadInputError(lastError || `no ${tf} bars`);
      const a = trainPredictor(tf, series, o.predictor ?? FULL_PREDICTOR);
      predictorArtifacts[tf] = a;
      predictorReport[tf] = a.metrics;
    } catch (err) {
      predictorReport[tf] = { error: err instanceof Error ? err.message : String(err) };
    }
    o.progress?.tick(1, tf);
  }
  o.progress?.stop();
  const version = `scan-${new Date(o.asOf).toISOString().slice(0, 10)}-${fit.artifact.columns.length}f-${Math.round(fit.artifact.threshold * 1000)}`;
  const predictors: ScanModels['predictors'] = {};
  for (const [tf, a] of Object.entries(predictorArtifacts) as [Timeframe, PredictorArtifact][]) predictors[tf] = new GruPredictor(a);
  return {
    models: { version, ensemble, predictors },
    ensemble: fit.artifact,
    predictors: predictorArtifacts,
    test,
    report: {
      version,
      trained_at: new Date().toISOString(),
      universe: o.universe.name,
      symbols: new Set(pooled.symbol).size,
      sizes: o.ensemble === undefined || o.ensemble === FULL_ENSEMBLE ? 'full' : o.ensemble === QUICK_ENSEMBLE ? 'quick' : 'custom',
      labels: { horizon_days: labels.horizon, step: labels.step, fee: labels.costs.feeRate, slippage_bps: labels.costs.slippageBps },
      cross_section: { members: pooled.crossSection.members.length, market: pooled.crossSection.market },
      train_rows: train.rows,
      purged_rows: purged,
      positive_rate: pos / train.rows,
      smote: fit.artifact.smote,
      threshold: fit.artifact.threshold,
      oof_f1: fit.oofF1,
      oof_auc: oofAuc(train.y, fit.oof),
      test: testMetrics,
      predictors: predictorReport,
      seconds: (performance.now() - t0) / 1000,
    },
  };
}

/** File names inside a models directory. */
export const MODEL_FILES = { ensemble: 'ensemble.json', report: 'report.json', predictor: (tf: Timeframe) => `predictor_${tf}.json` } as const;

/** Write one artifact per model plus the report. */
export function saveScanModels(dir: string, t: Pick<TrainedScan, 'ensemble' | 'predictors' | 'report'>): string[] {
  mkdirSync(dir, { recursive: true });
  const files = [join(dir, MODEL_FILES.ensemble), join(dir, MODEL_FILES.report)];
  writeFileSync(files[0]!, toArtifactJson({ ...t.ensemble, model_version: t.report.version }));
  writeFileSync(files[1]!, JSON.stringify(t.report, null, 2));
  for (const [tf, a] of Object.entries(t.predictors) as [Timeframe, PredictorArtifact][]) {
    const f = join(dir, MODEL_FILES.predictor(tf));
    writeFileSync(f, toArtifactJson(a));
    files.push(f);
  }
  return files;
}

/** Load the models a directory holds; null when it has no ensemble. */
export function loadScanModels(dir: string): { models: ScanModels; report: TrainReport | null } | null {
  const ef = join(dir, MODEL_FILES.ensemble);
  if (!existsSync(ef)) return null;
  const art = fromArtifactJson<EnsembleArtifact & { model_version?: string }>(readFileSync(ef, 'utf8'));
  if (art.format !== 'tradepilot.scan.ensemble' || art.version !== 1) throw new BadInputError(`${ef}: not a scan ensemble artifact (format ${String(art.format)} version ${String(art.version)})`);
  const predictors: ScanModels['predictors'] = {};
  for (const tf of SCAN_TIMEFRAMES) {
    const f = join(dir, MODEL_FILES.predictor(tf));
    if (existsSync(f)) predictors[tf] = new GruPredictor(fromArtifactJson<PredictorArtifact>(readFileSync(f, 'utf8')));
  }
  const rf = join(dir, MODEL_FILES.report);
  const report = existsSync(rf) ? (JSON.parse(readFileSync(rf, 'utf8')) as TrainReport) : null;
  return { models: { version: art.model_version ?? 'unversioned', ensemble: new ScanEnsemble(art), predictors }, report };
}
