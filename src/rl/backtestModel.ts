/**
 * `tradepilot rl backtest`: replays a saved agent over the bars it never trained on (those
 * after the split recorded in the model, or a whole CSV given with --data), beside buy-and-hold.
 */
import { BadInputError } from '../core/errors.ts';
import type { AgentFile } from './agents/baseAgent.ts';
import { agentFromFile } from './agentFile.ts';
import { loadRawData, loadRawFile } from './data/rawData.ts';
import { featureMatrix } from './env/features.ts';
import { DEFAULT_WINDOW, TradingEnv } from './env/tradingEnv.ts';
import { type DecisionRecord, type RlMetrics, buyAndHold, runEpisode } from './evaluate.ts';
import { expertUsage, type ExpertUsage } from './moe/moeAgent.ts';
import { labelRegimes } from './moe/regimes.ts';

/** What a model backtest reports. */
export interface RlBacktestReport {
  agent: string;
  instrument: string;
  bars: number;
  from: number;
  evaluation: Record<string, RlMetrics>;
  expert_usage?: ExpertUsage[];
}

/** Runs the saved agent greedily over held-out bars. */
export function backtestModel(file: AgentFile, source: string, opts: { rawDir: string; dataFile?: string }): { report: RlBacktestReport; decisions: DecisionRecord[] } {
  const agent = agentFromFile(file, source);
  const meta = (file.meta ?? {}) as { instrument?: string; split?: number };
  const window = Number(file.config.window ?? DEFAULT_WINDOW);
  const s = opts.dataFile
    ? loadRawFile(opts.dataFile)
    : loadRawData(opts.rawDir).find((x) => x.instrument === meta.instrument) ?? (() => {
        throw new BadInputError(`${source}: instrument ${meta.instrument ?? '(none)'} is not in ${opts.rawDir}; pass --data FILE`);
      })();
  const from = opts.dataFile ? 0 : (meta.split ?? 0);
  const feats = featureMatrix(s);
  const env = new TradingEnv(s, { start: from, features: feats, window });
  if (env.obsDim !== Number(file.config.obsDim)) throw new BadInputError(`${source}: the model expects ${String(file.config.obsDim)} observation values, this data gives ${env.obsDim}`);
  const regimes = file.kind === 'moe' ? labelRegimes(s, { fitEnd: Math.max(60, from), seed: Number(file.config.seed ?? 42) }) : undefined;
  const ppy = s.timeframe === '1w' ? 52 : 252;
  const ev = runEpisode(agent, env, { record: true, periodsPerYear: ppy, times: s.time, regimes });
  const report: RlBacktestReport = {
    agent: file.kind, instrument: s.instrument, bars: env.episodeLength, from: env.start,
    evaluation: { [file.kind]: ev.metrics, buy_and_hold: runEpisode(buyAndHold(), env, { periodsPerYear: ppy }).metrics },
  };
  if (regimes) report.expert_usage = expertUsage(ev.decisions);
  return { report, decisions: ev.decisions };
}
