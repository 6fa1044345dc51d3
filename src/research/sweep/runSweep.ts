/**
 * Run (or resume) a stored sweep on a JobQueue. Finished combinations are saved
 * chunk by chunk (the checkpoints), so a resume after a crash or `kill -9` runs
 * only what is missing. Progress goes to a callback and to `sweep.progress`
 * events at least every few seconds; cancellation (a signal, or `sweep cancel`
 * from another process setting the status) aborts the running tasks within a
 * second. Walk-forward: sweep each in-sample window, trade its winner on the
 * next out-of-sample window, roll, and stitch the out-of-sample returns.
 */
import { computeMetrics } from '../../backtest/metrics.ts';
import { ErrorCode, TradepilotError } from '../../core/errors.ts';
import type { Store } from '../../adapters/store/store.ts';
import { evaluateConfig, loadEvalContext } from '../../strategy/packs/evaluate.ts';
import { InlineQueue } from '../jobs/inlineQueue.ts';
import type { JobQueue } from '../jobs/jobQueue.ts';
import { applyGates } from './gates.ts';
import { buildLeaderboard, type Leaderboard } from './leaderboard.ts';
import { getSweep, loadRows, saveRows, setSweepStatus, sweepStatus, type SweepRecord } from './sweepStore.ts';
import type { SweepRow, SweepTask } from './task.ts';

/** A progress report. */
export interface SweepProgress {
  sweepId: string;
  phase: 'estimate' | 'running' | 'done' | 'cancelled';
  done: number;
  total: number;
  elapsedMs: number;
  /** Estimated seconds left (before start: the whole run). */
  etaSeconds: number;
}

/** Options of {@link runSweep}. */
export interface RunSweepOptions {
  onProgress?: (p: SweepProgress) => void;
  signal?: AbortSignal;
  /** Combinations per task (default: spread over 4 tasks per worker, at most 25). */
  chunk?: number;
  /** Most time between progress reports (ms, default 5000). */
  heartbeatMs?: number;
  /** How often the store is polled for a cancel from another process (ms, default 250). */
  pollMs?: number;
}

/** One walk-forward fold. */
export interface FoldSummary {
  fold: number;
  is: [number, number];
  oos: [number, number];
  winner: number;
  is_sharpe: number;
  oos_sharpe: number;
  oos_return: number;
  oos_trades: number;
}

/** What a finished sweep stores. */
export interface SweepSummary {
  leaderboard: Leaderboard;
  walk_forward: { folds: FoldSummary[]; stitched: { sharpe: number; total_return: number; max_drawdown: number; trades: number; bars: number } } | null;
  elapsed_ms: number;
}

const OOS_FOLD = 1000;

/** Seconds of estimated single-thread work below which a threads-queue sweep runs inline. */
export const INLINE_BELOW_S = 1;

/** In-sample and out-of-sample windows [a, b) over `n` window bars. */
export function walkForwardFolds(n: number, isBars: number, oosBars: number): { is: [number, number]; oos: [number, number] }[] {
  const out: { is: [number, number]; oos: [number, number] }[] = [];
  for (let s = 0; s + isBars + oosBars <= n; s += oosBars) out.push({ is: [s, s + isBars], oos: [s + isBars, s + isBars + oosBars] });
  return out;
}

