import type { FastifyInstance } from 'fastify';

/** Headers on every API response (helmet's defaults, minus what a JSON API does not need). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  'x-dns-prefetch-control': 'off',
  'x-permitted-cross-domain-policies': 'none',
};

/** JSON answers run no scripts and may not be framed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/** The dashboard runs its own bundled scripts and styles, talks to this origin only, and loads nothing external. */
export const WEB_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; worker-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
/** The docs page loads its own scripts, styles and images from this origin. */
export const DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export interface SecurityHeaderOptions {
  /** Send Strict-Transport-Security (only meaningful behind HTTPS). */
  hsts: boolean;
  /** Path prefix of the docs page, which gets {@link DOCS_CSP}. */
  docsPrefix: string;
  /** Path prefix of the web dashboard, which gets {@link WEB_CSP}. */
  webPrefix?: string;
}

function cspFor(url: string, opts: SecurityHeaderOptions): string {
  if (url.startsWith(opts.docsPrefix)) return DOCS_CSP;
  if (opts.webPrefix && (url === opts.webPrefix || url.startsWith(`${opts.webPrefix}/`) || url.startsWith(`${opts.webPrefix}?`))) return WEB_CSP;
  return API_CSP;
}

/** Every header of a response to `url`, for hooks and for hijacked (SSE) responses alike. */
export function securityHeadersFor(url: string, opts: SecurityHeaderOptions): Record<string, string> {
  const h: Record<string, string> = { ...SECURITY_HEADERS, 'content-security-policy': cspFor(url, opts) };
  if (opts.hsts) h['strict-transport-security'] = 'max-age=31536000; includeSubDomains';
  return h;
}

/**
 * Set the security headers in an onSend hook (no helmet dependency), and
 * no-store on API answers. Synchronous, with the header lists built once: it
 * runs on every response, so it allocates nothing and awaits nothing.
 */
export function installSecurityHeaders(app: FastifyInstance, opts: SecurityHeaderOptions): void {
  const api = Object.entries(securityHeadersFor('/', { ...opts, docsPrefix: '\0', webPrefix: undefined }));
  const docs = Object.entries(securityHeadersFor(opts.docsPrefix, opts));
  const web = opts.webPrefix ? Object.entries(securityHeadersFor(`${opts.webPrefix}/`, { ...opts, docsPrefix: '\0' })) : api;
  const wp = opts.webPrefix;
  app.addHook('onSend', (req, reply, payload, done) => {
    const isDocs = req.url.startsWith(opts.docsPrefix);
    // The dashboard: /app, /app/..., /app?... (not /application).
    const isWeb = wp !== undefined && req.url.startsWith(wp) && (req.url.length === wp.length || req.url[wp.length] === '/' || req.url[wp.length] === '?');
    for (const [k, v] of isDocs ? docs : isWeb ? web : api) if (k === 'content-security-policy' || !reply.hasHeader(k)) reply.header(k, v);
    if (!isDocs && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}
