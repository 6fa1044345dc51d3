/**
 * The main job, `tradepilot run`: the default pack over the universe ->
 * features -> GBDT models with purged walk-forward validation -> an
 * out-of-sample backtest after costs next to buy-and-hold, with the deflated
 * Sharpe ratio -> today's signals through the risk gate -> alerts ->
 * confirmation -> paper orders through the OrderGate -> reports, with every
 * step appended to the store under one run id. Each stage is its own file
 * in this folder; this one wires them in order and keeps the books.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { toIsoDate } from '../core/time.ts';
import { uuidv7 } from '../core/ids.ts';
import type { BarSeries } from '../core/bar.ts';
import type { DataProvider } from '../data/provider.ts';
import { DEFAULT_GUARDRAILS, type Guardrails } from '../live/execution/guardrails.ts';
import type { LiveRuntime } from '../live/runtime.ts';
import { todayNotional } from '../live/execution/todayNotional.ts';
import type { Progress } from '../cli/progress.ts';
import { renderRunHtml } from './htmlReport.ts';
import { riskGate, type RiskCandidate } from './riskGate.ts';
import { runAlerts } from './runAlerts.ts';
import { runConfirm, type Answerer } from './runConfirm.ts';
import { defaultWorkers, modelSymbols } from './symbolPool.ts';
import type { RunPack } from './runPack.ts';
import { scorecard, type RunReport, type SymbolCharts, type SymbolRun, type TodaySignal } from './runReport.ts';
import { RUN_GBDT, type WalkForwardModelOptions } from './walkForwardModel.ts';

/** What the main job runs on. */
export interface MainJobOptions {
  symbols: string[];
  pack: RunPack;
  /** Where the HTML report goes (null: none). */
  reportPath: string | null;
  /** Starting cash of each symbol's backtest. */
  initCash: number;
  /** Model settings (defaults from the pack and RUN_MODEL). */
  model?: Partial<WalkForwardModelOptions>;
  guardrails?: Guardrails;
  /** Worker threads for the modelling stage (0: this thread; default: one per core, at most four). */
  workers?: number;
}

/** Walk-forward windows: two years to start, retrained every year. */
export const RUN_MODEL = Object.freeze({ trainSize: 504, testSize: 252, calibFraction: 0.25 });

/** What the job talks to: the runtime (store, gate, paper broker, confirmations), the data, and the terminal. */
export interface MainJobDeps {
  runtime: LiveRuntime;
  provider: DataProvider;
  progress: Progress;
  /** One line per stage (stderr in the CLI). */
  log: (line: string) => void;
  /** Decides alerts now (terminal prompt, --yes); absent: they stay pending. */
  answer?: Answerer;
  /** Who answers (recorded with each decision). */
  actor: string;
}

/** The model settings a pack implies: horizon = hold period, cost = a round trip, thresholds = the pack's +- 0.05. */
export function runModelOptions(pack: RunPack, over: Partial<WalkForwardModelOptions> = {}): WalkForwardModelOptions {
  const s = pack.spec;
  const horizon = Math.max(1, Math.round(s.params.hold_days));
  const thr = s.params.threshold;
  const grid = [thr, thr - 0.05, thr + 0.05].filter((t) => t > 0 && t < 1);
  return {
    horizon,
    cost: 2 * (s.execution.fee_bps + s.execution.slippage_bps) * 1e-4,
    ...RUN_MODEL,
    embargo: horizon,
    thresholds: grid,
    gbdt: RUN_GBDT,
    ...over,
  };
}

interface SymbolWork {
  run: SymbolRun;
  charts: SymbolCharts;
  bars: BarSeries;
}

