/**
 * Static files of the built dashboard (web/dist): safe path resolution, content
 * types, caching headers and the single-page-app fallback. No @fastify/static:
 * the dashboard is a handful of files, and this keeps the rules in one place.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The dashboard's URL prefix; API routes never start with it. */
export const WEB_PREFIX = '/app';

/** Where `npm run build:web` writes the dashboard in this checkout. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** Content types by file extension; anything else is served as bytes. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** Vite puts content-hashed bundles here: they never change under the same name. */
const IMMUTABLE_DIR = 'assets/';

/** Why a path was refused, or the file to send. */
export type Resolved =
  | { kind: 'file'; path: string; rel: string; fallback: boolean }
  | { kind: 'refused'; reason: string }
  | { kind: 'missing'; rel: string };

/**
 * Map the part of a URL path after {@link WEB_PREFIX} to a file under `root`.
 * Refuses encoded NULs, backslashes, dot-segments and dotfiles outright (no
 * normalising them away: a request that tries is not a real client). A path
 * without a file extension that names no file gets index.html (client-side routes).
 */
export async function resolveWebPath(root: string, urlPath: string): Promise<Resolved> {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return { kind: 'refused', reason: 'malformed percent-encoding' };
  }
  if (rel.includes('\0') || rel.includes('\\')) return { kind: 'refused', reason: 'NUL or backslash in path' };
  const segments = rel.split('/').filter((s) => s.length > 0);
  if (segments.some((s) => s.startsWith('.'))) return { kind: 'refused', reason: 'dot-segment or dotfile in path' };
  rel = segments.join('/');
  const base = resolve(root);
  const full = resolve(base, rel === '' ? 'index.html' : rel);
  // Belt and braces after the segment check: the file must lie inside the root.
  if (full !== base && !full.startsWith(base + sep)) return { kind: 'refused', reason: 'path escapes the web root' };
  if (await isFile(full)) return { kind: 'file', path: full, rel: rel === '' ? 'index.html' : rel, fallback: false };
  const last = segments[segments.length - 1] ?? '';
  if (extname(last) === '' || rel === '') {
    const index = resolve(base, 'index.html');
    if (await isFile(index)) return { kind: 'file', path: index, rel: 'index.html', fallback: true };
  }
  return { kind: 'missing', rel };
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** Content type of a file name. */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Cache-Control for a file: hashed bundles forever, index.html revalidated on every load, the rest an hour. */
export function cacheControlOf(rel: string): string {
  if (rel.startsWith(IMMUTABLE_DIR)) return 'public, max-age=31536000, immutable';
  if (rel === 'index.html') return 'no-cache';
  return 'public, max-age=3600';
}

/** A file read for sending, with a strong ETag of its bytes. */
export interface WebFile {
  body: Buffer;
  etag: string;
  contentType: string;
  cacheControl: string;
}

/** Read a resolved file (small files only: the dashboard's bundles). */
export async function readWebFile(path: string, rel: string): Promise<WebFile> {
  const body = await readFile(path);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return { body, etag, contentType: contentTypeOf(rel), cacheControl: cacheControlOf(rel) };
}

/** True when an If-None-Match header matches the ETag (a 304 is enough). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((t) => {
    const v = t.trim().replace(/^W\//, '');
    return v === '*' || v === etag;
  });
}
