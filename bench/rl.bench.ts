/**
 * RL benchmark: raw TradingEnv steps per second (one env over TTRC's 5,550 bars, random
 * actions precomputed, auto-reset), VecEnv with 64 copies, and PPO training env-steps per
 * second with the LSTM policy (hidden 32): 64 envs x 64 steps per rollout, chunks of 16,
 * 4 epochs of 64-chunk minibatches, on one thread (`rl train` default) and with each minibatch's
 * gradient split over two threads (`--threads 2`); two warm-up iterations, then eight timed ones.
 * The peer (bench/rl_peer.py, same run): the same env step in Python/numpy, and the same PPO
 * rollout + update shapes in PyTorch on CPU.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/core/rng.ts';
import { PpoAgent } from '../src/rl/agents/ppoAgent.ts';
import { sampleDaily } from '../src/rl/data/sampleDatasets.ts';
import { featureMatrix } from '../src/rl/env/features.ts';
import { TradingEnv } from '../src/rl/env/tradingEnv.ts';
import { VecEnv } from '../src/rl/env/vecEnv.ts';
import { fmtRate, printTable, type BenchRow } from './harness.ts';

const PPO = { N: 64, T: 64, L: 16, epochs: 4, M: 64, warmup: 2, iters: 8 };

function peer(threads: number): { env: number; ppo: number } | string {
  try {
    const out = execFileSync('/usr/bin/python3', [fileURLToPath(new URL('./rl_peer.py', import.meta.url)), JSON.stringify({ threads, ppo: PPO })], { encoding: 'utf8', timeout: 600_000, stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out.trim().split('\n').pop()!) as { env: number; ppo: number };
  } catch (e) {
    return `peer unavailable (${(e as Error).message.split('\n')[0]})`;
  }
}

export async function run(_args: string[]): Promise<void> {
  const s = sampleDaily().find((x) => x.instrument === 'TTRC')!;
  const feats = featureMatrix(s);
  const env = new TradingEnv(s, { features: feats });
  const rng = new Rng(1);
  const acts = Int32Array.from({ length: 1 << 16 }, () => rng.int(5));
  const stepEnv = (steps: number): number => {
    env.reset();
    let sum = 0;
    const t0 = performance.now();
    for (let k = 0; k < steps; k++) {
      const r = env.step(acts[k & 0xffff]!);
      sum += r.reward;
      if (r.done) env.reset();
    }
    const dt = performance.now() - t0;
    if (!Number.isFinite(sum)) throw new Error('non-finite reward');
    return steps / (dt / 1000);
  };
  stepEnv(500_000);
  const envRate = Math.max(stepEnv(3_000_000), stepEnv(3_000_000));

  const vec = new VecEnv(s, 64, { episodeLength: 64, seed: 1 }, feats);
  vec.reset();
  const va = new Int32Array(64);
  const vt0 = performance.now();
  const vSteps = 20_000;
  for (let k = 0; k < vSteps; k++) {
    for (let i = 0; i < 64; i++) va[i] = acts[(k * 64 + i) & 0xffff]!;
    vec.step(va);
  }
  const vecRate = (vSteps * 64) / ((performance.now() - vt0) / 1000);

  const penv = new VecEnv(s, PPO.N, { episodeLength: PPO.T, seed: 1 }, feats);
  /** PPO training env-steps per second (fresh agent, same seed). */
  const ppoRate = async (parallelGradients: boolean): Promise<number> => {
    const agent = new PpoAgent({ obsDim: penv.obsDim, seed: 1, rolloutSteps: PPO.T, seqLen: PPO.L, epochs: PPO.epochs, minibatchChunks: PPO.M, parallelGradients });
    try {
      await agent.learn(penv, PPO.warmup);
      const t0 = performance.now();
      const stats = await agent.learn(penv, PPO.iters);
      return stats.reduce((a, x) => a + x.envSteps, 0) / ((performance.now() - t0) / 1000);
    } finally {
      await agent.close();
    }
  };
  const ppo1 = await ppoRate(false);
  const ppo2 = await ppoRate(true);
  const ppoBest = Math.max(ppo1, ppo2);

  const p = peer(1);
  const peerStr = (k: 'env' | 'ppo', unit: string): string => (typeof p === 'string' ? p : `${fmtRate(p[k], unit)} (${k === 'env' ? 'Python/numpy' : 'PyTorch 1.13, 1 thread'})`);
  const rows: BenchRow[] = [
    { case: 'TradingEnv raw steps (1 env, TTRC)', ours: fmtRate(envRate, 'steps'), peer: peerStr('env', 'steps'), floor: '1M steps/s', ok: envRate >= 1e6 },
    { case: 'VecEnv 64 copies', ours: fmtRate(vecRate, 'steps'), peer: '-', floor: '-', ok: null },
    { case: `PPO training, LSTM h32, obs ${penv.obsDim}, 1 thread (${PPO.N} envs x ${PPO.T}, ${PPO.epochs} epochs)`, ours: fmtRate(ppo1, 'env-steps'), peer: peerStr('ppo', 'env-steps'), floor: '-', ok: null },
    { case: 'same, gradients split over 2 threads (--threads 2)', ours: fmtRate(ppo2, 'env-steps'), peer: '-', floor: '-', ok: null },
    { case: 'PPO training on two cores (the faster of the above)', ours: fmtRate(ppoBest, 'env-steps'), peer: peerStr('ppo', 'env-steps'), floor: '20k env-steps/s', ok: ppoBest >= 20_000 },
  ];
  printTable(rows);
}
