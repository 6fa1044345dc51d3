/**
 * `tradepilot scan`: the momentum scanner over a universe, then the ML scan of
 * its candidates (the same JSON document as POST /api/ml/scan);
 * `scan train`: fit and save the ensemble and the six timeframe predictors,
 * with the held-out test metrics and the held-out backtest of the signals.
 */
import { BadInputError } from '../../core/errors.ts';
import { DEFAULT_RULES } from '../../strategy/scan/decision.ts';
import { scanModelDir } from '../../strategy/scan/modelDir.ts';
import type { ScanDocument } from '../../strategy/scan/pipeline.ts';
import type { SignalBacktestReport } from '../../strategy/scan/signalBacktest.ts';
import type { TrainReport } from '../../strategy/scan/train.ts';
import type { Universe } from '../../strategy/scan/universe.ts';
import { parseTimestamp } from '../../core/time.ts';
import { action, commandConfig, type CliContext, type CommandModule, type CommonOptions } from '../context.ts';
import { numberOption, positiveIntOption } from '../options.ts';
import { pct, table } from '../output.ts';

interface ScanOpts extends CommonOptions {
  universe: string;
  top: string;
  candidates: string;
  models?: string;
  asOf?: string;
  all?: boolean;
  buyOnly?: boolean;
  minConfidence?: string;
  maxRisk?: string;
  store?: boolean;
  scannerOnly?: boolean;
}

interface TrainOpts extends CommonOptions {
  universe: string;
  models?: string;
  asOf?: string;
  quick?: boolean;
  maxSymbols?: string;
  testFrom?: string;
  horizon?: string;
}

function asOfOption(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = parseTimestamp(v);
  if (!Number.isFinite(t)) throw new BadInputError(`--as-of: "${v}" is not a date (YYYY-MM-DD or ISO date-time)`);
  // A date alone means that day's close is known: end of the UTC day.
  return /^\d{4}-\d{2}-\d{2}$/.test(v.trim()) ? t + 86_400_000 - 1 : t;
}

/** The scan modules, loaded when a scan command runs (the models pull in the nn engine, which other commands never need). */
async function scanModules() {
  const [ens, pred, train, pipeline, scanner, bt, universe] = await Promise.all([
    import('../../strategy/scan/ensembleModel.ts'),
    import('../../strategy/scan/timeframePredictor.ts'),
    import('../../strategy/scan/train.ts'),
    import('../../strategy/scan/pipeline.ts'),
    import('../../strategy/scan/runScanner.ts'),
    import('../../strategy/scan/signalBacktest.ts'),
    import('../../strategy/scan/universe.ts'),
  ]);
  const { DEFAULT_LABELS } = await import('../../strategy/scan/tradeLabels.ts');
  return { ...ens, ...pred, ...train, ...pipeline, ...scanner, ...bt, ...universe, DEFAULT_LABELS };
}
type ScanModules = Awaited<ReturnType<typeof scanModules>>;

/** Train (and save) when the directory has no models yet. */
async function ensureModels(m: ScanModules, u: Universe, dir: string, asOf: number, quick: boolean, ctx: CliContext, json: boolean) {
  const { loadScanModels, trainScanModels, saveScanModels, QUICK_ENSEMBLE, FULL_ENSEMBLE, QUICK_PREDICTOR, FULL_PREDICTOR } = m;
  const got = loadScanModels(dir);
  if (got) return { ...got, trained_now: false };
  const { terminalProgress } = await import('../progress.ts');
  const trained = await trainScanModels({
    universe: u,
    asOf,
    ensemble: quick ? QUICK_ENSEMBLE : FULL_ENSEMBLE,
    predictor: quick ? QUICK_PREDICTOR : FULL_PREDICTOR,
    predictorDays: quick ? 200 : 730,
    maxSymbols: quick ? 40 : undefined,
    progress: terminalProgress(json),
  });
  saveScanModels(dir, trained);
  // Said on stderr in both modes (stdout stays one JSON document): these are small models, not `scan train`'s.
  ctx.io.stderr.write(`no models in ${dir}: trained quick ones now in ${trained.report.seconds.toFixed(0)} s (run \`tradepilot scan train\` for full sizes)\n`);
  return { models: trained.models, report: trained.report, trained_now: true };
}