/** Run or resume sweep `id` to completion (or cancellation); returns the stored record. */
export async function runSweep(store: Store, queueIn: JobQueue, id: string, opts: RunSweepOptions = {}): Promise<SweepRecord> {
  let queue = queueIn;
  const t0 = Date.now();
  let sw = await getSweep(store, id);
  if (sw.status === 'done') return sw;
  const plan = sw.plan;
  const saved = await loadRows(store, id);
  const ctx = await loadEvalContext(sw.spec);
  const windowBars = ctx.bars.close.length - ctx.from;
  const folds = plan.walkForward ? walkForwardFolds(windowBars, plan.walkForward.is_bars, plan.walkForward.oos_bars) : [];
  if (plan.walkForward && folds.length === 0) throw new TradepilotError(ErrorCode.BAD_INPUT, `walk-forward needs ${plan.walkForward.is_bars + plan.walkForward.oos_bars} bars, the window has ${windowBars}`);
  const phases: { fold: number; range: [number, number] | null }[] = plan.walkForward ? folds.map((f, k) => ({ fold: k, range: f.is })) : [{ fold: -1, range: null }];
  const total = phases.length * plan.combos.length + folds.length;
  let done = 0;
  for (const rows of saved.values()) done += rows.length;

  // Estimate: time a few combinations here, then scale by what is left and the workers.
  const probe = Math.min(3, plan.combos.length);
  const probeRange = phases[0]!.range ?? [0, windowBars];
  // One untimed run first: the first call pays for compiling the simulator, which the rest never do.
  evaluateConfig(ctx, plan.combos[0]!, ...probeRange);
  const tp = performance.now();
  for (let i = 0; i < probe; i++) evaluateConfig(ctx, plan.combos[i]!, ...probeRange);
  const perCombo = (performance.now() - tp) / probe / 1000;
  // Starting worker threads (each loads the TypeScript sources) costs seconds; a sweep with less
  // CPU work than INLINE_BELOW_S runs on this thread instead. Same task code, so the same rows.
  if (queue.kind === 'threads' && perCombo * (total - done) < INLINE_BELOW_S) queue = new InlineQueue();
  const etaFor = (left: number): number => (perCombo * left) / queue.concurrency;
  const report = (phase: SweepProgress['phase']): void => opts.onProgress?.({ sweepId: id, phase, done, total, elapsedMs: Date.now() - t0, etaSeconds: etaFor(total - done) });
  const resumed = sw.status !== 'pending';
  await setSweepStatus(store, id, 'running', resumed ? 'sweep.resumed' : 'sweep.started', { done, total, estimated_seconds: etaFor(total - done), queue: queue.kind, workers: queue.concurrency });
  report('estimate');

  const abort = new AbortController();
  const onAbort = (): void => abort.abort();
  opts.signal?.addEventListener('abort', onAbort);
  let lastEvent = 0;
  const progressEvent = async (): Promise<void> => {
    lastEvent = Date.now();
    await store.append({ type: 'sweep.progress', subject: id, correlationId: id, payload: { done, total, elapsed_ms: Date.now() - t0, eta_seconds: etaFor(total - done) } });
  };
  const heartbeat = setInterval(() => {
    report('running');
    if (Date.now() - lastEvent >= (opts.heartbeatMs ?? 5000) - 50) void progressEvent().catch(() => {});
  }, opts.heartbeatMs ?? 5000);
  // A `sweep cancel` from another process sets the status to cancelling: look for it between
  // tasks (at most every pollMs) and on a timer while a long task runs elsewhere.
  const pollMs = opts.pollMs ?? 250;
  let lastPoll = Date.now();
  const checkCancel = async (): Promise<void> => {
    lastPoll = Date.now();
    if ((await sweepStatus(store, id).catch(() => undefined)) === 'cancelling') abort.abort();
  };
  const poll = setInterval(() => void checkCancel(), Math.max(pollMs, 10));

  const runTasks = async (tasks: SweepTask[]): Promise<void> => {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < tasks.length && !abort.signal.aborted) {
        if (Date.now() - lastPoll >= pollMs) {
          await checkCancel();
          if (abort.signal.aborted) break;
        }
        const task = tasks[next++]!;
        const res = await queue.run(task, abort.signal);
        await saveRows(store, id, task.fold, res.rows);
        const list = saved.get(task.fold) ?? [];
        list.push(...res.rows);
        saved.set(task.fold, list);
        done += res.rows.length;
        report('running');
        if (Date.now() - lastEvent > 2000) await progressEvent();
        // Let timers run (cancel polling, heartbeats) even when tasks run on this thread.
        await new Promise((r) => setImmediate(r));
      }
    };
    await Promise.all(Array.from({ length: Math.min(queue.concurrency, tasks.length) }, lane));
  };

  try {
    // Phase 1: every (fold, combination) not yet saved.
    const chunk = opts.chunk ?? Math.max(1, Math.min(25, Math.ceil(plan.combos.length / (queue.concurrency * 4))));
    const tasks: SweepTask[] = [];
    for (const ph of phases) {
      const have = new Set((saved.get(ph.fold) ?? []).map((r) => r.idx));
      const missing = plan.combos.map((params, idx) => ({ idx, params })).filter((c) => !have.has(c.idx));
      for (let i = 0; i < missing.length; i += chunk) tasks.push({ sweepId: id, spec: sw.spec, fold: ph.fold, range: ph.range, combos: missing.slice(i, i + chunk), blocks: plan.blocks });
    }
    await runTasks(tasks);
    // Phase 2 (walk-forward): each fold's in-sample winner on its out-of-sample window.
    const winners = folds.map((_, k) => pickWinner(saved.get(k) ?? [], sw));
    const oosTasks: SweepTask[] = [];
    folds.forEach((f, k) => {
      const w = winners[k]!;
      if ((saved.get(OOS_FOLD + k) ?? []).length === 0) oosTasks.push({ sweepId: id, spec: sw.spec, fold: OOS_FOLD + k, range: f.oos, combos: [{ idx: w.idx, params: w.params }], blocks: plan.blocks, withReturns: true });
    });
    await runTasks(oosTasks);
    if (abort.signal.aborted) throw new DOMException('cancelled', 'AbortError');

    const summary: SweepSummary = {
      leaderboard: buildLeaderboard(plan.walkForward ? (saved.get(folds.length - 1) ?? []) : (saved.get(-1) ?? []), sw.spec.gates, plan.blocks),
      walk_forward: plan.walkForward ? stitch(folds, winners, saved, ctx.periodsPerYear) : null,
      elapsed_ms: Date.now() - t0,
    };
    const lb = summary.leaderboard;
    await setSweepStatus(store, id, 'done', 'sweep.completed', { rows: lb.rows.length, winner: lb.rows[0]?.idx, winner_sharpe: lb.rows[0]?.sharpe, dsr: lb.winner_dsr, pbo: lb.pbo, counts: lb.counts }, summary);
    report('done');
  } catch (err) {
    if (abort.signal.aborted) {
      await setSweepStatus(store, id, 'cancelled', 'sweep.cancelled', { done, total });
      report('cancelled');
    } else {
      await setSweepStatus(store, id, 'failed', 'sweep.failed', { done, total, error: (err as Error).message });
      throw err;
    }
  } finally {
    clearInterval(heartbeat);
    clearInterval(poll);
    opts.signal?.removeEventListener('abort', onAbort);
  }
  sw = await getSweep(store, id);
  return sw;
}

