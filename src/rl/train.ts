/**
 * The training jobs behind `tradepilot rl train`: PPO or MoE on one instrument's training bars
 * (data/raw, first 70% by default), MAML over (instrument type, timeframe) tasks from
 * data/final; then evaluation on bars (or tasks) never trained on, beside buy-and-hold and a
 * random policy, with every evaluation decision kept for the audit trail.
 */
import { resolve } from 'node:path';
import { BadInputError } from '../core/errors.ts';
import { openQueue } from '../research/jobs/openQueue.ts';
import { saveParams } from '../ml/nn/index.ts';
import { Rng } from '../core/rng.ts';
import type { AgentFile } from './agents/baseAgent.ts';
import { LstmPolicy } from './agents/lstmPolicy.ts';
import { PpoAgent, decide } from './agents/ppoAgent.ts';
import { QueueRollouts } from './agents/queueRollouts.ts';
import type { PpoIterationStats } from './agents/ppo.ts';
import { loadFinalData, type SkipLogger } from './data/finalData.ts';
import { instrumentsFromFinal } from './data/instruments.ts';
import { loadRawData } from './data/rawData.ts';
import type { InstrumentSeries } from './data/sampleDatasets.ts';
import { NUM_ACTIONS } from './env/actions.ts';
import { NUM_FEATURES, featureMatrix } from './env/features.ts';
import { DEFAULT_WINDOW, NUM_ACCOUNT_FEATURES, TradingEnv } from './env/tradingEnv.ts';
import { VecEnv } from './env/vecEnv.ts';
import { type Actor, type DecisionRecord, type RlMetrics, TARGETS, buyAndHold, randomActor, runEpisode } from './evaluate.ts';
import { Maml } from './maml/maml.ts';
import { MoeAgent, expertUsage, type ExpertUsage } from './moe/moeAgent.ts';
import { labelRegimes } from './moe/regimes.ts';

/** Agents `rl train` can build. */
export type RlAgentKind = 'ppo' | 'moe' | 'maml';

/** Settings of a training job. */
export interface RlTrainOptions {
  agent: RlAgentKind;
  /** Training episodes (PPO/MoE: episodes over all env copies; MAML: meta-iterations). */
  episodes: number;
  seed: number;
  finalDir: string;
  rawDir: string;
  /** Instrument of data/raw to trade (PPO/MoE); default the first. */
  instrument?: string;
  /** Share of the bars held out for evaluation (default 0.3). */
  testFraction?: number;
  numEnvs?: number;
  episodeLength?: number;
  window?: number;
  /** 2: PPO computes half of every minibatch gradient on a second thread (default 1). */
  threads?: number;
  /** PPO rollouts as job-queue tasks: BullMQ at `queue` (redis://...), else an embedded pool of `workers` threads (0: inline); `shards` tasks per iteration (default 2). */
  rollouts?: { queue?: string; workers?: number; shards?: number };
  onSkip?: SkipLogger;
  /** Called after every PPO iteration / MAML meta-step. */
  onProgress?: (p: TrainProgress) => void;
}

/** One progress report. */
export interface TrainProgress {
  phase: string;
  iteration: number;
  iterations: number;
  episodes: number;
  reward: number;
  movingAverage: number;
  policyLoss: number;
  valueLoss: number;
}

/** MAML's adaptation on one held-out task. */
export interface AdaptationRow {
  task: string;
  instrument: string;
  adapted: RlMetrics;
  from_scratch: RlMetrics;
}

/** What a training job reports (the CLI's JSON). */
export interface RlTrainReport {
  agent: RlAgentKind;
  seed: number;
  instrument: string;
  train_bars: number;
  test_bars: number;
  episodes: number;
  env_steps: number;
  seconds: number;
  evaluation: Record<string, RlMetrics>;
  targets: { sharpe_above: number; max_drawdown_below: number };
  expert_usage?: ExpertUsage[];
  maml?: { train_tasks: string[]; heldout_tasks: string[]; adaptation_steps: number; adaptation: AdaptationRow[]; second_order: boolean };
  notes: string[];
}

/** The trained agent, its report and the evaluation decisions. */
export interface RlTrainResult {
  report: RlTrainReport;
  model: AgentFile;
  decisions: DecisionRecord[];
}

function periodsPerYear(timeframe: string): number {
  return timeframe === '1w' ? 52 : timeframe === '1d' ? 252 : 252 * 6.5;
}