/** `tradepilot scan` and `tradepilot scan train`. */
export const registerScan: CommandModule = (program, ctx) => {
  const scan = program
    .command('scan')
    .description('momentum scanner over a universe, then the ML scan of its candidates: the top signals (BUYs first, then by P(profitable)) with confidence, expected return, risk and horizon')
    .option('--universe <spec>', 'dow30 (bundled), a folder of CSV files, or mock:N', 'dow30')
    .option('--top <n>', 'signals to return: BUYs first (by confidence), then the rest by P(profitable)', '10')
    .option('--candidates <n>', 'scanner candidates passed to the ML stages (30-50)', '40')
    .option('--models <dir>', 'model directory (default MODEL_DIR/scan/<universe>)')
    .option('--as-of <date>', 'signal time: nothing after it is read (default now / the data end)')
    .option('--all', 'list every analysed candidate, ranked')
    .option('--buy-only', 'list BUY signals only (empty when none passes the decision rules)')
    .option('--scanner-only', "print the momentum scanner's ranked candidates (its JSON `results` is the body POST /api/ml/scan takes)")
    .option('--min-confidence <p>', 'HOLD below this confidence', String(DEFAULT_RULES.minConfidence))
    .option('--max-risk <n>', 'HOLD above this risk score (1-10)', String(DEFAULT_RULES.maxRisk))
    .option('--no-store', 'do not append the predictions to the event store')
    .option('--json', 'print one JSON document')
    .action(
      action<ScanOpts>(ctx, async (opts) => {
        const cfg = commandConfig(ctx, opts);
        const asOf = asOfOption(opts.asOf) ?? Date.now();
        const m = await scanModules();
        const { ScanPipeline, processCandidates, runScanner } = m;
        const u = await m.resolveUniverse(opts.universe, { asOf });
        const top = positiveIntOption('top', opts.top, 10);
        const candidates = positiveIntOption('candidates', opts.candidates, 40);
        const rules = { minConfidence: numberOption('min-confidence', opts.minConfidence, DEFAULT_RULES.minConfidence, 0, 1), maxRisk: numberOption('max-risk', opts.maxRisk, DEFAULT_RULES.maxRisk, 1, 10) };
        const dir = opts.models ?? scanModelDir(cfg.MODEL_DIR, u.name);
        const t0 = performance.now();
        const scanner = await runScanner(u, { asOf, top: candidates });
        const scannerMs = performance.now() - t0;
        if (opts.scannerOnly) {
          const rows = scanner.results.map((r) => [r.symbol, r.score.toFixed(1), r.trend, r.rsi.toFixed(1), r.rvol === null ? '-' : r.rvol.toFixed(2), pct(r.change_pct, 2), r.volume ?? '-']);
          return { json: scanner, human: `${scanner.universe}: ${scanner.scanned} scanned, top ${scanner.results.length}\n${table(['symbol', 'score', 'trend', 'rsi', 'rvol', 'change', 'volume'], rows)}` };
        }
        const { models, report, trained_now } = await ensureModels(m, u, dir, asOf, true, ctx, Boolean(opts.json));
        const { openStore } = await import('../../adapters/store/openStore.ts');
        const store = opts.store === false ? undefined : await openStore(cfg);
        try {
          const pl = new ScanPipeline({ provider: u.provider, benchmarks: u.benchmarks, models, store, rules });
          const doc = await processCandidates(pl, scanner.results, { top, all: opts.all, buyOnly: opts.buyOnly });
          const json: Omit<ScanDocument, 'timings'> & { timings: Record<string, number>; universe: string; scanner: { scanned: number; candidates: number; ms: number }; models: string; trained_now: boolean; model_sizes: string } = {
            ...doc,
            timings: { scanner: Math.round(scannerMs * 100) / 100, ...doc.timings },
            universe: u.name,
            scanner: { scanned: scanner.scanned, candidates: scanner.results.length, ms: Math.round(scannerMs) },
            models: dir,
            trained_now,
            // 'quick' when these are the small models a first `scan` trained; `scan train` replaces them with full ones.
            model_sizes: report?.sizes ?? 'unknown',
          };
          return { json, human: humanScan(json) };
        } finally {
          await store?.close();
        }
      }),
    );

  scan
    .command('train')
    .description('train the ensemble (purged OOF stacking, calibrated) and one GRU per timeframe; report held-out accuracy and a held-out backtest of the signals')
    .option('--universe <spec>', 'dow30 (bundled), a folder of CSV files, or mock:N', 'dow30')
    .option('--models <dir>', 'model directory (default MODEL_DIR/scan/<universe>)')
    .option('--as-of <date>', 'training data ends here (default now / the data end)')
    .option('--quick', 'small models (seconds, for a first look)')
    .option('--max-symbols <n>', 'use at most this many symbols for the ensemble (default 100)')
    .option('--horizon <days>', 'holding period of the labelled trades in daily bars (default 20)')
    .option('--test-from <date>', 'hold out the rows from this date on (default: the latest ~20%, from a 1 January when one is near)')
    .option('--json', 'print one JSON document')
    .action(
      action<TrainOpts>(ctx, async (opts) => {
        const cfg = commandConfig(ctx, opts);
        const asOf = asOfOption(opts.asOf) ?? Date.now();
        const { resolveUniverse, trainScanModels, backtestScanSignals, saveScanModels, QUICK_ENSEMBLE, FULL_ENSEMBLE, QUICK_PREDICTOR, FULL_PREDICTOR, DEFAULT_LABELS } = await scanModules();
        const labels = { ...DEFAULT_LABELS, horizon: positiveIntOption('horizon', opts.horizon, DEFAULT_LABELS.horizon) };
        // Two years of intraday history for the predictors (a mock universe otherwise keeps 80 days of minutes).
        const u = await resolveUniverse(opts.universe, { asOf, intradayDays: opts.quick ? 140 : 520 });
        const dir = opts.models ?? scanModelDir(cfg.MODEL_DIR, u.name);
        const { terminalProgress } = await import('../progress.ts');
        const trained = await trainScanModels({
          universe: u,
          asOf,
          ensemble: opts.quick ? QUICK_ENSEMBLE : FULL_ENSEMBLE,
          predictor: opts.quick ? QUICK_PREDICTOR : FULL_PREDICTOR,
          predictorDays: opts.quick ? 200 : 730,
          maxSymbols: opts.maxSymbols ? positiveIntOption('max-symbols', opts.maxSymbols, 30) : undefined,
          testFrom: asOfOption(opts.testFrom) === undefined ? undefined : parseTimestamp(opts.testFrom!),
          labels,
          progress: terminalProgress(Boolean(opts.json)),
        });
        const backtest = await backtestScanSignals(u, trained.models.ensemble, { from: trained.test.t0[0]!, to: asOf, labels });
        const files = saveScanModels(dir, trained);
        const json = { ...trained.report, held_out_backtest: backtest, files };
        return { json, human: humanTrain(trained.report, backtest, files) };
      }),
    );
  scan
    .command('outcomes')
    .description('compare stored scan predictions with what happened once their horizon has passed (appends scan.outcome events)')
    .option('--universe <spec>', 'where to read the bars: dow30, a folder of CSV files, or mock:N', 'dow30')
    // The ensemble's trades are 20 daily bars (DEFAULT_LABELS.horizon): an outcome is judged over the same span.
    .option('--horizon <days>', 'daily bars after the signal (the label horizon of the trained models)', '20')
    .option('--json', 'print one JSON document')
    .action(
      action<OutcomeOpts>(ctx, async (opts) => {
        const cfg = commandConfig(ctx, opts);
        const now = Date.now();
        const [{ resolveUniverse }, { recordOutcomes }] = await Promise.all([import('../../strategy/scan/universe.ts'), import('../../strategy/scan/outcomes.ts')]);
        const u = await resolveUniverse(opts.universe, { asOf: now });
        const { openStore } = await import('../../adapters/store/openStore.ts');
        const store = await openStore(cfg);
        try {
          const r = await recordOutcomes(store, u.provider, now, positiveIntOption('horizon', opts.horizon, 20));
          const human = `${r.checked} predictions stored, ${r.recorded.length} outcomes recorded now, ${r.pending} pending, ${r.failed.length} failed; hit rate so far ${r.hit_rate === null ? 'n/a' : pct(r.hit_rate, 1)}`;
          return { json: r, human };
        } finally {
          await store.close();
        }
      }),
    );
};

