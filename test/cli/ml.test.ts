import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MIN_POOL_ROWS } from '../../src/cli/commands/gbdt.ts';
import { main } from '../../src/cli/main.ts';
import { Rng } from '../../src/core/rng.ts';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (f: (s: string) => void): Writable => new Writable({ write: (c, _e, cb) => (f(String(c)), cb()) });
  const code = await main(['node', 'tradepilot', ...args], { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) }, { ...process.env, LOG_LEVEL: 'silent' });
  return { code, out, err };
}

function writeCsv(path: string, n: number, seed: number): void {
  const r = new Rng(seed);
  const lines = ['a,b,c,label'];
  for (let i = 0; i < n; i++) {
    const a = r.normal();
    const b = r.normal();
    const c = i % 11 === 0 ? NaN : r.normal();
    lines.push(`${a},${b},${Number.isNaN(c) ? '' : c},${a + 0.5 * b + 0.3 * r.normal() > 0 ? 1 : 0}`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

const fx = (f: string): string => new URL(`../fixtures/${f}`, import.meta.url).pathname;

describe('tradepilot gbdt / model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tp-cli-'));
  const models = join(dir, 'models');
  writeCsv(join(dir, 'train.csv'), 1500, 1);
  writeCsv(join(dir, 'test.csv'), 500, 2);

  it('gbdt train --json prints train_seconds, auc, accuracy, model_path; model predict scores a CSV', async () => {
    const r = await run(['gbdt', 'train', '--train', join(dir, 'train.csv'), '--test', join(dir, 'test.csv'), '--label', 'label', '--rounds', '30', '--depth', '3', '--lr', '0.2', '--bins', '64', '--model-dir', models, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { train_seconds: number; auc: number; accuracy: number; model_path: string };
    expect(j.train_seconds).toBeGreaterThan(0);
    expect(j.auc).toBeGreaterThan(0.9);
    expect(j.accuracy).toBeGreaterThan(0.8);
    expect(j.model_path).toBe(join(models, 'classifier_v1.json'));
    const meta = JSON.parse(readFileSync(join(models, 'metadata_v1.json'), 'utf8')) as { features: string[]; metrics: { auc: number } };
    expect(meta.features).toEqual(['a', 'b', 'c']);
    expect(meta.metrics.auc).toBeCloseTo(j.auc, 12);
    const p = await run(['model', 'predict', '--model', j.model_path, '--csv', join(dir, 'test.csv'), '--json']);
    expect(p.code).toBe(0);
    const pj = JSON.parse(p.out) as { rows: number; predictions: number[] };
    expect(pj.rows).toBe(500);
    expect(pj.predictions.every((v) => v > 0 && v < 1)).toBe(true);
  });

  it('gbdt train --threads 2 saves the same model as 1 thread, and uses its workers only from MIN_POOL_ROWS rows', async () => {
    writeCsv(join(dir, 'big.csv'), MIN_POOL_ROWS, 3);
    const reg = join(dir, 'threads');
    const common = ['--label', 'label', '--rounds', '8', '--depth', '4', '--model-dir', reg, '--json'];
    const trained: { threads: number; model: string }[] = [];
    for (const [file, threads] of [['train.csv', '1'], ['train.csv', '2'], ['big.csv', '1'], ['big.csv', '2']] as const) {
      const r = await run(['gbdt', 'train', '--train', join(dir, file), '--threads', threads, ...common]);
      expect(r.code).toBe(0);
      const j = JSON.parse(r.out) as { threads: number; model_path: string };
      trained.push({ threads: j.threads, model: readFileSync(j.model_path, 'utf8') });
    }
    expect(trained.map((t) => t.threads)).toEqual([1, 1, 1, 2]);
    expect(trained[1]!.model).toBe(trained[0]!.model);
    expect(trained[3]!.model).toBe(trained[2]!.model);
  });

  it('imports XGBoost and ONNX models, lists and shows them', async () => {
    const reg = join(dir, 'imports');
    expect((await run(['model', 'import', 'xgboost', fx('xgb_binary.json'), '--model-dir', reg])).code).toBe(0);
    expect((await run(['model', 'import', 'onnx', fx('lstm_classifier.onnx'), '--model-dir', reg, '--name', 'lstm'])).code).toBe(0);
    const p = JSON.parse((await run(['model', 'predict', '--model', join(reg, 'classifier_v1.json'), '--csv', fx('xgb_binary_input.csv'), '--json'])).out) as { predictions: number[] };
    const want = readFileSync(fx('xgb_binary_pred.csv'), 'utf8').trim().split('\n').slice(1).map(Number);
    p.predictions.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(1e-6));
    const list = JSON.parse((await run(['model', 'list', '--model-dir', reg, '--json'])).out) as { models: { kind: string }[] };
    expect(list.models.map((m) => m.kind)).toEqual(['xgboost', 'onnx']);
    const show = await run(['model', 'show', '2', '--model-dir', reg]);
    expect(show.out).toMatch(/kind\s+onnx/);
  });

  it('bad input exits 2 with a message naming the problem', async () => {
    const missing = await run(['gbdt', 'train', '--train', join(dir, 'nope.csv'), '--label', 'label', '--model-dir', models]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nope.csv: cannot read file/);
    writeFileSync(join(dir, 'bad.csv'), 'a,b,label\n1,2,0\n1,x,1\n');
    const bad = await run(['gbdt', 'train', '--train', join(dir, 'bad.csv'), '--label', 'label', '--model-dir', models]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/bad.csv line 3: b: not a number: "x"/);
    const label = await run(['gbdt', 'train', '--train', join(dir, 'train.csv'), '--label', 'y', '--model-dir', models]);
    expect(label.err).toMatch(/y: label column not found/);
    writeFileSync(join(dir, 'wrong.csv'), 'a,c\n1,2\n');
    const wrong = await run(['model', 'predict', '--model', join(models, 'classifier_v1.json'), '--csv', join(dir, 'wrong.csv')]);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/b: feature column not found/);
    const fmt = await run(['model', 'import', 'pickle', fx('xgb_binary.json'), '--model-dir', models]);
    expect(fmt.code).toBe(2);
  });
});
