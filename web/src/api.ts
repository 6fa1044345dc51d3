/**
 * The dashboard's one way to the REST API: the key (entered once, kept in
 * localStorage) goes in the Authorization header; errors come back as
 * {@link ApiError} with the server's code, message and field. Which routes the
 * server offers is read once from /openapi.json, so a page never calls a route
 * this server lacks (it says so instead).
 */

const KEY_STORAGE = 'tradepilot.apiKey';

/** The stored API key, or null before one was entered. */
export function storedKey(): string | null {
  try {
    return localStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

/** Keep (or with null, forget) the API key. */
export function storeKey(key: string | null): void {
  if (key === null) localStorage.removeItem(KEY_STORAGE);
  else localStorage.setItem(KEY_STORAGE, key);
}

/** An error answer of the API (`{ error: { code, message, field? } }`) or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Headers that authenticate a request with the stored key. */
export function authHeaders(): Record<string, string> {
  const key = storedKey();
  return key ? { authorization: `Bearer ${key}` } : {};
}

/** Call the API; JSON in and out. Throws {@link ApiError}. */
export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: { accept: 'application/json', ...authHeaders(), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', `cannot reach the server: ${(err as Error).message}`);
  }
  const text = await res.text();
  let json: unknown = null;
  if (text.length > 0) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string; field?: string } } | null)?.error;
    throw new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? (text.slice(0, 200) || res.statusText), e?.field);
  }
  return json as T;
}

/** Query string from defined values only. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

/** A page of a list route. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  limit: number;
}

/** The routes this server offers, as "METHOD /path/{param}" (from its OpenAPI document). */
export class Capabilities {
  constructor(private readonly routes: ReadonlySet<string>) {}
  /** True when the server has this route (path as in the OpenAPI document, e.g. /sweeps/{id}). */
  has(method: string, path: string): boolean {
    return this.routes.has(`${method.toUpperCase()} ${path}`);
  }
  /** How many routes the server documents. */
  get size(): number {
    return this.routes.size;
  }
}

/** Read the server's OpenAPI document (public) into {@link Capabilities}. */
export async function loadCapabilities(): Promise<Capabilities> {
  const doc = await api<{ paths?: Record<string, Record<string, unknown>> }>('GET', '/openapi.json');
  const routes = new Set<string>();
  for (const [path, ops] of Object.entries(doc.paths ?? {})) for (const m of Object.keys(ops)) routes.add(`${m.toUpperCase()} ${path}`);
  return new Capabilities(routes);
}

/** A human line for any error a page shows. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return `${err.status ? `${err.status} ` : ''}${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