interface OutcomeOpts extends CommonOptions {
  universe: string;
  horizon: string;
}

function humanScan(d: Omit<ScanDocument, 'timings'> & { timings: Record<string, number>; universe: string; scanner: { scanned: number; candidates: number } }): string {
  const rows = d.signals.map((s) => [s.symbol, s.decision, pct(s.confidence, 0), pct(s.expected_return, 2), s.risk_score, s.time_horizon, s.momentum.score.toFixed(0), s.momentum.trend]);
  return [
    `scan of ${d.universe}: ${d.scanner.scanned} scanned, ${d.scanner.candidates} candidates, ${d.total_analyzed} analysed, ${d.buy_count} BUY (HOLD below ${d.rules.minConfidence} confidence or above risk ${d.rules.maxRisk})`,
    rows.length > 0 ? table(['symbol', 'decision', 'conf', 'exp. return', 'risk', 'horizon', 'score', 'trend'], rows) : 'no signal to list',
    ...(d.buy_count === 0 && rows.length > 0 ? ['no candidate passes the decision rules: the list is ranked by P(profitable); none is a BUY'] : []),
    ...d.failed.map((f) => `failed: ${f.symbol}: ${f.error}`),
    `stages (ms): ${Object.entries(d.timings)
      .map(([k, v]) => `${k} ${Math.round(v)}`)
      .join(', ')}`,
  ].join('\n');
}