/** Mean of several random policies' metrics (random is noisy; one seed would flatter or damn it). */
function meanRandom(env: TradingEnv, ppy: number, seeds = 8): RlMetrics {
  const runs = Array.from({ length: seeds }, (_, k) => runEpisode(randomActor(k + 1), env, { periodsPerYear: ppy }).metrics);
  const avg = (f: (m: RlMetrics) => number): number => runs.reduce((s, m) => s + f(m), 0) / runs.length;
  const m: RlMetrics = {
    sharpe: avg((m) => m.sharpe), total_pnl: avg((m) => m.total_pnl), total_return: avg((m) => m.total_return), profit_factor: avg((m) => (Number.isFinite(m.profit_factor) ? m.profit_factor : 0)),
    max_drawdown: avg((m) => m.max_drawdown), win_rate: avg((m) => m.win_rate), avg_pnl_per_trade: avg((m) => m.avg_pnl_per_trade), trades: avg((m) => m.trades), fees: avg((m) => m.fees), bars: runs[0]!.bars,
    meets_sharpe_target: false, meets_drawdown_target: false,
  };
  m.meets_sharpe_target = m.sharpe > TARGETS.sharpe;
  m.meets_drawdown_target = -m.max_drawdown < TARGETS.maxDrawdown;
  return m;
}

function pickInstrument(list: InstrumentSeries[], name: string | undefined): InstrumentSeries {
  const s = name ? list.find((x) => x.instrument.toLowerCase() === name.toLowerCase()) : list[0];
  if (!s) throw new BadInputError(`instrument ${name} is not in data/raw (have ${list.map((x) => x.instrument).join(', ')})`);
  return s;
}

