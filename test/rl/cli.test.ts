import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/adapters/store/sqliteStore.ts';
import { runCli } from '../support/cli.ts';

type Report = { evaluation: Record<string, { total_pnl: number; sharpe: number; trades: number; meets_sharpe_target: boolean }>; model: string; run_id: string; decisions_stored: number; expert_usage?: unknown[]; maml?: { adaptation: unknown[] } };

describe('tradepilot rl', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rl-cli-'));
  const env = { TRADEPILOT_DB: join(dir, 'tp.db') };

  it('trains PPO, stores every evaluated decision, and a backtest of the saved model gives the same metrics', async () => {
    const model = join(dir, 'ppo.json');
    const r = await runCli(['rl', 'train', '--agent', 'ppo', '--episodes', '16', '--seed', '3', '--out', model, '--json'], env);
    expect(r.code).toBe(0);
    const rep = r.json() as Report;
    expect(Object.keys(rep.evaluation)).toEqual(['ppo', 'buy_and_hold', 'random_mean_of_8']);
    expect(typeof rep.evaluation.ppo!.meets_sharpe_target).toBe('boolean');
    const store = await openSqliteStore(env.TRADEPILOT_DB);
    try {
      const ev = await store.events({ type: 'rl.decision', correlationId: rep.run_id });
      expect(ev.length).toBe(rep.decisions_stored);
      const p = ev[0]!.payload as { observation: number[]; probs: number[]; action: number };
      expect(p.observation.length).toBe(43);
      expect(p.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    } finally {
      await store.close();
    }
    const b = await runCli(['rl', 'backtest', '--model', model, '--json', '--no-store'], env);
    expect(b.code).toBe(0);
    expect((b.json() as Report).evaluation.ppo).toEqual(rep.evaluation.ppo);
  });

  it('trains a mixture of experts and reports which expert acts in which regime', async () => {
    const r = await runCli(['rl', 'train', '--agent', 'moe', '--episodes', '8', '--out', join(dir, 'moe.json'), '--json', '--no-store'], env);
    expect(r.code).toBe(0);
    const rep = r.json() as Report;
    expect(rep.expert_usage).toHaveLength(4);
    expect(rep.evaluation.moe).toBeDefined();
  });

  it('meta-trains MAML and reports adaptation against training from scratch on held-out tasks', async () => {
    const r = await runCli(['rl', 'train', '--agent', 'maml', '--episodes', '1', '--out', join(dir, 'maml.json'), '--json', '--no-store'], env);
    expect(r.code).toBe(0);
    const rep = r.json() as Report;
    expect(rep.maml!.adaptation.length).toBeGreaterThan(0);
  });

  it('runs PPO rollouts as job-queue tasks (--workers 0: this thread), noting it in the report', async () => {
    const r = await runCli(['rl', 'train', '--agent', 'ppo', '--episodes', '8', '--seed', '2', '--workers', '0', '--shards', '2', '--out', join(dir, 'ppo-q.json'), '--json', '--no-store'], env);
    expect(r.code).toBe(0);
    const rep = r.json() as Report & { notes: string[]; episodes: number };
    expect(rep.episodes).toBe(8);
    expect(rep.notes.join(' ')).toMatch(/rollouts ran as 2 tasks per iteration on the inline job queue/);
  });

  it('rejects bad input with exit 2 and a clear message', async () => {
    const a = await runCli(['rl', 'train', '--agent', 'dqn'], env);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--agent must be one of ppo, moe, maml/);
    const q = await runCli(['rl', 'train', '--agent', 'moe', '--workers', '2'], env);
    expect(q.code).toBe(2);
    expect(q.stderr).toMatch(/--queue\/--workers distribute PPO rollouts/);
    const w = await runCli(['rl', 'train', '--workers', '-1'], env);
    expect(w.code).toBe(2);
    expect(w.stderr).toMatch(/--workers must be an integer/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format: 'tradepilot.rl.agent', version: 2 }));
    const b = await runCli(['rl', 'backtest', '--model', bad], env);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/bad\.json: version/);
  });
});

describe('training line', () => {
  it('rewrites one line in place on a TTY and stays silent otherwise or under --json', async () => {
    const { trainingLine } = await import('../../src/cli/commands/rl.ts');
    const p = { phase: 'ppo', iteration: 1, iterations: 2, episodes: 8, reward: 0.01, movingAverage: 0.005, policyLoss: -0.01, valueLoss: 0.4 };
    const mk = (isTTY: boolean): { out: string[]; s: { isTTY: boolean; write: (x: string) => boolean } } => {
      const out: string[] = [];
      return { out, s: { isTTY, write: (x: string) => out.push(x) > 0 } };
    };
    const tty = mk(true);
    const line = trainingLine(false, tty.s, {});
    line.update(p);
    line.update({ ...p, iteration: 2 });
    line.end();
    expect(tty.out).toHaveLength(3);
    expect(tty.out[1]).toBe('\r\u001b[2Kppo 2/2  episodes 8  reward 0.0100  avg20 0.0050  policy loss -0.0100  value loss 0.4000');
    expect(tty.out[2]).toBe('\n');
    const pipe = mk(false);
    trainingLine(false, pipe.s, {}).update(p);
    const json = mk(true);
    trainingLine(true, json.s, {}).update(p);
    const ci = mk(true);
    trainingLine(false, ci.s, { CI: 'true' }).update(p);
    expect(pipe.out.length + json.out.length + ci.out.length).toBe(0);
  });
});
