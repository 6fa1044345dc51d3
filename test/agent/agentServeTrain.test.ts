import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/core/log.ts';
import { buildRuntime } from '../../src/server/runtime.ts';
import { AGENT_FEATURES } from '../../src/strategy/agent/agentFeatures.ts';
import { agentModelDir } from '../../src/strategy/agent/agentModels.ts';
import { DEFAULT_AGENT_CRON } from '../../src/strategy/agent/agentJob.ts';
import { runCli } from '../support/cli.ts';

describe('agent train (CLI) and the serve schedule', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tp-agent-train-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('agent train --json saves the classifier and the LSTM with metadata in MODEL_DIR; agent run then uses them', async () => {
    const env = { TRADEPILOT_DB: join(dir, 'tp.db'), MODEL_DIR: join(dir, 'models'), USE_MOCK_DATA: 'true', SIGNAL_CONFIDENCE_THRESHOLD: '0.99' };
    const r = await runCli(['agent', 'train', '--symbol', 'QQQ', '--days', '1800', '--rounds', '5', '--epochs', '1', '--hidden', '4', '--window', '8', '--json'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = r.json() as { dir: string; provider: string; metadata: { version: number; features: string[]; files: Record<string, string>; metrics: Record<string, number> } };
    expect(doc.provider).toBe('mock');
    expect(doc.dir).toBe(agentModelDir(env.MODEL_DIR, 'QQQ'));
    expect(doc.metadata).toMatchObject({ version: 1, features: [...AGENT_FEATURES], files: { classifier: 'classifier_v1.json', lstm: 'lstm_v1.json' } });
    expect(doc.metadata.metrics.train_rows).toBeGreaterThan(100);
    for (const f of ['metadata_v1.json', 'classifier_v1.json', 'lstm_v1.json']) expect(existsSync(join(doc.dir, f))).toBe(true);
    const run = await runCli(['agent', 'run', '--symbol', 'QQQ', '--json'], env);
    expect(run.code).toBe(0);
    const res = run.json() as { models: { classifier: { kind: string }; lstm: { kind: string } }; warnings: string[] };
    expect(res.models.classifier.kind).toBe('gbdt');
    expect(res.models.lstm.kind).toBe('regime-lstm');
    expect(res.warnings).toEqual([]);
    const bad = await runCli(['agent', 'train', '--rounds', '0'], env);
    expect(bad.code).toBe(2);
  });

  it('serve registers agent.run on its scheduler (AGENT_CRON), and AGENT_CRON=off leaves it out', async () => {
    const config = loadConfig({ envFile: false, env: { TRADEPILOT_DB: join(dir, 'serve.db'), USE_MOCK_DATA: 'true' } });
    const logger = createLogger('silent');
    const on = await buildRuntime(config, { logger, env: { AGENT_SYMBOLS: 'TQQQ,SPY' } });
    try {
      expect(on.scheduler.status().find((j) => j.name === 'agent.run')).toMatchObject({ cron: DEFAULT_AGENT_CRON, description: 'agent run for TQQQ, SPY' });
    } finally {
      await on.close();
    }
    const off = await buildRuntime(config, { logger, env: { AGENT_CRON: 'off' } });
    try {
      expect(off.scheduler.status().map((j) => j.name)).not.toContain('agent.run');
    } finally {
      await off.close();
    }
  });
});