/** Best in-sample Sharpe among the rows that do not FAIL their gates (else the best overall); ties by index. */
function pickWinner(rows: readonly SweepRow[], sw: SweepRecord): SweepRow {
  const ok = rows.filter((r) => applyGates(r.metrics, sw.spec.gates).status !== 'FAIL');
  const pool = ok.length > 0 ? ok : rows;
  return [...pool].sort((a, b) => b.metrics.sharpe - a.metrics.sharpe || a.idx - b.idx)[0]!;
}

function stitch(folds: { is: [number, number]; oos: [number, number] }[], winners: SweepRow[], saved: Map<number, SweepRow[]>, P: number): NonNullable<SweepSummary['walk_forward']> {
  const returns: number[] = [];
  let trades = 0;
  const out: FoldSummary[] = folds.map((f, k) => {
    const row = saved.get(OOS_FOLD + k)![0]!;
    returns.push(...row.returns!);
    trades += row.metrics.trades;
    return { fold: k, is: f.is, oos: f.oos, winner: winners[k]!.idx, is_sharpe: winners[k]!.metrics.sharpe, oos_sharpe: row.metrics.sharpe, oos_return: row.metrics.total_return, oos_trades: row.metrics.trades };
  });
  // Chain the out-of-sample returns into one equity curve.
  const equity = new Float64Array(returns.length);
  let e = 1;
  returns.forEach((r, i) => (equity[i] = e *= 1 + r));
  const m = computeMetrics({ initCash: 1, equity, exposure: new Float64Array(returns.length), trades: [], tradedValue: 0, fees: 0 }, { periodsPerYear: P });
  return { folds: out, stitched: { sharpe: m.sharpe, total_return: m.total_return, max_drawdown: m.max_drawdown, trades, bars: returns.length } };
}