/** Runs a training job end to end. */
export async function trainRl(o: RlTrainOptions): Promise<RlTrainResult> {
  if (!(o.episodes >= 1)) throw new BadInputError(`--episodes must be >= 1, got ${o.episodes}`);
  if (o.agent === 'maml') return trainMaml(o);
  const t0 = performance.now();
  const s = pickInstrument(loadRawData(o.rawDir), o.instrument);
  const testFraction = o.testFraction ?? 0.3;
  const split = Math.floor(s.close.length * (1 - testFraction));
  const window = o.window ?? DEFAULT_WINDOW;
  const numEnvs = o.numEnvs ?? 8;
  const episodeLength = o.episodeLength ?? 64;
  const feats = featureMatrix(s);
  const env = new VecEnv(s, numEnvs, { episodeLength, seed: o.seed, end: split, window }, feats);
  const iterations = Math.ceil(o.episodes / numEnvs);
  const ppoOpts = { seed: o.seed, rolloutSteps: episodeLength, seqLen: 16, lr: 1e-3 };
  const rewards: number[] = [];
  let done = 0;
  const progress = (phase: string, total: number) => (st: PpoIterationStats): void => {
    done += st.episodes;
    if (Number.isFinite(st.episodeReturn)) rewards.push(st.episodeReturn);
    const recent = rewards.slice(-20);
    o.onProgress?.({ phase, iteration: st.iteration, iterations: total, episodes: done, reward: st.episodeReturn, movingAverage: recent.reduce((a, b) => a + b, 0) / Math.max(1, recent.length), policyLoss: st.policyLoss, valueLoss: st.valueLoss });
  };
  const notes: string[] = [];
  let agent: PpoAgent | MoeAgent;
  let regimes: Int32Array | undefined;
  let envSteps = 0;
  if (o.rollouts && o.agent !== 'ppo') throw new BadInputError(`--queue/--workers distribute PPO rollouts; --agent ${o.agent} trains in this process`);
  if (o.agent === 'ppo') {
    const ppo = new PpoAgent({ obsDim: env.obsDim, ...ppoOpts, parallelGradients: (o.threads ?? 1) > 1 });
    const queue = o.rollouts ? await openQueue({ queue: o.rollouts.queue, workers: o.rollouts.workers }) : null;
    try {
      const source = queue
        ? new QueueRollouts(queue, { rawDir: resolve(o.rawDir), instrument: s.instrument, numEnvs, shards: o.rollouts?.shards, seed: o.seed, episodeLength, window, end: split, obsDim: env.obsDim })
        : env;
      if (queue) notes.push(`rollouts ran as ${Math.min(o.rollouts?.shards ?? 2, numEnvs)} tasks per iteration on the ${queue.kind} job queue (env starts and action draws seeded per iteration and shard)`);
      envSteps = (await ppo.learn(source, iterations, progress('ppo', iterations))).reduce((a, x) => a + x.envSteps, 0);
    } finally {
      await ppo.close();
      await queue?.close();
    }
    agent = ppo;
  } else {
    if ((o.threads ?? 1) > 1) notes.push('--threads applies to PPO; the mixture trains on one thread');
    regimes = labelRegimes(s, { fitEnd: split, seed: o.seed });
    const moe = new MoeAgent({ obsDim: env.obsDim, window, ...ppoOpts });
    const expertIters = Math.max(1, Math.ceil(iterations / 2));
    let expertSteps = 0;
    const trained = await moe.pretrainExperts(s, regimes.map((r, t) => (t < split ? r : -1)), { numEnvs, episodeLength: Math.min(episodeLength, 32), seed: o.seed, end: split, window }, expertIters, (k, st) => {
      expertSteps += st.envSteps;
      progress(`expert ${k}`, expertIters)(st);
    });
    if (trained.length < 4) notes.push(`experts ${[0, 1, 2, 3].filter((k) => !trained.includes(k)).join(', ')} had too few regime bars to pre-train`);
    envSteps = expertSteps + (await moe.learn(env, iterations, progress('joint', iterations))).reduce((a, x) => a + x.envSteps, 0);
    agent = moe;
  }
  const test = new TradingEnv(s, { start: split, features: feats, window });
  const ppy = periodsPerYear(s.timeframe);
  const ev = runEpisode(agent, test, { record: true, periodsPerYear: ppy, times: s.time, regimes });
  const evaluation: Record<string, RlMetrics> = { [o.agent]: ev.metrics, buy_and_hold: runEpisode(buyAndHold(), test, { periodsPerYear: ppy }).metrics, random_mean_of_8: meanRandom(test, ppy) };
  const report: RlTrainReport = {
    agent: o.agent, seed: o.seed, instrument: s.instrument, train_bars: split, test_bars: s.close.length - split, episodes: done, env_steps: envSteps,
    seconds: (performance.now() - t0) / 1000, evaluation, targets: { sharpe_above: TARGETS.sharpe, max_drawdown_below: TARGETS.maxDrawdown }, notes,
  };
  if (o.agent === 'moe') report.expert_usage = expertUsage(ev.decisions);
  const model = agent.save({ instrument: s.instrument, window, split, testFraction, trainedEpisodes: done, evaluation: ev.metrics });
  model.config.window = window;
  return { report, model, decisions: ev.decisions };
}

/** An actor over explicit (adapted) parameters of an LSTM policy. */
function paramsActor(policy: LstmPolicy, params: readonly { data: Float64Array | Float32Array }[]): Actor {
  const copy = new LstmPolicy({ obsDim: policy.obsDim, numActions: NUM_ACTIONS, hidden: policy.hidden, rng: new Rng(0), dtype: policy.dtype });
  copy.orderedParams().forEach((p, k) => p.data.set(params[k]!.data));
  const state = { s: copy.initialState(1) };
  const rng = new Rng(1);
  return {
    resetState() {
      state.s = copy.initialState(1);
    },
    selectAction(obs, greedy = true) {
      return decide(copy, obs, state, greedy, rng);
    },
  };
}

/** Tasks per meta-update. */
const META_BATCH = 2;

