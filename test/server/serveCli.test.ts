import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../data/cliHarness.ts';

const dir = mkdtempSync(join(tmpdir(), 'tp-serve-'));
const db = join(dir, 'serve.db');
const bin = resolve('bin/tradepilot.js');

describe('tradepilot apikey and serve', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('apikey create prints the key once; list never shows it; revoke marks it', async () => {
    const created = await runCli(['apikey', 'create', '--role', 'admin', '--name', 'ops', '--db', db, '--json']);
    expect(created.code).toBe(0);
    const doc = JSON.parse(created.stdout) as { id: string; key: string; role: string };
    expect(doc.key).toMatch(/^tp_[A-Za-z0-9_-]{43}$/);
    expect(doc.role).toBe('admin');
    const listed = await runCli(['apikey', 'list', '--db', db, '--json']);
    expect(listed.stdout).not.toContain(doc.key);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id: doc.id, name: 'ops', revokedAt: null })]);
    const bad = await runCli(['apikey', 'create', '--role', 'root', '--name', 'x', '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('role must be one of user, premium, admin');
    expect((await runCli(['apikey', 'revoke', 'key_NOPE', '--db', db])).code).toBe(1);
    const revoked = await runCli(['apikey', 'revoke', doc.id, '--db', db, '--json']);
    expect(JSON.parse(revoked.stdout).revokedAt).not.toBeNull();
  });

  it('serve listens, answers /health and an authenticated call, and stops cleanly on SIGTERM', async () => {
    const key = (JSON.parse((await runCli(['apikey', 'create', '--role', 'user', '--name', 'smoke', '--db', db, '--json'])).stdout) as { key: string }).key;
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--db', db], { cwd: dir, env: { ...process.env, LOG_LEVEL: 'info', TWILIO_AUTH_TOKEN: '', DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 30_000);
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolveUrl(m[1]!);
        }
      });
      child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
    });
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as { checks: Record<string, { ok: boolean }> };
    expect(Object.keys(body.checks).sort()).toEqual(['broker', 'data', 'database', 'scheduler']);
    expect((await fetch(`${url}/events?limit=1`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    expect((await fetch(`${url}/events?limit=1`)).status).toBe(401);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toContain('stopped (SIGTERM)');
    expect(stderr).toContain('shutting down');
  });
});
