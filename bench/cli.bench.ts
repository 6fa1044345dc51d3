/**
 * CLI start-up: wall time of `tradepilot --version`, `--help` and `config --json` in a fresh
 * process, beside the floor every command pays (node plus tsx's loader, nothing imported) and
 * bare node, from the same run. Commands load their implementation only when they run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmtMs, printTable, type BenchRow } from './harness.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Best-of-`repeats` wall time of a child process (after one warm-up that fills tsx's cache). */
function spawnBest(args: string[], cwd: string, repeats: number): number {
  const once = (): number => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent' }, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`);
    return performance.now() - t0;
  };
  once();
  let best = Infinity;
  for (let i = 0; i < repeats; i++) best = Math.min(best, once());
  return best;
}

/** Entry point called by bench/run.ts. */
export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tp-bench-cli-'));
  // The floor: tsx's loader registered (the repository's copy), nothing else imported.
  const floorFile = join(dir, 'tsx-floor.mjs');
  writeFileSync(floorFile, `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};\nregister();\n`);
  const bin = join(ROOT, 'bin', 'tradepilot.js');
  const repeats = 10;
  const bare = spawnBest(['-e', '0'], dir, repeats);
  const floor = spawnBest([floorFile], dir, repeats);
  const version = spawnBest([bin, '--version'], dir, repeats);
  const help = spawnBest([bin, '--help'], dir, repeats);
  const config = spawnBest([bin, 'config', '--json'], dir, repeats);
  const rows: BenchRow[] = [
    { case: 'tradepilot --version (all 27 command definitions registered)', ours: fmtMs(version), peer: `node + tsx loader ${fmtMs(floor)}; bare node ${fmtMs(bare)}`, floor: '< floor + 400 ms', ok: version < floor + 400 },
    { case: 'tradepilot --help', ours: fmtMs(help), peer: `node + tsx loader ${fmtMs(floor)}`, floor: '< floor + 400 ms', ok: help < floor + 400 },
    { case: 'tradepilot config --json (loads config: zod, dotenv)', ours: fmtMs(config), peer: `node + tsx loader ${fmtMs(floor)}`, floor: '< floor + 800 ms', ok: config < floor + 800 },
  ];
  printTable(rows);
}