/** Run the main job; returns the JSON report (the HTML report is written when a path is given). */
export async function runMainJob(deps: MainJobDeps, opts: MainJobOptions): Promise<RunReport> {
  const t0 = performance.now();
  const { runtime: rt, provider, progress, log } = deps;
  const { store, clock } = rt;
  const runId = uuidv7();
  const spec = opts.pack.spec;
  const mo = runModelOptions(opts.pack, opts.model);
  const timings: Record<string, number> = { data: 0, features: 0, models: 0, backtest: 0 };
  const lap = (key: string, since: number): number => {
    const now = performance.now();
    timings[key] = (timings[key] ?? 0) + (now - since) / 1000;
    return now;
  };
  const modelInfo = { kind: 'gbdt', params: mo.gbdt, label: `forward ${mo.horizon}-bar return > ${(mo.cost * 1e4).toFixed(0)} bps round-trip cost`, horizon: mo.horizon, train_size: mo.trainSize, test_size: mo.testSize, expanding: true, calib_fraction: mo.calibFraction, calibration: 'platt', embargo: mo.embargo, thresholds: mo.thresholds, trials: mo.thresholds.length };
  await store.append({ type: 'run.started', subject: 'main', correlationId: runId, payload: { provider: provider.name, symbols: opts.symbols, pack: spec.pack, strategy: spec.strategy, model: modelInfo } });
  log(`pack ${spec.pack.namespace} ${spec.pack.version} (${spec.strategy}): ${opts.symbols.length} symbols from ${provider.name}; GBDT, walk-forward ${mo.trainSize}+${mo.testSize} bars, purge ${mo.horizon} + embargo ${mo.embargo}, ${mo.thresholds.length} thresholds tried`);

  const works: SymbolWork[] = [];
  const failed: { symbol: string; error: string }[] = [];
  const fail = async (symbol: string, err: unknown): Promise<void> => {
    // One bad symbol never fails the run: it is reported and recorded.
    const error = err instanceof Error ? err.message : String(err);
    failed.push({ symbol, error });
    await store.append({ type: 'run.symbol_failed', subject: symbol, correlationId: runId, payload: { error } });
  };
  let t = performance.now();
  const loaded: BarSeries[] = [];
  for (const symbol of opts.symbols) {
    try {
      loaded.push(await provider.getBars({ symbol, timeframe: spec.timeframe }));
    } catch (err) {
      await fail(symbol, err);
    }
  }
  t = lap('data', t);

  // Features, walk-forward models and backtests: one job per symbol, across worker threads.
  const workers = opts.workers ?? defaultWorkers(loaded.length);
  progress.start(loaded.length, 'train');
  const outcomes = await modelSymbols(
    loaded.map((bars) => ({ spec, bars, model: mo, backtest: { feeBps: spec.execution.fee_bps, slippageBps: spec.execution.slippage_bps, initCash: opts.initCash } })),
    workers,
    (i) => progress.tick(1, loaded[i]!.symbol),
  );
  progress.stop();
  t = lap('modelling_wall', t);
  let fits = 0;
  for (let k = 0; k < loaded.length; k++) {
    const bars = loaded[k]!;
    const o = outcomes[k]!;
    if ('error' in o) {
      await fail(bars.symbol, o.error);
      continue;
    }
    const { features: m, wf, bt, seconds } = o.result;
    for (const key of ['features', 'models', 'backtest'] as const) timings[key] = (timings[key] ?? 0) + seconds[key];
    fits += wf.folds.length + 1;
    const last = bars.close.length - 1;
    const signal: TodaySignal = {
      id: uuidv7(),
      symbol: bars.symbol,
      time: new Date(bars.time[last]!).toISOString(),
      action: wf.today.prob >= wf.today.threshold ? 'BUY' : 'SELL',
      prob: wf.today.prob,
      threshold: wf.today.threshold,
      price: bars.close[last]!,
    };
    const run: SymbolRun = {
      symbol: bars.symbol,
      bars: bars.close.length,
      first: toIsoDate(bars.time[0]!),
      last: toIsoDate(bars.time[last]!),
      features: m.columns,
      skipped_features: m.skipped.map((s) => `${s.name} (${s.reason})`),
      model: { folds: wf.folds.length, oos_from: toIsoDate(bars.time[wf.oosStart]!), oos_bars: bars.close.length - wf.oosStart, oos_brier: wf.oos_brier, oos_base_rate: wf.oos_base_rate, today_trained_to: toIsoDate(bars.time[wf.today.train_to]!) },
      strategy: scorecard(bt.metrics),
      buy_hold: scorecard(bt.buyHoldMetrics),
      trials: bt.trials,
      fill: bt.fill,
      signal,
    };
    await store.append([
      { type: 'data.loaded', subject: run.symbol, correlationId: runId, payload: { provider: provider.name, bars: run.bars, first: run.first, last: run.last, fields: bars.fields } },
      { type: 'features.built', subject: run.symbol, correlationId: runId, payload: m },
      { type: 'model.trained', subject: run.symbol, correlationId: runId, payload: { ...modelInfo, folds: wf.folds, today: wf.today, oos_brier: wf.oos_brier, oos_base_rate: wf.oos_base_rate } },
      { type: 'backtest.result', subject: run.symbol, correlationId: runId, payload: { from: run.model.oos_from, to: run.last, strategy: bt.metrics, buy_hold: bt.buyHoldMetrics, trials: bt.trials, trial_sharpe_variance: bt.trialSharpeVariance, fill: bt.fill } },
      { type: 'signal', subject: run.symbol, correlationId: runId, payload: { ...signal, model: `${spec.name}/${run.symbol}` } },
    ]);
    const from = wf.oosStart;
    works.push({
      run,
      bars,
      charts: { symbol: run.symbol, time: bars.time.subarray(from), price: bars.close.subarray(from), equity: bt.strategy.equity, buyHold: bt.buyHold.equity, prob: wf.prob.subarray(from), threshold: wf.threshold.subarray(from), trades: bt.strategy.trades },
    });
  }
  t = lap('store', t);
  log(`trained ${fits} models over ${works.length} symbols in ${timings.modelling_wall!.toFixed(1)} s on ${workers || 1} thread${workers > 1 ? 's' : ''} (features ${timings.features!.toFixed(1)} s, models ${timings.models!.toFixed(1)} s, backtests ${timings.backtest!.toFixed(1)} s of compute)`);

  // Risk: today's BUY signals, sized and checked against the gate's guardrails.
  const signals = works.map((w) => w.run.signal);
  const buys: RiskCandidate[] = works.filter((w) => w.run.signal.action === 'BUY').map((w) => ({ symbol: w.run.symbol, signalId: w.run.signal.id, prob: w.run.signal.prob, threshold: w.run.signal.threshold, price: w.run.signal.price, close: w.bars.close }));
  const guardrails = opts.guardrails ?? DEFAULT_GUARDRAILS;
  const decisions = riskGate(buys, {
    equity: (await rt.paper.getAccount()).equity,
    state: (await rt.gate.state()).state,
    todayNotional: await todayNotional(rt.store, rt.clock),
    guardrails,
    risk: spec.risk,
    horizon: mo.horizon,
  });
  await store.append(decisions.map((d) => ({ type: 'risk.decision', subject: d.symbol, correlationId: runId, payload: d })));
  t = lap('risk', t);
  log(`risk gate: ${buys.length} BUY signals, ${decisions.filter((d) => d.approved).length} approved`);

  // Alerts for the approved signals.
  const sigBySymbol = new Map(signals.map((s) => [s.symbol, s]));
  const alerts = await runAlerts(
    store,
    clock,
    decisions.filter((d) => d.approved).map((d) => ({ decision: d, prob: sigBySymbol.get(d.symbol)!.prob, barTime: Date.parse(sigBySymbol.get(d.symbol)!.time), modelId: `${spec.name}/${d.symbol}` })),
    spec.risk,
  );
  await store.append(alerts.map((a) => ({ type: 'run.alert', subject: a.ticker, correlationId: runId, payload: { alert_id: a.alert_id, signal_id: sigBySymbol.get(a.ticker)!.id } })));
  t = lap('alerts', t);

  // Confirmation and paper orders.
  const confirmations = await runConfirm(rt, alerts, new Map(signals.map((s) => [s.symbol, s.id])), deps.answer, deps.actor);
  await store.append(confirmations.map((c) => ({ type: 'run.confirmation', subject: c.symbol, correlationId: runId, payload: { confirmation_id: c.confirmation_id, alert_id: c.alert_id, status: c.status, order_id: c.order?.orderId ?? null } })));
  const orders = confirmations.flatMap((c) => (c.order ? [c.order] : []));
  t = lap('confirm', t);
  log(`alerts: ${alerts.length}, pending ${confirmations.filter((c) => c.status === 'pending').length}, orders ${orders.length}`);

  const rs = works.map((w) => w.run);
  const mean = (f: (r: SymbolRun) => number): number => (rs.length === 0 ? NaN : rs.reduce((s, r) => s + f(r), 0) / rs.length);
  const report: RunReport = {
    run_id: runId,
    provider: provider.name,
    pack: { namespace: spec.pack.namespace, version: spec.pack.version, name: opts.pack.pack.name, strategy: spec.strategy, file: opts.pack.file },
    model: modelInfo,
    costs: { fee_bps: spec.execution.fee_bps, slippage_bps: spec.execution.slippage_bps },
    symbols: rs,
    failed,
    signals,
    risk: decisions,
    alerts,
    confirmations,
    orders,
    summary: {
      symbols: rs.length,
      buy_signals: buys.length,
      alerts: alerts.length,
      pending: confirmations.filter((c) => c.status === 'pending').length,
      orders: orders.length,
      beat_buy_hold: rs.filter((r) => r.strategy.total_return > r.buy_hold.total_return).length,
      mean_strategy_return: mean((r) => r.strategy.total_return),
      mean_buy_hold_return: mean((r) => r.buy_hold.total_return),
      mean_strategy_sharpe: mean((r) => r.strategy.sharpe),
      mean_buy_hold_sharpe: mean((r) => r.buy_hold.sharpe),
      mean_dsr: mean((r) => r.strategy.dsr),
    },
    report: opts.reportPath,
    timings,
    seconds: 0,
  };
  if (opts.reportPath) {
    report.seconds = (performance.now() - t0) / 1000;
    mkdirSync(dirname(opts.reportPath), { recursive: true });
    writeFileSync(opts.reportPath, renderRunHtml(report, works.map((w) => w.charts)));
    lap('report', t);
    log(`report: ${opts.reportPath}`);
  }
  report.seconds = (performance.now() - t0) / 1000;
  for (const k of Object.keys(timings)) timings[k] = Math.round(timings[k]! * 1000) / 1000;
  await store.transaction(async (trx) => {
    await store.append({ type: 'run.completed', subject: 'main', correlationId: runId, payload: { summary: report.summary, failed, report: opts.reportPath, timings, seconds: report.seconds } }, trx);
    await store.setValue('last_run', { run_id: runId, at: new Date(clock.now()).toISOString(), summary: report.summary, report: opts.reportPath }, trx);
  });
  return report;
}
