/**
 * Every `npx tradepilot ...` command of README.md, docs/*.md and examples/** /README.md runs here,
 * so the docs cannot go stale. Each document gets its own copy of the bundled data, packs and
 * examples under one temporary root; its commands run in order (later ones use what earlier
 * ones made), documents run side by side. A command must exit 0, or the code its comment gives
 * (`# exit 2`); `# needs: network` (or any `# needs: ...`) marks the few that cannot run here.
 * With `--json` the output must be exactly one JSON document. `tradepilot run` (the ~30 s main
 * job) runs once however many documents show it.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allDocCommands, type DocCommand } from './docCommands.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'tradepilot.js');
/** Processes at once: the machine has 2 cores, and most of a command's time is start-up. */
const PARALLEL = 3;
/**
 * Generous on purpose: a loaded 2-core machine can take minutes for `run`. Only a hung command
 * is killed; no test asserts a duration (speed targets live in bench/).
 */
const COMMAND_TIMEOUT_MS = 600_000;
/** A test awaits its command, which may queue behind every other document's: the whole suite's time. */
const TEST_TIMEOUT_MS = 3_600_000;
/** Commands that run once across documents (same text = same result; they change nothing later commands read). */
const ONCE = /^npx tradepilot run(\s|$)/;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

const docs = allDocCommands(ROOT);
const work = mkdtempSync(join(tmpdir(), 'tp-docs-'));
const results = new Map<DocCommand, Promise<Outcome>>();

/** A minimal environment: no credentials of the machine leak into the docs' commands. */
function commandEnv(): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'CI', 'NODE_OPTIONS'];
  const env: NodeJS.ProcessEnv = { TRADEPILOT_USER: 'docs', LOG_LEVEL: 'warn' };
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
  return env;
}

let running = 0;
const waiting: (() => void)[] = [];
async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= PARALLEL) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Run one documented command in `cwd` through bash (quotes and variables as a user's shell has them). */
function exec(command: string, cwd: string): Promise<Outcome> {
  const script = command.replace(/^npx tradepilot/, `node ${JSON.stringify(BIN)}`);
  return slot(
    () =>
      new Promise<Outcome>((resolve) => {
        const t0 = performance.now();
        const child = spawn('bash', ['-c', script], { cwd, env: commandEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), COMMAND_TIMEOUT_MS);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr, ms: performance.now() - t0 });
        });
      }),
  );
}

/** A fresh project directory for one document: what its commands read. */
function projectDir(file: string): string {
  const dir = join(work, file.replace(/[^A-Za-z0-9]+/g, '_'));
  mkdirSync(dir, { recursive: true });
  cpSync(join(ROOT, 'data', 'sample'), join(dir, 'data', 'sample'), { recursive: true });
  cpSync(join(ROOT, 'packs'), join(dir, 'packs'), { recursive: true });
  cpSync(join(ROOT, 'examples'), join(dir, 'examples'), { recursive: true });
  return dir;
}

const dirs = new Map<string, string>();
const once = new Map<string, Promise<Outcome>>();

beforeAll(() => {
  // Longest documents first, so the slowest chain starts at once.
  const order = [...docs.entries()].filter(([, cs]) => cs.some((c) => !c.skip)).sort((a, b) => b[1].length - a[1].length);
  for (const [file, commands] of order) {
    const dir = projectDir(file);
    dirs.set(file, dir);
    let prev: Promise<unknown> = Promise.resolve();
    for (const c of commands) {
      if (c.skip) continue;
      const run = (): Promise<Outcome> => {
        if (!ONCE.test(c.command)) return exec(c.command, dir);
        if (!once.has(c.command)) once.set(c.command, exec(c.command, dir));
        return once.get(c.command)!;
      };
      const p = prev.then(run);
      results.set(c, p);
      prev = p;
    }
  }
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

function tail(s: string, n = 1500): string {
  return s.length > n ? `...${s.slice(-n)}` : s;
}

describe('every command in the docs runs', () => {
  it('finds the documents and their commands', () => {
    const all = [...docs.values()].flat();
    expect(docs.has('docs/getting-started.md')).toBe(true);
    expect(all.length).toBeGreaterThan(40);
    // Skips are the exception: a handful of network, server and credential commands.
    expect(all.filter((c) => c.skip).length).toBeLessThanOrEqual(6);
  });

  for (const [file, commands] of docs) {
    if (commands.length === 0) continue;
    describe(file, () => {
      for (const c of commands) {
        const title = `line ${c.line}: ${c.command}${c.expectExit ? ` (exit ${c.expectExit})` : ''}`;
        if (c.skip) {
          it.skip(`${title} [needs: ${c.skip}]`, () => undefined);
          continue;
        }
        it(title, { timeout: TEST_TIMEOUT_MS }, async () => {
          const r = await results.get(c)!;
          const where = `${file}:${c.line} \`${c.command}\` exited ${r.code} after ${(r.ms / 1000).toFixed(1)} s\nstderr: ${tail(r.stderr)}\nstdout: ${tail(r.stdout, 600)}`;
          expect(r.code, where).toBe(c.expectExit);
          if (/\s--json(\s|$)/.test(c.command)) expect(() => JSON.parse(r.stdout), `${where}\n--json must print one JSON document`).not.toThrow();
        });
      }
    });
  }
});

describe('what the examples claim', () => {
  it('the ONNX model imported by the docs gives PyTorch\'s probabilities', { timeout: TEST_TIMEOUT_MS }, async () => {
    const file = 'examples/onnx-model/README.md';
    await Promise.all(docs.get(file)!.filter((c) => !c.skip).map((c) => results.get(c)));
    const r = await exec('npx tradepilot model predict --model models --csv examples/onnx-model/features.csv --json', dirs.get(file)!);
    expect(r.code, r.stderr).toBe(0);
    const got = (JSON.parse(r.stdout) as { predictions: number[] }).predictions;
    const torch = readFileSync(join(ROOT, 'examples/onnx-model/torch_scores.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[1]));
    expect(got).toHaveLength(torch.length);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - torch[i]!));
    expect(worst).toBeLessThan(1e-5);
  });

  it('the pack tutorial shows examples/packs/trend-pullback.yaml exactly', () => {
    const page = readFileSync(join(ROOT, 'docs/pack-tutorial.md'), 'utf8');
    const block = /```yaml\n([\s\S]*?)```/.exec(page)?.[1];
    expect(block).toBe(readFileSync(join(ROOT, 'examples/packs/trend-pullback.yaml'), 'utf8'));
  });
});
