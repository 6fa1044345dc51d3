/**
 * `npm run bench -- mainjob`: wall time of `tradepilot run` over all 35 bundled
 * symbols as a new user runs it (a child process: node start-up, TypeScript
 * transforms, ~320 GBDT fits, reports, SQLite), first with an empty transform
 * cache (as after a fresh clone) and then warm. Floor: 60 s (issue #12); aim ~20-30 s.
 * No public tool runs this pipeline, so there is no peer.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmtMs, printTable, type BenchRow } from './harness.ts';

const FLOOR_MS = 60_000;

interface RunDoc {
  symbols: unknown[];
  seconds: number;
  timings: Record<string, number>;
}

function runOnce(dir: string, tmp: string): { ms: number; doc: RunDoc } {
  const t0 = performance.now();
  const out = execFileSync(process.execPath, ['bin/tradepilot.js', 'run', '--json', '--no-confirm', '--db', join(dir, `run-${Date.now()}.db`), '--report', join(dir, 'report.html')], {
    env: { ...process.env, TMPDIR: tmp, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 * 1024 * 1024,
  });
  return { ms: performance.now() - t0, doc: JSON.parse(out.toString()) as RunDoc };
}

/** Run the benchmark and print its table. */
export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tp-bench-run-'));
  // A private TMPDIR gives tsx an empty transform cache: the first run pays what a fresh clone pays.
  const tmp = mkdtempSync(join(tmpdir(), 'tp-bench-tmp-'));
  try {
    const before = loadavg();
    const cold = runOnce(dir, tmp);
    const warm = runOnce(dir, tmp);
    const after = loadavg();
    const rows: BenchRow[] = [
      { case: `tradepilot run, ${cold.doc.symbols.length} symbols, cold transform cache`, ours: fmtMs(cold.ms), peer: 'none', floor: fmtMs(FLOOR_MS), ok: cold.ms < FLOOR_MS },
      { case: 'tradepilot run, warm', ours: fmtMs(warm.ms), peer: 'none', floor: fmtMs(FLOOR_MS), ok: warm.ms < FLOOR_MS },
      { case: '  of which the job itself (in-process)', ours: fmtMs(warm.doc.seconds * 1000), peer: '-', floor: '-', ok: null },
      { case: '  of which model training (walk-forward)', ours: fmtMs((warm.doc.timings.models ?? 0) * 1000), peer: '-', floor: '-', ok: null },
    ];
    printTable(rows);
    process.stdout.write(`\nload average before ${before.map((x) => x.toFixed(1)).join(' ')}, after ${after.map((x) => x.toFixed(1)).join(' ')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  }
}
