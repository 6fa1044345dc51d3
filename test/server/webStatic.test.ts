import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_CSP } from '../../src/server/securityHeaders.ts';
import { resolveWebPath } from '../../src/server/web/staticFiles.ts';
import { makeHarness, type Harness } from './harness.ts';

/** GET a path exactly as written (node's client sends it unnormalised). */
function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The dashboard's static serving under /app, over a fake dist folder (no build needed). */
describe('web dashboard static files', () => {
  let h: Harness;
  let empty: Harness;
  const dir = mkdtempSync(join(tmpdir(), 'tp-webdist-'));
  const root = join(dir, 'dist');
  beforeAll(async () => {
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>tp</title><script type="module" src="/app/assets/index-abc123.js"></script>');
    writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(root, 'assets', 'index-abc123.css'), 'body{}');
    writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(root, '.source-hash'), 'secret');
    writeFileSync(join(dir, 'outside.txt'), 'outside the root');
    h = await makeHarness({ deps: { webDir: root } });
    empty = await makeHarness({ deps: { webDir: join(dir, 'nothing-here') } });
  });
  afterAll(async () => {
    await h.close();
    await empty.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const get = (url: string, headers: Record<string, string> = {}) => h.app.inject({ method: 'GET', url, headers });

  it('serves index.html, without a key, with the dashboard CSP and no-cache', async () => {
    const res = await get('/app/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toBe(WEB_CSP);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.body).toContain('<title>tp</title>');
  });
  it('the CSP allows only this origin: no inline script or style, nothing external', () => {
    expect(WEB_CSP).toContain("script-src 'self'");
    expect(WEB_CSP).toContain("style-src 'self'");
    expect(WEB_CSP).toContain("connect-src 'self'");
    expect(WEB_CSP).not.toContain('unsafe-inline');
    expect(WEB_CSP).not.toMatch(/https?:/);
  });
  it('hashed bundles are immutable, with their content types; other files cache an hour', async () => {
    const js = await get('/app/assets/index-abc123.js');
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await get('/app/assets/index-abc123.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    const svg = await get('/app/favicon.svg');
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    expect(svg.headers['cache-control']).toBe('public, max-age=3600');
  });
  it('answers 304 to a matching If-None-Match', async () => {
    const first = await get('/app/assets/index-abc123.js');
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await get('/app/assets/index-abc123.js', { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });
  it('falls back to index.html for client-side routes, but not for missing files', async () => {
    for (const url of ['/app/sweeps', '/app/sweeps/0190abc?tab=progress', '/app/leaderboard']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain('<title>tp</title>');
      expect(res.headers['content-security-policy']).toBe(WEB_CSP);
    }
    const miss = await get('/app/assets/nope-123.js');
    expect(miss.statusCode).toBe(404);
    expect(miss.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no file /app/assets/nope-123.js' } });
  });
  it('refuses path traversal, encoded or not, and dotfiles', async () => {
    for (const url of ['/app/../outside.txt', '/app/%2e%2e/outside.txt', '/app/assets/%2e%2e%2f%2e%2e%2foutside.txt', '/app/..%5coutside.txt', '/app/.source-hash', '/app/%00index.html', '/app/%E0%A4%A']) {
      const res = await get(url);
      // 401 where the client library resolved the dot-segments itself and the path left /app (an API path then).
      expect([400, 401, 404], url).toContain(res.statusCode);
      expect(res.body).not.toContain('outside the root');
      expect(res.body).not.toContain('secret');
    }
  });
  it('refuses traversal sent raw over a socket (no client-side normalising)', async () => {
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = h.app.server.address() as AddressInfo;
    for (const path of ['/app/../outside.txt', '/app/%2e%2e/outside.txt', '/app/assets/..%2F..%2Foutside.txt', '/app/..%5Coutside.txt', '/app/.source-hash']) {
      const res = await rawGet(port, path);
      expect(res.status, path).toBe(400);
      expect(JSON.parse(res.body).error.code).toBe('BAD_INPUT');
      expect(res.body).not.toContain('outside the root');
    }
  });
  it('resolveWebPath keeps every answer inside the root', async () => {
    expect(await resolveWebPath(root, 'assets/index-abc123.js')).toMatchObject({ kind: 'file', rel: 'assets/index-abc123.js', fallback: false });
    expect(await resolveWebPath(root, '')).toMatchObject({ kind: 'file', rel: 'index.html' });
    expect(await resolveWebPath(root, 'models/new')).toMatchObject({ kind: 'file', rel: 'index.html', fallback: true });
    for (const p of ['..', '../outside.txt', '%2e%2e/outside.txt', 'a/../../outside.txt', '.source-hash', 'a\\..\\b', '%00', '%zz']) expect((await resolveWebPath(root, p)).kind, p).toBe('refused');
    expect(await resolveWebPath(root, 'missing.js')).toEqual({ kind: 'missing', rel: 'missing.js' });
  });
  it('redirects / and /app to /app/, and API routes keep their JSON answers and CSP', async () => {
    expect((await get('/')).headers.location).toBe('/app/');
    expect((await get('/app')).headers.location).toBe('/app/');
    const api = await get('/orders');
    expect(api.statusCode).toBe(401);
    expect(api.headers['content-security-policy']).not.toBe(WEB_CSP);
    expect(api.headers['cache-control']).toBe('no-store');
    const near = await get('/application');
    expect(near.statusCode).toBe(401);
    expect(near.headers['content-type']).toContain('application/json');
  });
  it('says how to build the dashboard when it is not built', async () => {
    const res = await empty.app.inject({ method: 'GET', url: '/app/' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toContain('npm run build:web');
  });
  it('static routes stay out of the OpenAPI document', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((p) => p === '/' || p.startsWith('/app'))).toEqual([]);
  });
});