function humanTrain(r: TrainReport, b: SignalBacktestReport, files: string[]): string {
  const t = r.test;
  return [
    `trained ${r.version} on ${r.universe}: ${r.train_rows} rows (${r.purged_rows} purged), positive rate ${pct(r.positive_rate, 1)}, SMOTE ${r.smote ? 'on' : 'off'}, F1 threshold ${r.threshold.toFixed(3)}`,
    `held-out ${t.from}..${t.to} (${t.rows} rows): accuracy ${pct(t.accuracy, 1)} vs target 65% (${t.meets_target ? 'met' : 'NOT met'}); ${pct(t.accuracy_at_half, 1)} at a 0.5 cut; majority baseline ${pct(t.baseline_accuracy, 1)}; AUC ${t.auc.toFixed(3)}; F1 ${t.f1.toFixed(3)}`,
    table(
      ['held-out backtest', 'win rate', 'sharpe', 'max dd', 'return', 'trades'],
      [
        ['scan signals (BUY rule)', pct(b.scan.win_rate, 1), b.scan.sharpe.toFixed(2), pct(b.scan.max_drawdown, 1), pct(b.scan.total_return, 1), b.scan.trades],
        [`ranked top ${b.ranked.k} every ${b.ranked.horizon}d`, pct(b.ranked.win_rate, 1), b.ranked.sharpe.toFixed(2), pct(b.ranked.max_drawdown, 1), pct(b.ranked.total_return, 1), b.ranked.trades],
        ['buy and hold', pct(b.buy_hold.win_rate, 1), b.buy_hold.sharpe.toFixed(2), pct(b.buy_hold.max_drawdown, 1), pct(b.buy_hold.total_return, 1), b.buy_hold.trades],
      ],
    ),
    `targets: win rate > 60%, Sharpe > 1.2, max drawdown < 20%: BUY rule ${b.meets.win_rate ? 'met' : 'not met'}, ${b.meets.sharpe ? 'met' : 'not met'}, ${b.meets.max_drawdown ? 'met' : 'not met'}; ranked ${b.ranked_meets.win_rate ? 'met' : 'not met'}, ${b.ranked_meets.sharpe ? 'met' : 'not met'}, ${b.ranked_meets.max_drawdown ? 'met' : 'not met'}`,
    `predictors: ${Object.entries(r.predictors)
      .map(([tf, m]) => (m && 'error' in m ? `${tf} (none: ${m.error})` : `${tf} hit ${pct(m!.hit_rate, 0)} rmse ${m!.valid_rmse.toExponential(2)} vs ${m!.zero_rmse.toExponential(2)}`))
      .join('; ')}`,
    `saved ${files.length} files in ${files[0]!.replace(/\/[^/]+$/, '')}`,
  ].join('\n');
}