async function trainMaml(o: RlTrainOptions): Promise<RlTrainResult> {
  const t0 = performance.now();
  const all = instrumentsFromFinal(loadFinalData(o.finalDir, o.onSkip)).filter((s) => s.close.length >= 200);
  const byTask = new Map<string, InstrumentSeries[]>();
  for (const s of all) {
    const key = `${s.type}/${s.timeframe}`;
    if (!byTask.has(key)) byTask.set(key, []);
    byTask.get(key)!.push(s);
  }
  const keys = [...byTask.keys()].sort();
  if (keys.length < 2) throw new BadInputError(`MAML needs at least two (instrument type, timeframe) tasks in data/final, found ${keys.join(', ') || 'none'}`);
  // Every third task is held out entirely (never seen in meta-training).
  const heldout = keys.filter((_, i) => i % 3 === 2);
  const trainKeys = keys.filter((k) => !heldout.includes(k));
  const window = o.window ?? 4;
  const episodeLength = o.episodeLength ?? 32;
  const numEnvs = o.numEnvs ?? 4;
  const testFraction = o.testFraction ?? 0.3;
  const maml = new Maml(window * NUM_FEATURES + NUM_ACCOUNT_FEATURES, 32, { seed: o.seed, innerLr: 0.05, innerSteps: 1, outerLr: 1e-3 });
  const rng = new Rng(o.seed + 17);
  const envFor = (s: InstrumentSeries, seed: number): VecEnv => new VecEnv(s, numEnvs, { episodeLength, seed, end: Math.floor(s.close.length * (1 - testFraction)), window });
  const rewards: number[] = [];
  let envSteps = 0;
  for (let it = 1; it <= o.episodes; it++) {
    const tasks = Array.from({ length: META_BATCH }, () => {
      const key = trainKeys[rng.int(trainKeys.length)]!;
      const list = byTask.get(key)!;
      return envFor(list[rng.int(list.length)]!, rng.nextU32());
    });
    const st = maml.metaStep(tasks);
    envSteps += tasks.length * numEnvs * episodeLength * 2;
    rewards.push(st.postReturn);
    const recent = rewards.slice(-20);
    o.onProgress?.({ phase: 'meta', iteration: it, iterations: o.episodes, episodes: it * tasks.length, reward: st.postReturn, movingAverage: recent.reduce((a, b) => a + b, 0) / recent.length, policyLoss: st.metaLoss, valueLoss: NaN });
  }
  const steps = 3;
  const adaptation: AdaptationRow[] = [];
  let decisions: DecisionRecord[] = [];
  for (const key of heldout) {
    const s = byTask.get(key)![0]!;
    const split = Math.floor(s.close.length * (1 - testFraction));
    const test = new TradingEnv(s, { start: split, window });
    const ppy = periodsPerYear(s.timeframe);
    const adapted = maml.adapt(envFor(s, o.seed + 5), steps);
    const scratch = new Maml(maml.policy.obsDim, 32, { seed: o.seed + 999, innerLr: 0.05 });
    const fresh = scratch.adapt(envFor(s, o.seed + 5), steps);
    const a = runEpisode(paramsActor(maml.policy, adapted.params), test, { record: decisions.length === 0, periodsPerYear: ppy, times: s.time });
    if (decisions.length === 0) decisions = a.decisions;
    adaptation.push({ task: key, instrument: s.instrument, adapted: a.metrics, from_scratch: runEpisode(paramsActor(scratch.policy, fresh.params), test, { periodsPerYear: ppy }).metrics });
  }
  const model: AgentFile = {
    format: 'tradepilot.rl.agent', version: 1, kind: 'maml',
    config: { obsDim: maml.policy.obsDim, hidden: 32, dtype: maml.policy.dtype, seed: o.seed, window },
    params: { policy: saveParams(maml.policy) },
    meta: { note: 'meta-trained initialisation; adapt to a task before trading', trainTasks: trainKeys, heldoutTasks: heldout },
  };
  const first = adaptation[0];
  const evaluation: Record<string, RlMetrics> = first ? { maml_adapted: first.adapted, from_scratch: first.from_scratch } : {};
  if (first) {
    const s = byTask.get(first.task)![0]!;
    const test = new TradingEnv(s, { start: Math.floor(s.close.length * (1 - testFraction)), window });
    evaluation.buy_and_hold = runEpisode(buyAndHold(), test, { periodsPerYear: periodsPerYear(s.timeframe) }).metrics;
  }
  return {
    report: {
      agent: 'maml', seed: o.seed, instrument: first?.instrument ?? '', train_bars: 0, test_bars: evaluation.buy_and_hold?.bars ?? 0, episodes: o.episodes, env_steps: envSteps,
      seconds: (performance.now() - t0) / 1000, evaluation, targets: { sharpe_above: TARGETS.sharpe, max_drawdown_below: TARGETS.maxDrawdown },
      maml: { train_tasks: trainKeys, heldout_tasks: heldout, adaptation_steps: steps, adaptation, second_order: true },
      notes: ['adaptation and from-scratch both take the same number of gradient steps on the held-out task\'s training bars, then trade its last bars greedily'],
    },
    model,
    decisions,
  };
}
