import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigSchema, loadConfig, SECRET_KEYS } from '../../src/config/config.ts';
import { envTemplate } from '../../src/config/envTemplate.ts';
import { runCli } from '../data/cliHarness.ts';

const root = mkdtempSync(join(tmpdir(), 'tp-init-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('tradepilot init', () => {
  it('writes every schema variable with a description, DRY_RUN=true and empty secrets', async () => {
    const dir = join(root, 'fresh');
    const r = await runCli(['init', dir, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { env_file: string; variables: number; dry_run: boolean };
    const keys = Object.keys(ConfigSchema.shape);
    expect(doc.variables).toBe(keys.length);
    const text = readFileSync(join(dir, '.env'), 'utf8');
    const values = parseDotenv(text);
    expect(Object.keys(values).sort()).toEqual([...keys].sort());
    expect(values.DRY_RUN).toBe('true');
    for (const k of SECRET_KEYS) expect(values[k], k).toBe('');
    const lines = text.split('\n');
    for (const k of keys) {
      const i = lines.findIndex((l) => l.startsWith(`${k}=`));
      // The line above each variable is its one-line comment, taken from the schema's description.
      expect(lines[i - 1], k).toMatch(/^# \S/);
      expect((ConfigSchema.shape as Record<string, { description?: string }>)[k]!.description, k).toBeTruthy();
    }
    expect(statSync(join(dir, '.env')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toMatch(/^\.env$/m);
  });

  it('the written .env loads to exactly the built-in defaults', () => {
    const dir = join(root, 'fresh');
    const fromFile = loadConfig({ env: {}, envFile: join(dir, '.env') });
    expect(fromFile).toEqual(loadConfig({ env: {}, envFile: false }));
    expect(envTemplate()).toBe(readFileSync(join(dir, '.env'), 'utf8'));
  });

  it('refuses to overwrite without --force (exit 2 naming the file), overwrites with it', async () => {
    const dir = join(root, 'kept');
    await runCli(['init', dir]);
    writeFileSync(join(dir, '.env'), 'DRY_RUN=false\n');
    const r = await runCli(['init', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(join(dir, '.env'));
    expect(readFileSync(join(dir, '.env'), 'utf8')).toBe('DRY_RUN=false\n');
    const f = await runCli(['init', dir, '--force']);
    expect(f.code).toBe(0);
    expect(parseDotenv(readFileSync(join(dir, '.env'))).DRY_RUN).toBe('true');
  });

  it('adds only the missing lines to an existing .gitignore', async () => {
    const dir = join(root, 'git');
    await runCli(['init', dir]);
    writeFileSync(join(dir, '.gitignore'), 'node_modules/\n.env\n');
    await runCli(['init', dir, '--force']);
    const lines = readFileSync(join(dir, '.gitignore'), 'utf8').split('\n');
    expect(lines.filter((l) => l === '.env')).toHaveLength(1);
    expect(lines).toContain('node_modules/');
    expect(lines).toContain('tradepilot.db');
  });
});
