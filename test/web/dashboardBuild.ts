/**
 * Build the dashboard for the browser tests when web/dist is missing or stale
 * (CI runs only `npm ci` then `npm test`). Stale = the hash of web/'s sources
 * differs from the one stamped into web/dist at the last build. A lock directory
 * keeps parallel test files from building at once.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The dashboard's source folder. */
export const WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));
/** Where it is built. */
export const WEB_DIST = join(WEB_ROOT, 'dist');
const STAMP = join(WEB_DIST, '.source-hash');
const LOCK = join(WEB_ROOT, '.build-lock');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    if (d.name === 'dist' || d.name.startsWith('.') || d.name === 'node_modules') return [];
    const p = join(dir, d.name);
    return d.isDirectory() ? files(p) : [p];
  });
}

/** Hash of every source file of web/ (names and bytes), in a fixed order. */
export function sourceHash(): string {
  const h = createHash('sha256');
  for (const f of files(WEB_ROOT).sort()) h.update(relative(WEB_ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex');
}

function fresh(hash: string): boolean {
  return existsSync(join(WEB_DIST, 'index.html')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === hash;
}

function runVite(): Promise<void> {
  const vite = fileURLToPath(new URL('../../node_modules/vite/bin/vite.js', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', WEB_ROOT, '--logLevel', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build failed (exit ${code}):\n${out}`))));
  });
}

/** Make sure web/dist holds a build of the current sources; returns whether it built. */
export async function ensureDashboardBuilt(): Promise<boolean> {
  const hash = sourceHash();
  if (fresh(hash)) return false;
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Someone else is building: wait for them, then check again; a lock older than 2 min is stale.
      if (fresh(sourceHash())) return false;
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 120_000) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // The lock went away between the calls.
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${LOCK}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (fresh(hash)) return false;
    process.stdout.write('building the dashboard (web/dist is missing or stale)\n');
    await runVite();
    writeFileSync(STAMP, hash);
    return true;
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
