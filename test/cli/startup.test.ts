/**
 * Command registration stays cheap: `--version` and `--help` load the command
 * definitions only, and a command loads what it runs. Checked by the modules a
 * child process loads (a module-load hook), not by timing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tp-startup-'));
const hooks = join(dir, 'hooks.mjs');
const log = join(dir, 'loaded.txt');
writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) {\n  if (url.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, url + '\\n');\n  return next(url, context);\n}\n`);
const boot = join(dir, 'boot.mjs');
writeFileSync(boot, `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${hooks}`)});\n`);

/** Run the CLI in a child process; returns its exit code, stdout and the repository-relative modules it loaded. */
function loaded(...args: string[]): { code: number | null; stdout: string; modules: string[] } {
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', boot, join(ROOT, 'bin', 'tradepilot.js'), ...args], { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent' }, encoding: 'utf8', timeout: 120_000 });
  const modules = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((u) => (u.includes('/node_modules/') ? `npm:${u.split('/node_modules/').pop()!.split('/')[0]}` : u.replace(`file://${ROOT}`, '')));
  return { code: r.status, stdout: r.stdout, modules: [...new Set(modules)] };
}

/** Modules no command definition needs: validation, logging, storage, models, pipelines, SDKs. */
const HEAVY = [/^npm:(zod|pino|kysely|better-sqlite3|pg|yaml|dotenv|cli-progress|fastify|bullmq|ioredis|onnxruntime-node|@duckdb)$/, /^src\/(adapters|research|pipeline|ml|rl|live|server|strategy|features|indicators|data|config)\//];
/** Constant lists that option help names (each a small module with no imports of its own). */
const LIGHT = new Set(['src/strategy/packs/packsDir.ts', 'src/strategy/scan/decision.ts', 'src/strategy/scan/modelDir.ts', 'src/data/providers/providerNames.ts', 'src/server/auth/roles.ts', 'src/ml/tree/objective.ts']);
const heavyOf = (modules: string[]): string[] => modules.filter((m) => !LIGHT.has(m) && HEAVY.some((h) => h.test(m)));

describe('CLI start-up', () => {
  it('--version and --help load the command definitions and nothing they run', { timeout: 240_000 }, () => {
    for (const args of [['--version'], ['--help']]) {
      const r = loaded(...args);
      expect(r.code).toBe(0);
      const heavy = heavyOf(r.modules);
      expect(heavy, `${args.join(' ')} loaded ${heavy.join(', ')}`).toEqual([]);
      expect(r.modules).toContain('src/cli/commands/train.ts');
    }
  });

  it('a command loads its implementation when it runs', { timeout: 240_000 }, () => {
    const r = loaded('config', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ DRY_RUN: true });
    expect(r.modules).toContain('src/config/config.ts');
    expect(r.modules).toContain('npm:zod');
    expect(heavyOf(r.modules).filter((m) => !/^(src\/config\/|npm:(zod|dotenv|pino)$)/.test(m))).toEqual([]);
  });
});
